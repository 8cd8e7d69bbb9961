/**
 * Real Redis topologies on loopback for tests (PRODUCT.md §22), started from the same `redis-server` binary as the
 * embedded Redis: a 3-master Redis Cluster (`redis-cli --cluster create`) and 1 master + 1 replica + 3 sentinels
 * (`redis-server sentinel.conf --sentinel`). Every process binds 127.0.0.1 on free ports and is killed by `stop()`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis, type RedisOptions } from 'ioredis';
import { vi } from 'vitest';
import type { RedisEndpoint, RedisTopology } from '../../src/core/redis/topology';
import { makeTestCerts, type TestCerts } from './tls-certs';

const run = promisify(execFile);
const REDIS_SERVER = process.env.REDISMS_SYSTEM_BINARY || 'redis-server';
const REDIS_CLI = path.join(path.dirname(REDIS_SERVER), 'redis-cli');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free loopback port; with `bus`, port + 10000 (the cluster bus) is free too. */
async function freePort(bus = false): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(port)) && (!bus || (await portFree(port + 10_000)))) return port;
  }
  throw new Error('no free port found');
}

/** Resolves when `check` holds (polled by vi.waitFor; a check that throws counts as not yet). */
function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await check().catch(() => false))) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

/** Runs `fn` on a one-shot connection to the node on `port` (no retries: a node that is down fails at once). */
async function onNode<T>(port: number, fn: (c: Redis) => Promise<T>, options: RedisOptions = {}): Promise<T> {
  const c = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

const ping = (port: number): Promise<boolean> => onNode(port, async (c) => (await c.ping()) === 'PONG');

const info = (port: number, section: string): Promise<string> =>
  onNode(port, async (c) => (section === 'cluster' ? String(await c.cluster('INFO')) : await c.info(section)));

export interface RedisNode {
  port: number;
  process: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): void;
  /** Starts the server again on its port with its arguments (after a kill). */
  restart(): void;
}

function startServer(dir: string, port: number, args: string[]): RedisNode {
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args];
  const node: RedisNode = {
    port,
    process: spawn(REDIS_SERVER, argv, { stdio: 'ignore' }),
    kill: () => node.process.kill('SIGKILL'),
    restart: () => {
      node.process = spawn(REDIS_SERVER, argv, { stdio: 'ignore' });
    },
  };
  return node;
}

export interface TestTopology {
  name: 'cluster' | 'sentinel' | 'tls';
  /** The settings (`redis.*`) that reach it. */
  topology: RedisTopology;
  nodes: RedisNode[];
  /** Sentinel only: the master (first) and the replica. */
  master?: RedisNode;
  replica?: RedisNode;
  /** Sentinel only: the port of the current master as the sentinels see it. */
  currentMasterPort?: () => Promise<number>;
  /** TLS only: the CA, server certificate and an unrelated CA, as PEM paths. */
  certs?: TestCerts;
  stop(): Promise<void>;
}

function stopper(nodes: RedisNode[], dir: string): () => Promise<void> {
  return async () => {
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.process.exitCode !== null || n.process.signalCode !== null) return resolve();
            n.process.once('exit', () => resolve());
            n.kill();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A Redis Cluster of three masters (no replicas), every slot assigned, state ok on every node. */
export async function startCluster(): Promise<TestTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-cluster-'));
  const nodes: RedisNode[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort(true);
      const nodeDir = path.join(dir, String(port));
      await import('node:fs/promises').then((fs) => fs.mkdir(nodeDir));
      nodes.push(
        startServer(nodeDir, port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          '--appendonly',
          'no',
        ]),
      );
    }
    for (const n of nodes) await until(() => ping(n.port), `cluster node ${n.port}`);
    await run(REDIS_CLI, [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const n of nodes) {
      await until(async () => /cluster_state:ok/.test(await info(n.port, 'cluster')), `cluster state ok on ${n.port}`);
    }
  } catch (err) {
    await stopper(nodes, dir)();
    throw err;
  }
  const endpoints: RedisEndpoint[] = nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  return { name: 'cluster', topology: { cluster: endpoints }, nodes, stop: stopper(nodes, dir) };
}

