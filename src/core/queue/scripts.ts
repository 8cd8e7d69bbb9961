/**
 * How the queue's Lua runs in Redis. On Redis 7+ the helpers (lua/common.lua) and every script are
 * one function library, loaded once and called with FCALL: the helpers are compiled and created
 * once, not again on every call as with EVAL (a few µs of the ~30 µs a call costs). Where FUNCTION
 * is missing (Redis 6, or an ACL that forbids it) each script is common.lua + the script, run with
 * EVALSHA through ioredis' defineCommand. Both forms run the same text, so they behave the same.
 *
 * The library's name carries a hash of its code, so an upgrade loads the new code next to the old
 * and one Redis never runs a mix. Loading drops the libraries of other versions; a process still
 * running an old version finds its functions gone ("Function not found": nothing ran) and loads
 * them again. On a Redis Cluster the library is loaded on every master (FUNCTION LOAD is per node; replicas get it
 * by replication), since FCALL runs on whichever master holds the app's `{rd}` slot.
 */
import { createHash } from 'node:crypto';
import { Cluster, ReplyError, type Redis } from 'ioredis';
import { errorText } from '../domain/errors';
import type { RedisClient } from '../redis/topology';

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

const LIBRARY_PREFIX = 'rebalance_desk_queue_';

/** A script's text run between bind (KEYS, ARGV) and finish_call (common.lua). */
function wrapped(body: string): string {
  return `bind(KEYS, ARGV)\nlocal reply = (function()\n${body}\nend)()\nfinish_call()\nreturn reply`;
}

/** The library text: the helpers, then one function per script. */
function libraryCode(name: string, common: string, scripts: Record<string, string>, fn: (s: string) => string) {
  const functions = Object.entries(scripts).map(
    ([script, body]) => `redis.register_function('${fn(script)}', function(KEYS, ARGV)\n${wrapped(body)}\nend)`,
  );
  return `#!lua name=${name}\n${common}\n${functions.join('\n')}\n`;
}

export class QueueScripts {
  readonly libraryName: string;
  private readonly code: string;
  /** Resolves with true when the library is loaded, false when this Redis has to use EVALSHA. */
  private loading: Promise<boolean> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly common: string,
    private readonly scripts: Record<string, string>,
    private readonly keyCount: number,
  ) {
    const hash = createHash('sha1')
      .update(libraryCode('x', common, scripts, (s) => s))
      .digest('hex')
      .slice(0, 12);
    this.libraryName = `${LIBRARY_PREFIX}${hash}`;
    this.code = libraryCode(this.libraryName, common, scripts, (s) => this.functionName(s));
  }

  /** Runs `script` with `keys` then `args`. */
  async call(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (await this.loaded()) {
      try {
        return await this.fcall(script, keys, args);
      } catch (err) {
        // FUNCTION FLUSH, a Redis restarted without persistence, or another version's start-up
        if (!/function not found/i.test(errorText(err))) throw err;
        this.loading = null;
        if (await this.loaded(false)) return this.fcall(script, keys, args);
      }
    }
    return this.evalsha(script, keys, args);
  }

  /** 'function' when the library is in use, 'eval' when this Redis runs the scripts with EVALSHA. */
  async mode(): Promise<'function' | 'eval'> {
    return (await this.loaded()) ? 'function' : 'eval';
  }

  /** Loads the library once; a load that could not reach Redis is tried again by the next call. */
  private loaded(dropOthers = true): Promise<boolean> {
    this.loading ??= this.load(dropOthers).catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  private functionName(script: string): string {
    return `${this.libraryName}_${script}`;
  }

  private fcall(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.redis.call('FCALL', this.functionName(script), keys.length, ...keys, ...args);
  }

  private evalsha(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const command = `rdq_${script}`;
    const target = this.redis as unknown as Record<string, ScriptFn | undefined>;
    if (!target[command]) {
      const body = this.scripts[script];
      if (body === undefined) throw new Error(`queue script ${script} is not defined`);
      this.redis.defineCommand(command, {
        lua: `${this.common}\n${wrapped(body)}`,
        numberOfKeys: this.keyCount,
      });
    }
    return (target[command] as ScriptFn).call(this.redis, ...keys, ...args);
  }

  /** The servers the library is loaded on: the one Redis, or every master of a cluster. */
  private servers(): Redis[] {
    return this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
  }

  private async load(dropOthers: boolean): Promise<boolean> {
    for (const server of this.servers()) {
      try {
        await server.call('FUNCTION', 'LOAD', this.code);
      } catch (err) {
        // not answered by Redis (connection lost): no verdict on FUNCTION, the caller sees the error
        if (!(err instanceof ReplyError)) throw err;
        // 'already exists': another connection (or an earlier run, from the AOF) loaded this version;
        // any other answer (unknown command before Redis 7, an ACL without FUNCTION): use EVALSHA
        if (!/already exists/i.test(errorText(err))) return false;
      }
    }
    if (dropOthers) for (const server of this.servers()) await this.dropOtherVersions(server);
    return true;
  }

  private async dropOtherVersions(server: Redis): Promise<void> {
    try {
      const libraries = (await server.call('FUNCTION', 'LIST', 'LIBRARYNAME', `${LIBRARY_PREFIX}*`)) as unknown[];
      for (const library of libraries) {
        if (!Array.isArray(library)) continue;
        const at = library.indexOf('library_name');
        const name: unknown = at >= 0 ? library[at + 1] : undefined;
        if (typeof name === 'string' && name.startsWith(LIBRARY_PREFIX) && name !== this.libraryName) {
          await server.call('FUNCTION', 'DELETE', name).catch(() => undefined);
        }
      }
    } catch {
      // listing is a tidy-up only; the library in use is loaded
    }
  }
}
