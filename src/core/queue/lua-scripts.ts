/**
 * The queue's Lua scripts (lua/*.lua, each headed with its KEYS, ARGV and reply codes) and the one way they are
 * called: every script gets all the queue's keys and the same first six ARGV (lua/common.lua), then its own.
 */
import type { RedisClient } from '../redis/topology';
import { SCRIPT_KEY_COUNT, scriptKeys, type QueueKeys } from './keys';
import { QueueScripts } from './scripts';
import commonLua from './lua/common.lua?raw';
import enqueueLua from './lua/enqueue.lua?raw';
import claimLua from './lua/claim.lua?raw';
import renewLua from './lua/renew.lua?raw';
import completeLua from './lua/complete.lua?raw';
import failLua from './lua/fail.lua?raw';
import handbackLua from './lua/handback.lua?raw';
import promoteLua from './lua/promote.lua?raw';
import recoverLua from './lua/recover.lua?raw';
import operatorLua from './lua/operator.lua?raw';
import purgeLua from './lua/purge.lua?raw';
import approvalLua from './lua/approval.lua?raw';

export type ScriptName =
  | 'enqueue'
  | 'claim'
  | 'renew'
  | 'complete'
  | 'fail'
  | 'handback'
  | 'promote'
  | 'recover'
  | 'operator'
  | 'purge'
  | 'approval';

const SCRIPTS: Record<ScriptName, string> = {
  enqueue: enqueueLua,
  claim: claimLua,
  renew: renewLua,
  complete: completeLua,
  fail: failLua,
  handback: handbackLua,
  promote: promoteLua,
  recover: recoverLua,
  operator: operatorLua,
  purge: purgeLua,
  approval: approvalLua,
};

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Runs one of the queue's scripts with the common KEYS / ARGV of lua/common.lua, then `args`. */
export type RunScript = (name: ScriptName, now: number, by: string, args: (string | number)[]) => Promise<unknown>;

export class QueueLua {
  private readonly scripts: QueueScripts;
  private readonly keyList: string[];

  constructor(
    redis: RedisClient,
    private readonly keys: QueueKeys,
    private readonly historyLimit: number,
  ) {
    this.scripts = new QueueScripts(redis, commonLua, SCRIPTS, SCRIPT_KEY_COUNT);
    this.keyList = scriptKeys(keys);
  }

  /** 'function' when the scripts run as a Redis function library, 'eval' when with EVALSHA (scripts.ts). */
  mode(): Promise<'function' | 'eval'> {
    return this.scripts.mode();
  }

  readonly run: RunScript = (name, now, by, args) =>
    this.scripts.call(name, this.keyList, [
      this.keys.eventPrefix,
      this.keys.changes,
      Math.floor(now),
      iso(now),
      by,
      this.historyLimit,
      ...args,
    ]);
}
