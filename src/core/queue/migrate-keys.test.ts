import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { TradeStore } from '../records/trade-store';
import { EventQueue } from './event-queue';
import { HASH_TAG } from './keys';
import { migrateLegacyKeys } from './migrate-keys';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.handle.connect('migrate-test');
});

afterAll(async () => {
  await server.cleanup();
});

function queueAt(keyPrefix: string): EventQueue {
  return new EventQueue({
    redis,
    keyPrefix,
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 1_000,
    retainDoneDays: 90,
  });
}

/** Renames every `{rd}` key of `prefix` back to the form of an installation from before the hash tag. */
async function makeLegacy(prefix: string): Promise<number> {
  const keys = await redis.keys(`${prefix}${HASH_TAG.replace(/[{}]/g, (c) => `\\${c}`)}*`);
  for (const key of keys) await redis.rename(key, prefix + key.slice(prefix.length + HASH_TAG.length));
  return keys.length;
}

describe('moving an installation from before the {rd} hash tag', () => {
  it('finds its queue, history and trade records after the upgrade', async () => {
    const prefix = uniquePrefix('legacy');
    const old = queueAt(prefix);
    const a = await old.enqueue({ accountId: 'DU1', command: 'rebalance', source: 'manual' });
    const b = await old.enqueue({ accountId: 'DU2', command: 'print-positions', source: 'manual' });
    if (a.status !== 'queued' || b.status !== 'queued') throw new Error('not queued');
    const claimed = await old.claim('w1');
    await old.complete(claimed!.id, 'w1', { ok: true });
    await new TradeStore(redis, prefix).add({
      id: 'trade-1',
      kind: 'fill',
      eventId: a.event.id,
      accountId: 'DU1',
      symbol: 'SPY',
      side: 'BUY',
      quantity: 1,
      orderType: 'MKT',
      orderRef: 'rd:x',
      orderId: 1,
      permId: 1,
      status: 'Filled',
      fillPrice: 500,
      commission: 1,
      at: new Date().toISOString(),
    });
    const moved = await makeLegacy(prefix);
    expect(moved).toBeGreaterThan(5);
    expect(await queueAt(prefix).get(a.event.id)).toBeNull(); // what the upgrade would see without migrating

    const result = await migrateLegacyKeys(redis, prefix);
    expect(result).toEqual({ renamed: moved, conflicts: [] });
    const q = queueAt(prefix);
    const first = await q.get(a.event.id);
    expect(first?.event.status).toBe('done');
    expect(first?.history.map((h) => h.action)).toContain('enqueued');
    expect((await q.get(b.event.id))?.event.status).toBe('pending');
    expect(await q.counts()).toMatchObject({ pending: 1, done: 1 });
    // the pair of the pending one is still taken, so deduplication holds across the upgrade
    expect(await q.enqueue({ accountId: 'DU2', command: 'print-positions', source: 'manual' })).toEqual({
      status: 'duplicate',
      existingId: b.event.id,
    });
    expect(await new TradeStore(redis, prefix).list({})).toHaveLength(1);
  });

  it('does nothing, in one round trip, when there is nothing old', async () => {
    const prefix = uniquePrefix('fresh');
    await queueAt(prefix).enqueue({ accountId: 'DU1', command: 'rebalance', source: 'manual' });
    expect(await migrateLegacyKeys(redis, prefix)).toEqual({ renamed: 0, conflicts: [] });
  });

  it('never overwrites a key whose new name exists, and says which it left', async () => {
    const prefix = uniquePrefix('both');
    await redis.rpush(`${prefix}rebalance_queue`, 'old-id');
    await redis.rpush(`${prefix}${HASH_TAG}rebalance_queue`, 'new-id');
    const warnings: unknown[] = [];
    const result = await migrateLegacyKeys(redis, prefix, { info: () => undefined, warn: (o) => warnings.push(o) });
    expect(result.conflicts).toEqual([`${prefix}rebalance_queue`]);
    expect(await redis.lrange(`${prefix}${HASH_TAG}rebalance_queue`, 0, -1)).toEqual(['new-id']);
    expect(warnings).toHaveLength(1);
  });
});
