/**
 * §25 account history on real multi-node Redis (run by the vitest projects `queue-cluster` and `queue-sentinel`,
 * which set QUEUE_TEST_TOPOLOGY): samples of several accounts are written in one MULTI (the demo's seeded history),
 * trimmed at 400 days on each write, and read back — on a Cluster because every key shares the queue's `{rd}` slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { startCluster, startSentinel, type TestTopology } from '../../../test/support/redis-topologies';
import { uniquePrefix } from '../redis/test-redis.test-support';
import { createClient, type RedisClient } from '../redis/topology';
import { AccountHistory } from './account-history';

const TOPOLOGY = process.env.QUEUE_TEST_TOPOLOGY as 'cluster' | 'sentinel' | undefined;
if (!TOPOLOGY) throw new Error('run through the queue-cluster / queue-sentinel vitest projects (QUEUE_TEST_TOPOLOGY)');

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-04T15:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

let topology: TestTopology;
let redis: RedisClient;

beforeAll(async () => {
  topology = TOPOLOGY === 'cluster' ? await startCluster() : await startSentinel();
  redis = createClient(topology.topology, { name: 'account-history-topology-test' });
  redis.on('error', () => undefined);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await topology?.stop();
});

describe(`account history on ${TOPOLOGY} (§25)`, () => {
  it('writes several accounts in one call, trims at 400 days on each write and reads each back', async () => {
    let now = NOW;
    const history = new AccountHistory({ redis, keyPrefix: uniquePrefix('hist'), now: () => now });
    await history.recordAll([
      { accountId: 'DU1', at: iso(NOW - 399 * DAY), nav: 100_000, drift: 1 },
      { accountId: 'DU2', at: iso(NOW - 399 * DAY), nav: 50_000, drift: 2 },
      { accountId: 'DU1', at: iso(NOW - DAY), nav: 101_000, drift: 3 },
    ]);
    expect(await history.read('DU1', 'nav')).toEqual([
      { at: iso(NOW - 399 * DAY), value: 100_000 },
      { at: iso(NOW - DAY), value: 101_000 },
    ]);
    expect((await history.read('DU2', 'drift')).map((p) => p.value)).toEqual([2]);

    now = NOW + 2 * DAY; // the first samples are now 401 days old: the next write removes them from Redis
    await history.record({ accountId: 'DU1', at: iso(now), nav: 102_000 });
    expect(await redis.zcard(history.key('nav', 'DU1'))).toBe(2);
    expect((await history.read('DU1', 'nav')).map((p) => p.value)).toEqual([101_000, 102_000]);

    if (TOPOLOGY === 'cluster') {
      // what lets one MULTI span accounts: every account's history in the queue's slot
      const keys = [history.key('nav', 'DU1'), history.key('drift', 'DU2'), '{rd}pending'];
      const slots = new Set(await Promise.all(keys.map((k) => (redis as Cluster).cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    }
  });
});
