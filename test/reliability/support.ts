/**
 * Support for the reliability suite (PRODUCT.md §17): the headless core as a child process (`out/main/cli.js serve`),
 * a seeded random source, polling, and replay helpers over the queue's history stream.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { vi } from 'vitest';
import type { SettingsInput } from '../../src/core/config/schema';
import type { Plan } from '../../src/shared/dto';
import type { EventQueue } from '../../src/core/queue/event-queue';

export const ROOT = join(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'out/main/cli.js');
export const REDIS_BINARY = process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds `out/main/cli.js` with electron-vite when it is missing or older than the sources it bundles. */
export function ensureCliBuilt(): void {
  const sources = ['src/core', 'src/server', 'src/shared', 'src/sim'].map((d) => newestMtime(join(ROOT, d)));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(...sources)) return;
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  if (!existsSync(CLI)) throw new Error(`electron-vite build did not produce ${CLI}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  let lastError: unknown = null;
  return vi.waitFor(
    async () => {
      let value: T | null | undefined | false;
      try {
        value = await probe();
      } catch (error) {
        lastError = error;
        value = null;
      }
      if (value === null || value === undefined || value === false) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
        );
      }
      return value;
    },
    { timeout: timeoutMs, interval: everyMs },
  );
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One running `cli.js serve` child. */
/**
 * The settings every child core of this suite shares: paper, on the given Redis and prefix, against the simulated
 * gateway and allocation service with short timeouts, no restart window (the simulated gateway never restarts; a run
 * near midnight in New York must not wait), no desktop notifications. Each test adds its accounts, orders and queue.
 */
export function childCoreSettings(at: {
  dataDir: string;
  redisUrl: string;
  prefix: string;
  gatewayPort: number;
  allocationsUrl: string;
  allocationsApiKey: string;
  token: string;
  logLevel?: SettingsInput['logLevel'];
}): SettingsInput {
  return {
    tradingMode: 'paper',
    dataDir: at.dataDir,
    redis: { url: at.redisUrl, keyPrefix: at.prefix },
    ib: {
      host: '127.0.0.1',
      port: at.gatewayPort,
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 3_000,
      reconnectDelayMs: 200,
      restartWindow: null,
    },
    zehnlabs: { allocationsUrl: at.allocationsUrl, allocationsApiKey: at.allocationsApiKey },
    management: { token: at.token },
    notifications: { desktop: false },
    logLevel: at.logLevel ?? 'warn',
  };
}

export interface CoreChild {
  proc: ChildProcess;
  /** Resolves with the printed URL once it says `listening on …`. */
  ready: Promise<{ url: string; token: string }>;
  output(): string;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (clean stop) and wait; SIGKILL after `graceMs`. Answers the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  exited(): boolean;
}

/** `management.token` of a settings file ('' when none). */
function settingsToken(configFile: string): string {
  const json = JSON.parse(readFileSync(configFile, 'utf8')) as { management?: { token?: string } };
  return json.management?.token ?? '';
}

export function startCore(configFile: string, extraEnv: Record<string, string> = {}): CoreChild {
  const proc = spawn(process.execPath, [CLI, 'serve', '--config', configFile, '--port', '0', '--quiet'], {
    cwd: ROOT,
    env: { ...process.env, REDISMS_SYSTEM_BINARY: REDIS_BINARY, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exitedFlag = false;
  const exit = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      exitedFlag = true;
      resolve(code);
    });
  });
  const ready = new Promise<{ url: string; token: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // §18: the token is printed only when serve made it; one from the settings file is read from there.
      const m = /listening on (https?:\/\/[^\s#]+)(?:#token=(\S+))?\s/.exec(out);
      if (m) resolve({ url: m[1]!, token: m[2] ?? settingsToken(configFile) });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    void exit.then((code) =>
      reject(new Error(`core exited (${String(code)}) before it was ready:\n${out.slice(-2000)}`)),
    );
  });
  ready.catch(() => undefined);
  return {
    proc,
    ready,
    output: () => out,
    exited: () => exitedFlag,
    async kill9() {
      if (!exitedFlag) proc.kill('SIGKILL');
      await exit;
    },
    async stop(graceMs = 10_000) {
      if (exitedFlag) return exit;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface HistoryRow {
  id: string;
  accountId: string;
  command: string;
  from: string;
  to: string;
  action: string;
  note: string;
}

/** Every entry of the `rebalance_history` stream, oldest first. */
export async function readHistory(redis: Redis, streamKey: string): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  let start = '-';
  for (;;) {
    const batch = (await redis.xrange(streamKey, start, '+', 'COUNT', 1000)) as [string, string[]][];
    for (const [sid, fields] of batch) {
      if (start !== '-' && sid === start) continue;
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      rows.push({
        id: f.id ?? '',
        accountId: f.accountId ?? '',
        command: f.command ?? '',
        from: f.from ?? '',
        to: f.to ?? '',
        action: f.action ?? '',
        note: f.note ?? '',
      });
    }
    if (batch.length < 1000) return rows;
    start = batch[batch.length - 1]![0];
  }
}

/** Enqueues a print-rebalance through `queue` and answers the orders its plan would still send (none = at target). */
export async function remainingOrdersVia(
  queue: EventQueue,
  accountId: string,
  timeoutMs = 20_000,
): Promise<{ symbol: string; delta: number }[]> {
  const result = await queue.enqueue({ accountId, command: 'print-rebalance', source: 'api' });
  if (result.status !== 'queued')
    throw new Error(`print-rebalance for ${accountId} is a duplicate of ${result.existingId}`);
  const id = result.event.id;
  const event = await waitUntil(
    async () => {
      const e = (await queue.get(id))?.event;
      return e?.status === 'done' ? e : null;
    },
    `print-rebalance of ${accountId}`,
    timeoutMs,
  );
  const plan = (event.result as { plan: Plan }).plan;
  return plan.rows.filter((r) => r.order).map((r) => ({ symbol: r.symbol, delta: r.delta }));
}

/**
 * Orders a fresh preview would still send beyond one share. §8 floors `investable × weight / mark` against the net
 * liquidation AFTER the trade's commission and spread, so a rebalance that lands exactly on a share boundary can be
 * previewed right after as "sell 1" (`orders.minTradeValue` is the setting that hides such trades); anything larger
 * is a real miss.
 */
export function beyondOneShare<T extends { delta: number }>(remaining: T[]): T[] {
  return remaining.filter((r) => Math.abs(r.delta) > 1);
}
