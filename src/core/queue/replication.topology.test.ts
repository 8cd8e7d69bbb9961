/**
 * §22 on real multi-node Redis (run by the vitest projects `queue-cluster` and `queue-sentinel`, which set
 * QUEUE_TEST_TOPOLOGY): the scripts run as one function library on every topology, all keys share one cluster slot,
 * and with `redis.minReplicas: 1` a kill -9 of the Sentinel master mid-stream loses no acknowledged enqueue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import type { NewEvent } from '../../shared/dto';
import { startCluster, startSentinel, type TestTopology } from '../../../test/support/redis-topologies';
import { uniquePrefix } from '../redis/test-redis.test-support';
import { createClient, type RedisClient } from '../redis/topology';
import { QueueReplicationError } from './errors';
import { EventQueue } from './event-queue';
import { eventKey, scriptKeys } from './keys';

const TOPOLOGY = process.env.QUEUE_TEST_TOPOLOGY as 'cluster' | 'sentinel' | undefined;
if (!TOPOLOGY) throw new Error('run through the queue-cluster / queue-sentinel vitest projects (QUEUE_TEST_TOPOLOGY)');

let topology: TestTopology;
const clients: RedisClient[] = [];
const queues: EventQueue[] = [];

beforeAll(async () => {
  topology = TOPOLOGY === 'cluster' ? await startCluster() : await startSentinel();
}, 60_000);

afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop()));
  for (const c of clients) c.disconnect();
  await topology?.stop();
});

function queueOn(minReplicas = 0): { q: EventQueue; redis: RedisClient } {
  const redis = createClient(topology.topology, { name: 'replication-test' });
  redis.on('error', () => undefined);
  clients.push(redis);
  const q = new EventQueue({
    redis,
    keyPrefix: uniquePrefix('topo'),
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 10_000,
    retainDoneDays: 90,
    minReplicas,
  });
  queues.push(q);
  return { q, redis };
}

const ev = (i: number): NewEvent => ({ accountId: `DU${100_000 + i}`, command: 'rebalance', source: 'api' });

describe(`the queue on ${TOPOLOGY}`, () => {
  it('runs its scripts as the loaded function library', async () => {
    const { q } = queueOn();
    await q.enqueue(ev(1));
    expect(await q.scriptMode()).toBe('function');
  });

  it.runIf(TOPOLOGY === 'cluster')('keeps every key of an installation in one cluster slot', async () => {
    const { q, redis } = queueOn();
    const r = await q.enqueue(ev(2));
    if (r.status !== 'queued') throw new Error('not queued');
    const cluster = redis as Cluster;
    const keys = [...scriptKeys(q.keys), eventKey(q.keys, r.event.id), q.keys.changes];
    const slots = new Set(await Promise.all(keys.map((k) => cluster.cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
    // and the event is found again through whichever master holds that slot
    expect((await q.get(r.event.id))?.event.accountId).toBe('DU100002');
  });

  it.runIf(TOPOLOGY === 'sentinel')(
    'loses no acknowledged enqueue when the master is killed -9 mid-stream (minReplicas 1)',
    async () => {
      const { q } = queueOn(1);
      const acknowledged: string[] = [];
      const master = topology.master!;
      const firstMaster = await topology.currentMasterPort!();
      let killed = false;
      let restarted = false;
      const deadline = Date.now() + 60_000;
      // Enqueue one event after another. After 150 acknowledgements kill -9 the master; once the sentinels have
      // promoted the replica, start the old master again (they make it the new master's replica, so WAIT can
      // confirm again) and go on to 300.
      for (let i = 1; acknowledged.length < 300 && Date.now() < deadline; i++) {
        if (!killed && acknowledged.length >= 150) {
          master.kill();
          killed = true;
        }
        try {
          const r = await q.enqueue(ev(i));
          if (r.status === 'queued') acknowledged.push(r.event.id);
        } catch {
          // not acknowledged (the master is gone, or WAIT found no replica yet): the caller tries again
          if (killed && !restarted && (await topology.currentMasterPort!()) !== firstMaster) {
            master.restart();
            restarted = true;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(killed && restarted).toBe(true);
      expect(acknowledged.length).toBe(300);
      expect(await topology.currentMasterPort!()).toBe(topology.replica!.port);
      // every acknowledged event is on the new master: its record and its place in the queue
      const missing: string[] = [];
      for (const id of acknowledged) if (!(await q.get(id))) missing.push(id);
      expect(missing).toEqual([]);
      expect((await q.counts()).pending).toBeGreaterThanOrEqual(acknowledged.length);
    },
    90_000,
  );

  it.runIf(TOPOLOGY === 'sentinel')(
    'refuses to acknowledge, as transient and naming redis.minReplicas, while no replica confirms',
    async () => {
      const { q } = queueOn(1);
      // the master's only replica goes away (after the test above that is the first master, restarted)
      const replicaPort =
        (await topology.currentMasterPort!()) === topology.master!.port ? topology.replica! : topology.master!;
      replicaPort.kill();
      const err = await q.enqueue(ev(9_999)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueReplicationError);
      expect((err as QueueReplicationError).kind).toBe('transient');
      expect((err as Error).message).toMatch(/0 of 1 required replica.*redis\.minReplicas/);
    },
    30_000,
  );
});