/** One master, one replica (in sync) and three sentinels watching them as `rd-master` (quorum 2, 1 s down-after). */
export async function startSentinel(): Promise<TestTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-sentinel-'));
  const nodes: RedisNode[] = [];
  const masterName = 'rd-master';
  try {
    const mPort = await freePort();
    const rPort = await freePort();
    const mDir = path.join(dir, 'master');
    const rDir = path.join(dir, 'replica');
    const fs = await import('node:fs/promises');
    await fs.mkdir(mDir);
    await fs.mkdir(rDir);
    const master = startServer(mDir, mPort, ['--appendonly', 'no']);
    nodes.push(master);
    await until(() => ping(mPort), 'sentinel master');
    const replica = startServer(rDir, rPort, ['--appendonly', 'no', '--replicaof', '127.0.0.1', String(mPort)]);
    nodes.push(replica);
    await until(async () => /master_link_status:up/.test(await info(rPort, 'replication')), 'replica in sync');
    const sentinels: RedisEndpoint[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = path.join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${mPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const node: RedisNode = {
        port,
        process: spawn(REDIS_SERVER, [conf, '--sentinel'], { stdio: 'ignore' }),
        kill: () => node.process.kill('SIGKILL'),
        restart: () => {
          node.process = spawn(REDIS_SERVER, [conf, '--sentinel'], { stdio: 'ignore' });
        },
      };
      nodes.push(node);
      sentinels.push({ host: '127.0.0.1', port });
    }
    for (const s of sentinels) {
      await until(
        async () => /num-other-sentinels|sentinels=3/.test(await info(s.port, 'sentinel')),
        `sentinel ${s.port}`,
      );
    }
    // every sentinel sees the replica and the two others before a failover can be relied on
    await until(async () => {
      for (const s of sentinels) {
        const text = await info(s.port, 'sentinel');
        if (!/slaves=1,sentinels=3/.test(text)) return false;
      }
      return true;
    }, 'sentinels to discover the replica and each other');
    const currentMasterPort = async (): Promise<number> => {
      const c = new Redis({ host: '127.0.0.1', port: sentinels[0]!.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        const addr = (await c.call('SENTINEL', 'get-master-addr-by-name', masterName)) as string[];
        return Number(addr[1]);
      } finally {
        c.disconnect();
      }
    };
    return {
      name: 'sentinel',
      topology: { sentinel: { masterName, sentinels, password: null } },
      nodes,
      master,
      replica,
      currentMasterPort,
      stop: stopper(nodes, dir),
    };
  } catch (err) {
    await stopper(nodes, dir)();
    throw err;
  }
}

/**
 * One redis-server answering only TLS (`--port 0 --tls-port P`), its certificate signed by a test CA; the topology is
 * `redis.url: rediss://127.0.0.1:P` with `redis.tls.ca` that CA and `rejectUnauthorized: true`. Clients need no
 * certificate of their own (`--tls-auth-clients no`).
 */
export async function startTlsRedis(): Promise<TestTopology> {
  const certs = await makeTestCerts();
  const nodes: RedisNode[] = [];
  const stopNodes = stopper(nodes, path.join(certs.dir, 'data'));
  const stop = async () => {
    await stopNodes();
    certs.cleanup();
  };
  try {
    const port = await freePort();
    const dataDir = path.join(certs.dir, 'data');
    await import('node:fs/promises').then((fs) => fs.mkdir(dataDir));
    const argv = [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '',
      '--appendonly', 'no', '--tls-cert-file', certs.cert, '--tls-key-file', certs.key,
      '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no',
    ]; // prettier-ignore
    const node: RedisNode = {
      port,
      process: spawn(REDIS_SERVER, argv, { stdio: 'ignore' }),
      kill: () => node.process.kill('SIGKILL'),
      restart: () => {
        node.process = spawn(REDIS_SERVER, argv, { stdio: 'ignore' });
      },
    };
    nodes.push(node);
    const tls = { ca: certs.ca, cert: null, key: null, rejectUnauthorized: true };
    const topology: RedisTopology = { url: `rediss://127.0.0.1:${port}`, tls };
    await until(
      () => onNode(port, async (c) => (await c.ping()) === 'PONG', { tls: { ca: readFileSync(certs.ca) } }),
      `TLS redis-server on ${port}`,
    );
    return { name: 'tls', topology, nodes, certs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The topology a test project names in QUEUE_TEST_TOPOLOGY. */
export function startTopology(name: TestTopology['name']): Promise<TestTopology> {
  if (name === 'cluster') return startCluster();
  if (name === 'sentinel') return startSentinel();
  return startTlsRedis();
}
