import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import type { RedisClient } from '../redis/topology';
import { AccountHistory } from './account-history';

let server: TestRedis;
let redis: RedisClient;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-04T15:00:00Z');

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.handle.connect('account-history-test');
}, 60_000);
afterAll(async () => {
  redis.disconnect();
  await server.cleanup();
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('account history (§25)', () => {
  it('keeps NAV and drift samples per account, oldest first, from `since` on', async () => {
    const history = new AccountHistory({ redis, keyPrefix: uniquePrefix('hist'), now: () => NOW });
    await history.record({ accountId: 'DU1', at: iso(NOW - 2 * DAY), nav: 100_000.12, drift: 1.5 });
    await history.record({ accountId: 'DU1', at: iso(NOW - DAY), nav: 101_000, drift: 6.25 });
    await history.record({ accountId: 'DU2', at: iso(NOW - DAY), nav: 5 });
    expect(await history.read('DU1', 'nav')).toEqual([
      { at: iso(NOW - 2 * DAY), value: 100_000.12 },
      { at: iso(NOW - DAY), value: 101_000 },
    ]);
    expect(await history.read('DU1', 'drift', iso(NOW - DAY))).toEqual([{ at: iso(NOW - DAY), value: 6.25 }]);
    expect(await history.read('DU2', 'drift')).toEqual([]);
  });

  it('is trimmed at its limit of 400 days on each write, and never answers an older sample', async () => {
    let now = NOW;
    const prefix = uniquePrefix('hist');
    const history = new AccountHistory({ redis, keyPrefix: prefix, now: () => now });
    await history.record({ accountId: 'DU1', at: iso(NOW - 399 * DAY), drift: 1 });
    await history.record({ accountId: 'DU1', at: iso(NOW - 10 * DAY), drift: 2 });
    // 401 days old: refused at once
    await history.record({ accountId: 'DU1', at: iso(NOW - 401 * DAY), drift: 9 });
    expect((await history.read('DU1', 'drift')).map((p) => p.value)).toEqual([1, 2]);

    now = NOW + 2 * DAY; // the first sample is now 401 days old
    expect((await history.read('DU1', 'drift')).map((p) => p.value)).toEqual([2]);
    await history.record({ accountId: 'DU1', at: iso(now), drift: 3 });
    expect(await redis.zcard(history.key('drift', 'DU1'))).toBe(2);
    expect((await history.read('DU1', 'drift')).map((p) => p.value)).toEqual([2, 3]);
  });

  it('keeps at most maxSamples per key, dropping the oldest', async () => {
    const history = new AccountHistory({ redis, keyPrefix: uniquePrefix('hist'), now: () => NOW, maxSamples: 3 });
    for (let i = 1; i <= 5; i++) await history.record({ accountId: 'DU1', at: iso(NOW - (10 - i) * 60_000), nav: i });
    expect((await history.read('DU1', 'nav')).map((p) => p.value)).toEqual([3, 4, 5]);
  });

  it('uses keys with the queue hash tag {rd}, so they share its Cluster slot', () => {
    const history = new AccountHistory({ redis, keyPrefix: 'desk:' });
    expect(history.key('nav', 'DU1')).toBe('desk:{rd}rebalance_account_history:nav:DU1');
  });

  it('refuses a sample whose time is not a time, naming the account', async () => {
    const history = new AccountHistory({ redis, keyPrefix: uniquePrefix('hist') });
    await expect(history.record({ accountId: 'DU9', at: 'yesterday', nav: 1 })).rejects.toThrow(/DU9.*not a time/);
  });
});
