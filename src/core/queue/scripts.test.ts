/**
 * How the queue's Lua runs (scripts.ts) and group commit (event-queue.ts `batched`), on a real Redis 7:
 * the function library and its EVALSHA fallback, reloading after FUNCTION FLUSH, dropping other
 * versions, and many enqueues / completions in one call that still answer each caller on its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { QueueChange } from '../../shared/dto';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { EventQueue } from './event-queue';
import { eventKey } from './keys';

let server: TestRedis;
let redis: Redis;
const conns: Redis[] = [];
const queues: EventQueue[] = [];

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.handle.connect('scripts-test');
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
  for (const c of conns.splice(0)) c.disconnect();
});

afterAll(async () => {
  await server.cleanup();
});

function queueOn(conn: Redis, prefix = uniquePrefix('scripts'), historyLimit = 10_000): EventQueue {
  const q = new EventQueue({
    redis: conn,
    keyPrefix: prefix,
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit,
    retainDoneDays: 90,
  });
  queues.push(q);
  return q;
}

async function scriptCalls(): Promise<number> {
  const stats = await redis.info('commandstats');
  let calls = 0;
  for (const m of stats.matchAll(/cmdstat_(?:fcall|evalsha|eval):calls=(\d+)/g)) calls += Number(m[1]);
  return calls;
}

async function libraries(): Promise<string[]> {
  const list = (await redis.call('FUNCTION', 'LIST')) as unknown[][];
  return list.map((lib) => String(lib[lib.indexOf('library_name') + 1])).sort();
}

describe('the queue scripts on Redis 7', () => {
  it('run as one function library, loaded once', async () => {
    const q = queueOn(redis);
    await q.enqueue({ accountId: 'DU1', command: 'rebalance', source: 'manual' });
    expect(await q.scriptMode()).toBe('function');
    const libs = (await libraries()).filter((n) => n.startsWith('rebalance_desk_queue_'));
    expect(libs).toHaveLength(1);
    const claimed = await q.claim('w1');
    expect(claimed?.accountId).toBe('DU1');
  });

  it('fall back to EVALSHA when the Redis user may not use FUNCTION, and work the same', async () => {
    await redis.call('ACL', 'SETUSER', 'nofunction', 'on', '>secret', '~*', '&*', '+@all', '-function');
    const conn = new Redis(server.handle.url, { username: 'nofunction', password: 'secret' });
    conns.push(conn);
    const q = queueOn(conn);
    const first = await q.enqueue({ accountId: 'DU2', command: 'rebalance', source: 'manual' });
    expect(first.status).toBe('queued');
    expect(await q.scriptMode()).toBe('eval');
    expect(await q.enqueue({ accountId: 'DU2', command: 'rebalance', source: 'manual' })).toEqual({
      status: 'duplicate',
      existingId: first.status === 'queued' ? first.event.id : '',
    });
    const claimed = await q.claim('w1');
    expect(claimed?.status).toBe('active');
    expect(await q.completeAndClaim(claimed!.id, 'w1', { ok: true })).toBeNull();
    expect((await q.get(claimed!.id))?.event.status).toBe('done');
  });

  it('load the library again after FUNCTION FLUSH, without losing the call', async () => {
    const q = queueOn(redis);
    await q.enqueue({ accountId: 'DU3', command: 'rebalance', source: 'manual' });
    await redis.call('FUNCTION', 'FLUSH');
    const again = await q.enqueue({ accountId: 'DU4', command: 'rebalance', source: 'manual' });
    expect(again.status).toBe('queued');
    expect(await q.scriptMode()).toBe('function');
    expect((await q.counts()).pending).toBe(2);
  });

  it("drop other versions' libraries when loading, and nobody else's", async () => {
    const fake = (name: string) =>
      redis.call(
        'FUNCTION',
        'LOAD',
        `#!lua name=${name}\nredis.register_function('${name}_x', function() return 1 end)`,
      );
    await redis.call('FUNCTION', 'FLUSH');
    await fake('rebalance_desk_queue_000000000000');
    await fake('someone_else');
    const q = queueOn(redis);
    await q.enqueue({ accountId: 'DU5', command: 'rebalance', source: 'manual' });
    const libs = await libraries();
    expect(libs).toContain('someone_else');
    expect(libs).not.toContain('rebalance_desk_queue_000000000000');
    expect(libs.filter((n) => n.startsWith('rebalance_desk_queue_'))).toHaveLength(1);
  });
});

describe('group commit', () => {
  it('sends enqueues made together as one call, answering each in order, duplicates included', async () => {
    const q = queueOn(redis);
    await q.enqueue({ accountId: 'warm', command: 'rebalance', source: 'manual', id: 'warm' }); // library loaded
    const before = await scriptCalls();
    const answers = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        q.enqueue({ accountId: `DU${100 + i}`, command: 'rebalance', source: 'manual', id: `b-${i}` }),
      ),
      q.enqueue({ accountId: 'DU100', command: 'rebalance', source: 'manual', id: 'b-dup' }),
      q.enqueue({ accountId: 'DU100', command: 'print-rebalance', source: 'manual', id: 'b-other' }),
    ]);
    expect((await scriptCalls()) - before).toBe(1);
    expect(answers.slice(0, 40).every((a) => a.status === 'queued')).toBe(true);
    expect(answers[40]).toEqual({ status: 'duplicate', existingId: 'b-0' });
    expect(answers[41]?.status).toBe('queued');
    // FIFO: the queue holds them in the order they were asked for
    const { events } = await q.list({ state: 'pending', limit: 100 });
    expect(events.map((e) => e.id)).toEqual(['warm', ...Array.from({ length: 40 }, (_, i) => `b-${i}`), 'b-other']);
  });

  it('completes together-finished events in one call; one refused by Redis fails alone, naming it', async () => {
    const q = queueOn(redis);
    const recordKey = (id: string) => eventKey(q.keys, id);
    for (let i = 0; i < 3; i++)
      await q.enqueue({ accountId: `DU${200 + i}`, command: 'rebalance', source: 'manual', id: `c-${i}` });
    const claimed = await Promise.all(['w0', 'w1', 'w2'].map((w) => q.claim(w)));
    expect(claimed.map((e) => e?.id)).toEqual(['c-0', 'c-1', 'c-2']);
    // c-1's record key now holds a hash: GET on it is refused with WRONGTYPE
    await redis.del(recordKey('c-1'));
    await redis.hset(recordKey('c-1'), 'not', 'a record');
    const before = await scriptCalls();
    const results = await Promise.allSettled(
      ['c-0', 'c-1', 'c-2'].map((id, i) => q.complete(id, `w${i}`, { ok: true })),
    );
    expect((await scriptCalls()) - before).toBe(1);
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[2]?.status).toBe('fulfilled');
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringMatching(/Redis refused the complete of event c-1: WRONGTYPE/) },
    });
    expect((await q.get('c-0'))?.event.status).toBe('done');
    expect((await q.get('c-2'))?.event.status).toBe('done');
  });

  it('announces every change of a batched call, in order, to change listeners', async () => {
    const q = queueOn(redis);
    await q.start();
    const seen: QueueChange[] = [];
    q.onChange((c) => seen.push(c));
    await Promise.all(
      [1, 2, 3].map((i) =>
        q.enqueue({ accountId: `DU${300 + i}`, command: 'rebalance', source: 'manual', id: `n-${i}` }),
      ),
    );
    const first = await q.claim('w1');
    const next = await q.completeAndClaim(first!.id, 'w1', { ok: true });
    expect(next?.id).toBe('n-2');
    const deadline = Date.now() + 2_000;
    while (seen.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen.map((c) => `${c.id}:${c.action}`)).toEqual([
      'n-1:enqueued',
      'n-2:enqueued',
      'n-3:enqueued',
      'n-1:claimed',
      'n-1:completed',
      'n-2:claimed',
    ]);
  });
});

describe('the history stream', () => {
  it('stays near queue.historyLimit, trimmed once per call, and the newest events keep their history', async () => {
    const q = queueOn(redis, uniquePrefix('trim'), 100);
    // 8 calls of 50 enqueues: 400 entries written, 4 times the limit
    for (let call = 0; call < 8; call++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          q.enqueue({ accountId: `DU${call * 50 + i}`, command: 'rebalance', source: 'manual', id: `t-${call}-${i}` }),
        ),
      );
    }
    const length = await redis.xlen(q.keys.history);
    // approximate trimming drops whole stream nodes (100 entries each), so it may keep up to a node more
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(250);
    // an XADD no longer carries the trim: the history entry of an event just written is still read back whole
    const last = await q.get('t-7-49');
    expect(last?.history.map((h) => h.action)).toEqual(['enqueued']);
    const claimed = await q.claim('w1');
    await q.complete(claimed!.id, 'w1', { ok: true });
    expect(await redis.xlen(q.keys.history)).toBeLessThan(250);
  });
});
