/**
 * An external Redis in any of the topologies of PRODUCT.md §22, all through ioredis: one server (`redis.url`,
 * `redis://` or `rediss://` with `redis.tls` file paths), a Sentinel-managed master (`redis.sentinel`) or a Redis
 * Cluster (`redis.cluster`). Every key of the app carries the `{rd}` hash tag (queue/keys.ts), so the Lua scripts run
 * unchanged on a cluster: all of an installation's keys live in one slot.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { maskUrl } from '../config/masking';

/** A connection to the app's Redis: one server (also behind Sentinel) or a cluster. */
export type RedisClient = Redis | Cluster;

/** True for a Redis Cluster connection (one that routes by slot), false for one server. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

export interface RedisTlsFiles {
  ca?: string | null;
  cert?: string | null;
  key?: string | null;
  rejectUnauthorized?: boolean;
}

export interface RedisEndpoint {
  host: string;
  port: number;
}

export interface RedisSentinelSettings {
  masterName: string;
  sentinels: RedisEndpoint[];
  /** The master's (and the sentinels') password. */
  password?: string | null;
}

/** Where the app's Redis is when it is not embedded (settings `redis.*`). */
export interface RedisTopology {
  url?: string | null;
  tls?: RedisTlsFiles | null;
  sentinel?: RedisSentinelSettings | null;
  cluster?: RedisEndpoint[] | null;
}

/** True when the settings name an external Redis (any topology) instead of the embedded one. */
export function isExternal(t: RedisTopology): boolean {
  return Boolean(t.url || t.sentinel || (t.cluster && t.cluster.length > 0));
}

/** Hides every password of a redis URL (userinfo and query, §18) for messages, logs and health. */
export function redactRedisUrl(url: string): string {
  return maskUrl(url);
}

/** One line naming the topology for logs, health and errors; never a password. */
export function describeTopology(t: RedisTopology): string {
  if (t.cluster && t.cluster.length > 0) {
    return `Redis Cluster ${t.cluster.map((n) => `${n.host}:${n.port}`).join(', ')}`;
  }
  if (t.sentinel) {
    const s = t.sentinel;
    return `Redis master "${s.masterName}" via sentinels ${s.sentinels.map((n) => `${n.host}:${n.port}`).join(', ')}`;
  }
  return `Redis at ${redactRedisUrl(t.url ?? '')}`;
}

/** Thrown when a TLS file named in `redis.tls` cannot be read. */
export class RedisTlsFileError extends Error {
  override name = 'RedisTlsFileError';
}

/** `redis.tls` as Node TLS options: the files read, their paths named when one can't be. */
export function tlsOptions(files: RedisTlsFiles | null | undefined): ConnectionOptions | undefined {
  if (!files) return undefined;
  const read = (what: 'ca' | 'cert' | 'key'): Buffer | undefined => {
    const file = files[what];
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new RedisTlsFileError(`redis.tls.${what}: cannot read ${file}: ${reason}`);
    }
  };
  const options: ConnectionOptions = { rejectUnauthorized: files.rejectUnauthorized ?? true };
  const ca = read('ca');
  const cert = read('cert');
  const key = read('key');
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  return options;
}

/** How a connection behaves: named for CLIENT LIST, or a one-shot probe that fails at once instead of retrying. */
export interface ClientOptions {
  name?: string;
  probe?: boolean;
}

const PROBE: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 5_000,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  retryStrategy: () => null,
};

/** A new ioredis connection for the topology. */
export function createClient(t: RedisTopology, opts: ClientOptions = {}): RedisClient {
  const tls = tlsOptions(t.tls);
  const base: RedisOptions = { ...(opts.probe ? PROBE : {}), ...(opts.name ? { connectionName: opts.name } : {}) };
  if (t.cluster && t.cluster.length > 0) {
    const { lazyConnect, enableOfflineQueue, retryStrategy: _, ...node } = base;
    return new Cluster(
      t.cluster.map((n) => ({ host: n.host, port: n.port })),
      {
        ...(opts.probe ? { lazyConnect, enableOfflineQueue, clusterRetryStrategy: () => null } : {}),
        redisOptions: { ...node, ...(tls ? { tls } : {}) },
      },
    );
  }
  if (t.sentinel) {
    const s = t.sentinel;
    return new Redis({
      ...base,
      sentinels: s.sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: s.masterName,
      ...(s.password ? { password: s.password, sentinelPassword: s.password } : {}),
      ...(tls ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    });
  }
  const secure = (t.url ?? '').startsWith('rediss://');
  return new Redis(t.url ?? '', { ...base, ...(tls || secure ? { tls: tls ?? {} } : {}) });
}

/** Connects once and PINGs, so a wrong address or password is reported at start-up with what to check. */
export async function probe(t: RedisTopology): Promise<void> {
  const client = createClient(t, { probe: true });
  // The socket's own error (a refused TLS certificate, a wrong password …): ioredis rejects connect() only with
  // "Connection is closed." once it gave up, which says nothing about why.
  let cause: Error | null = null;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect().catch((error: unknown) => {
      throw cause ?? error;
    });
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING answer ${String(pong)}`);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/**
 * `WAIT minReplicas timeoutMs` on the connection that made the writes: how many replicas have them. On a cluster the
 * app's keys are all in one slot, but which master holds it can change, so every master is asked and the fewest
 * confirmations count.
 */
export async function waitForReplicas(client: RedisClient, minReplicas: number, timeoutMs: number): Promise<number> {
  if (isCluster(client)) {
    const masters = client.nodes('master');
    const acks = await Promise.all(
      masters.map(async (node) => Number(await node.call('WAIT', minReplicas, timeoutMs))),
    );
    return acks.length === 0 ? 0 : Math.min(...acks);
  }
  return Number(await client.call('WAIT', minReplicas, timeoutMs));
}
