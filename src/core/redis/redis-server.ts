/**
 * The app's Redis (PRODUCT.md §3): either an external one (`redis.url`) or a private, embedded
 * `redis-server` started with redis-memory-server, persisted with AOF (`appendfsync always`) in
 * `<dataDir>/redis`, bound to a free loopback port. A second start on the same dataDir finds the
 * data of the first.
 */
import { accessSync, constants as fsConstants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { RedisMemoryServer } from 'redis-memory-server';
import { createClient, describeTopology, isExternal, probe, type RedisClient, type RedisTopology } from './topology';

export { redactRedisUrl } from './topology';

/** The slice of a pino logger this module uses. */
export interface RedisLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StartRedisOptions extends RedisTopology {
  /** External Redis (`redis://…` / `rediss://…`); when set (or `sentinel` / `cluster`) nothing is started. */
  url?: string | null;
  /** Path of a `redis-server` binary for the embedded Redis. */
  binary?: string | null;
  /** The app's data directory; the embedded Redis keeps its files in `<dataDir>/redis`. */
  dataDir: string;
  log?: RedisLog;
}

export interface RedisHandle {
  kind: 'embedded' | 'external';
  /** `redis://host:port` (credentials of an external URL kept as given); for Sentinel / Cluster, their description. */
  url: string;
  /** One line naming where Redis is, without passwords (health, logs). */
  description: string;
  /** Process id of the embedded redis-server; null for an external Redis. */
  pid: number | null;
  /**
   * A new ioredis connection to this Redis (closed by `stop()` if still open): one server, or the master behind
   * Sentinel. Throws for a Redis Cluster, where `client()` is the way in.
   */
  connect(name?: string): Redis;
  /** A new connection of whatever topology this Redis is (a `Cluster` for `redis.cluster`); closed by `stop()`. */
  client(name?: string): RedisClient;
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

function trackingConnector(topology: RedisTopology, base: string) {
  const open = new Set<RedisClient>();
  const client = (name?: string): RedisClient => {
    const c = createClient(topology, { name: name ? `${base}:${name}` : base });
    open.add(c);
    c.once('end', () => open.delete(c));
    return c;
  };
  const connect = (name?: string): Redis => {
    if (topology.cluster && topology.cluster.length > 0) {
      throw new Error('this Redis is a cluster: use client(), not connect()');
    }
    const c = client(name);
    if (c instanceof Cluster) throw new Error('unexpected cluster connection');
    return c;
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
  return { connect, client, closeAll };
}

async function startExternal(topology: RedisTopology, log?: RedisLog): Promise<RedisHandle> {
  const description = describeTopology(topology);
  try {
    await probe(topology);
  } catch (err) {
    throw new RedisStartError(
      `${description} is unreachable: ${err instanceof Error ? err.message : String(err)}. ` +
        'Check redis.url / redis.sentinel / redis.cluster, or clear them to use the embedded Redis.',
    );
  }
  log?.info({ redis: description }, 'connected to external Redis');
  const { connect, client, closeAll } = trackingConnector(topology, 'rebalance-desk');
  const url = topology.url ? topology.url : description;
  return { kind: 'external', url, description, pid: null, connect, client, stop: closeAll };
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
  const { connect, client, closeAll } = trackingConnector({ url }, 'rebalance-desk');
  let stopped = false;
  return {
    kind: 'embedded',
    url,
    description: `embedded Redis (pid ${pid ?? 'unknown'})`,
    pid,
    connect,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeAll();
      await server.stop();
      opts.log?.info({ url, pid }, 'embedded Redis stopped');
    },
  };
}

/** Connects to the external Redis (`url`, `sentinel` or `cluster`), or starts the embedded one in `<dataDir>/redis`. */
export async function startRedis(opts: StartRedisOptions): Promise<RedisHandle> {
  if (isExternal(opts)) return startExternal(opts, opts.log);
  return startEmbedded(opts);
}
