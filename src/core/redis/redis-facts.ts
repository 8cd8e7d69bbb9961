/**
 * §29 Check setup: what a Redis says of itself (version, persistence), and, for the embedded Redis when the app is
 * not running it (the `check` CLI), what its binary is. Kept here: only core/{queue,records,redis} speak to Redis.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RedisFacts } from '../setup/check-setup';
import { resolveRedisBinary, type ResolveRedisBinaryOptions } from './redis-server';
import type { RedisClient } from './topology';

/** `INFO` fields as a map (`key:value` lines). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

/** Version and persistence of a running Redis (rejects when it does not answer). */
export async function redisFacts(client: RedisClient, description: string): Promise<RedisFacts> {
  const info = parseInfo(`${await client.info('server')}\n${await client.info('persistence')}`);
  let snapshots: boolean | null = null;
  try {
    const save = (await client.call('CONFIG', 'GET', 'save')) as unknown;
    if (Array.isArray(save) && typeof save[1] === 'string') snapshots = save[1].trim() !== '';
  } catch {
    // managed Redis services often refuse CONFIG: unknown
  }
  return {
    description,
    version: info.get('redis_version') ?? 'unknown',
    appendOnly: info.get('aof_enabled') === '1',
    snapshots,
  };
}

const run = promisify(execFile);

/**
 * The embedded Redis when it is not running: the binary the app would start (`redis-server --version`); it always
 * runs with the append-only file on (`--appendonly yes --appendfsync always`).
 */
export async function embeddedRedisFacts(
  binary: string | null,
  options: ResolveRedisBinaryOptions = {},
): Promise<RedisFacts> {
  const choice = resolveRedisBinary(binary, process.env, options);
  if (choice.path === null) {
    throw new Error(
      'no redis-server binary found (redis.binary, REDISMS_SYSTEM_BINARY, PATH); the headless host would download one',
    );
  }
  const { stdout } = await run(choice.path, ['--version'], { timeout: 5_000 });
  const version = /v=(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? 'unknown';
  return { description: `the embedded Redis (${choice.path})`, version, appendOnly: true, snapshots: null };
}
