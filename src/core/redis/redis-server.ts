/**
 * The app's Redis (PRODUCT.md §3): either an external one (`redis.url`) or a private, embedded
 * `redis-server` started with redis-memory-server, persisted with AOF (`appendfsync always`) in
 * `<dataDir>/redis`, bound to a free loopback port. A second start on the same dataDir finds the
 * data of the first.
 */
import { accessSync, constants as fsConstants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisMemoryServer } from 'redis-memory-server';

/** The slice of a pino logger this module uses. */
export interface RedisLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StartRedisOptions {
  /** External Redis (`redis://…` / `rediss://…`); when set nothing is started. */
  url?: string | null;
  /** Path of a `redis-server` binary for the embedded Redis. */
  binary?: string | null;
  /** The app's data directory; the embedded Redis keeps its files in `<dataDir>/redis`. */
  dataDir: string;
  log?: RedisLog;
}

export interface RedisHandle {
  kind: 'embedded' | 'external';
  /** `redis://host:port` (credentials of an external URL kept as given). */
  url: string;
  /** Process id of the embedded redis-server; null for an external Redis. */
  pid: number | null;
  /** A new ioredis connection to this Redis (closed by `stop()` if still open). */
  connect(name?: string): Redis;
  /** Closes the connections made by `connect()` and, when embedded, shuts the server down. */
  stop(): Promise<void>;
}

/** Thrown when no Redis could be started or reached; `message` says what to do. */
export class RedisStartError extends Error {
  override name = 'RedisStartError';
}

const HOW_TO_GET_REDIS =
  'Install Redis (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) ' +
  'or set redis.binary to the path of a redis-server binary';

/** Hides the password of a redis URL for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `redis-server` (`.exe` on Windows) on PATH, or null. */
export function findOnPath(name = 'redis-server', pathEnv = process.env.PATH ?? ''): string | null {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

export type BinaryChoice = { source: 'option' | 'env' | 'path'; path: string } | { source: 'download'; path: null };

/**
 * Which redis-server to run: `binary`, else `REDISMS_SYSTEM_BINARY`, else `redis-server` on PATH,
 * else redis-memory-server's download. A named binary that does not exist is an error (never a
 * silent download, which is what redis-memory-server would do).
 */
export function resolveRedisBinary(
  binary: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): BinaryChoice {
  const check = (file: string, from: string): string => {
    const full = path.resolve(file);
    if (!existsSync(full)) {
      throw new RedisStartError(`redis-server binary not found at ${full} (${from}). ${HOW_TO_GET_REDIS}.`);
    }
    if (!isExecutableFile(full)) {
      throw new RedisStartError(
        `redis-server binary at ${full} (${from}) is not an executable file. ${HOW_TO_GET_REDIS}.`,
      );
    }
    return full;
  };
  if (binary) return { source: 'option', path: check(binary, 'from redis.binary') };
  const fromEnv = env.REDISMS_SYSTEM_BINARY;
  if (fromEnv) return { source: 'env', path: check(fromEnv, 'from REDISMS_SYSTEM_BINARY') };
  const onPath = findOnPath('redis-server', env.PATH ?? '');
  if (onPath) return { source: 'path', path: onPath };
  return { source: 'download', path: null };
}

function trackingConnector(url: string, base: string) {
  const open = new Set<Redis>();
  const connect = (name?: string): Redis => {
    const client = new Redis(url, { connectionName: name ? `${base}:${name}` : base });
    open.add(client);
    client.once('end', () => open.delete(client));
    return client;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all(
      [...open].map(async (c) => {
        try {
          if (c.status === 'ready') await c.quit();
          else c.disconnect();
        } catch {
          c.disconnect();
        }
      }),
    );
    open.clear();
  };
  return { connect, closeAll };
}

async function startExternal(url: string, log?: RedisLog): Promise<RedisHandle> {
  const shown = redactRedisUrl(url);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const pong = await probe.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING answer ${String(pong)}`);
  } catch (err) {
    probe.disconnect();
    throw new RedisStartError(
      `Redis at ${shown} is unreachable: ${err instanceof Error ? err.message : String(err)}. ` +
        'Check redis.url, or clear it to use the embedded Redis.',
    );
  }
  await probe.quit().catch(() => probe.disconnect());
  log?.info({ url: shown }, 'connected to external Redis');
  const { connect, closeAll } = trackingConnector(url, 'rebalance-desk');
  return { kind: 'external', url, pid: null, connect, stop: closeAll };
}

async function startEmbedded(opts: StartRedisOptions): Promise<RedisHandle> {
  const choice = resolveRedisBinary(opts.binary);
  const dir = path.resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const server = new RedisMemoryServer({
    autoStart: false,
    instance: {
      ip: '127.0.0.1',
      args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
    },
    binary: choice.path ? { systemBinary: choice.path } : {},
  });
  try {
    await server.start();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await server.stop().catch(() => undefined);
    if (choice.source === 'download') {
      throw new RedisStartError(
        'No redis-server found (redis.binary and REDISMS_SYSTEM_BINARY not set, none on PATH) and ' +
          `downloading Redis failed: ${reason}. ${HOW_TO_GET_REDIS}.`,
      );
    }
    throw new RedisStartError(
      `The embedded Redis (${choice.path}) did not start with data in ${dir}: ${reason}. ` +
        'Check that the directory is writable and its AOF files are intact.',
    );
  }
  const info = server.getInstanceInfo();
  if (!info) throw new RedisStartError('The embedded Redis reported no instance after starting.');
  const url = `redis://${info.ip}:${info.port}`;
  const pid = info.instance.getPid() ?? null;
  opts.log?.info({ url, pid, dir, binary: choice.path ?? 'downloaded' }, 'embedded Redis started');
  const { connect, closeAll } = trackingConnector(url, 'rebalance-desk');
  let stopped = false;
  return {
    kind: 'embedded',
    url,
    pid,
    connect,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeAll();
      await server.stop();
      opts.log?.info({ url, pid }, 'embedded Redis stopped');
    },
  };
}

/** Connects to `url`, or starts the embedded Redis in `<dataDir>/redis`. */
export async function startRedis(opts: StartRedisOptions): Promise<RedisHandle> {
  if (opts.url) return startExternal(opts.url, opts.log);
  return startEmbedded(opts);
}
