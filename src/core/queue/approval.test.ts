/**
 * §19 approval before trading at the queue level, on a real Redis: every transition of `awaiting`
 * (lua/approval.lua, and hold / release / delete in lua/operator.lua) and the races between them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { EventApproval, EventRecord, NewEvent, QueueChange } from '../../shared/dto';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { QueueConflictError } from './errors';
import { EventQueue, type EventQueueOptions } from './event-queue';

let redisServer: TestRedis;
let redis: Redis;
const queues: EventQueue[] = [];

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.handle.connect('approval-test');
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});

afterAll(async () => {
  await redisServer.cleanup();
});

/** A queue on its own key prefix; `clock.ms` is its time unless `real` is asked for. */
function makeQueue(opts: Partial<EventQueueOptions> = {}, real = false) {
  const clock = { ms: Date.parse('2026-03-02T15:00:00.000Z') };
  const q = new EventQueue({
    redis,
    keyPrefix: uniquePrefix('approval'),
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 10_000,
    retainDoneDays: 90,
    ...(real ? {} : { now: () => clock.ms }),
    ...opts,
  });
  queues.push(q);
  return { q, clock };
}

const ev = (accountId: string, extra: Partial<NewEvent> = {}): NewEvent => ({
  accountId,
  command: 'rebalance',
  source: 'zehnlabs',
  eventId: `sig-${accountId}`,
  strategy: 'etf-blend-200-35',
  ...extra,
});

const plan = {
  accountId: 'DU1',
  rows: [{ symbol: 'SPY', order: { side: 'BUY', quantity: 10 }, estimatedValue: 5012.5, weights: [] }],
  warnings: [] as string[],
  nav: 100_000.12345678901,
};

function approvalAt(nowMs: number, minutes: number | null, planHash = 'h1'): EventApproval {
  return {
    requestedAt: new Date(nowMs).toISOString(),
    autoApproveAt: minutes === null ? null : new Date(nowMs + minutes * 60_000).toISOString(),
    planHash,
    minutes,
  };
}

/** Enqueues, claims and puts the event up for approval with `plan`. */
async function awaiting(q: EventQueue, nowMs: number, minutes: number | null, e = ev('DU1')): Promise<EventRecord> {
  const r = await q.enqueue(e);
  if (r.status !== 'queued') throw new Error('not queued');
  const claimed = await q.claim('w1');
  if (!claimed || claimed.id !== r.event.id) throw new Error('not claimed');
  return q.awaitApproval(claimed.id, 'w1', { result: { plan }, approval: approvalAt(nowMs, minutes) });
}

const historyOf = async (q: EventQueue, id: string) =>
  ((await q.get(id))?.history ?? []).map((h) => `${h.action}:${h.from ?? ''}>${h.to ?? ''}:${h.by}`);

describe('await approval', () => {
  it('moves a claimed rebalance from active to awaiting with its plan, scored by the auto-approve time', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 10);
    expect(e.status).toBe('awaiting');
    expect(e.result).toEqual({ plan });
    expect(e.approval).toMatchObject({
      requestedAt: '2026-03-02T15:00:00.000Z',
      autoApproveAt: '2026-03-02T15:10:00.000Z',
      planHash: 'h1',
      minutes: 10,
      approvedAt: null,
    });
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBe(String(clock.ms + 600_000));
    expect(await redis.zscore(q.keys.processing, e.id)).toBeNull();
    expect(await redis.hlen(q.keys.accountLease)).toBe(0);
    expect((await q.counts()).awaiting).toBe(1);
    expect((await q.status()).counts).toMatchObject({ awaiting: 1, active: 0, pending: 0 });
    expect((await q.list({ state: 'awaiting' })).events.map((x) => x.id)).toEqual([e.id]);
    expect((await q.list()).events.map((x) => x.status)).toEqual(['awaiting']);
    expect(await historyOf(q, e.id)).toContain('awaiting-approval:active>awaiting:w1');
  });

  it('scores a confirm event +inf and keeps its accountId:command taken', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, null);
    expect(e.approval?.autoApproveAt).toBeNull();
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBe('inf');
    expect(await q.enqueue(ev('DU1', { eventId: 'another-signal' }))).toEqual({
      status: 'duplicate',
      existingId: e.id,
    });
    clock.ms += 365 * 86_400_000;
    expect(await q.approveDue()).toBe(0);
    expect((await q.get(e.id))?.event.status).toBe('awaiting');
  });

  it('needs the lease: a worker that lost it gets a conflict and the event stays active', async () => {
    const { q, clock } = makeQueue();
    await q.enqueue(ev('DU1'));
    const c = await q.claim('w1');
    const err = await q
      .awaitApproval(c!.id, 'w2', { result: { plan }, approval: approvalAt(clock.ms, null) })
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(QueueConflictError);
    expect((await q.get(c!.id))?.event.status).toBe('active');
  });
});

describe('approve', () => {
  it('puts the event at the tail of the queue, marked approved with the plan hash', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, null);
    const other = await q.enqueue(ev('DU2'));
    const approved = await q.approve(e.id, 'awaiting');
    expect(approved.status).toBe('pending');
    expect(approved.approval).toMatchObject({ approvedBy: 'operator', approvedHash: 'h1', planHash: 'h1' });
    expect(approved.approval?.approvedAt).toBe(new Date(clock.ms).toISOString());
    expect(approved.result).toEqual({ plan });
    expect(await redis.lrange(q.keys.queue, 0, -1)).toEqual([other.status === 'queued' ? other.event.id : '', e.id]);
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBeNull();
    expect(await historyOf(q, e.id)).toContain('approved:awaiting>pending:operator');
  });

  it('a second approve, or one with another expectedStatus, is a conflict', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, null);
    await expect(q.approve(e.id, 'pending')).rejects.toBeInstanceOf(QueueConflictError);
    await q.approve(e.id);
    const err = await q.approve(e.id, 'awaiting').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(QueueConflictError);
    expect((err as QueueConflictError).currentStatus).toBe('pending');
    await expect(q.approve(e.id)).rejects.toBeInstanceOf(QueueConflictError);
  });

  it('a re-plan after approval can put it back to awaiting with the new plan, payload kept exactly', async () => {
    const { q, clock } = makeQueue();
    const payload = { exec: 'rebalance', list: [], s: 'a"b\\c,"result":{"x":[1]}', f: 0.1 + 0.2 };
    const e = await awaiting(q, clock.ms, null, ev('DU1', { payload }));
    await q.approve(e.id);
    const again = await q.claim('w1');
    expect(again?.approval?.approvedHash).toBe('h1');
    const newPlan = { ...plan, rows: [] };
    const back = await q.awaitApproval(e.id, 'w1', {
      result: { plan: newPlan, note: 'plan changed since approval' },
      approval: { ...approvalAt(clock.ms, null, 'h2'), note: 'plan changed since approval' },
      note: 'plan changed since approval',
    });
    expect(back.status).toBe('awaiting');
    expect(back.approval).toMatchObject({ planHash: 'h2', approvedAt: null, note: 'plan changed since approval' });
    expect(back.result).toEqual({ plan: newPlan, note: 'plan changed since approval' });
    expect(back.payload).toEqual(payload);
    await q.approve(e.id);
    await q.claim('w1');
    const result = { plan: newPlan, orders: [], n: 1e-7 };
    await q.complete(e.id, 'w1', result);
    const done = (await q.get(e.id))?.event;
    expect(done?.payload).toEqual(payload);
    expect(done?.result).toEqual(result);
  });
});

describe('reject', () => {
  it('moves the event to done with rejectedByTrader and the plan, and frees the pair', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 10);
    const rejected = await q.reject(e.id, 'awaiting');
    expect(rejected.status).toBe('done');
    expect(rejected.result).toEqual({ rejectedByTrader: true, plan });
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBeNull();
    expect(await redis.zscore(q.keys.done, e.id)).not.toBeNull();
    expect(await redis.sismember(q.keys.activeEvents, 'DU1:rebalance')).toBe(0);
    expect((await q.enqueue(ev('DU1', { eventId: 'next-signal' }))).status).toBe('queued');
    expect(await historyOf(q, e.id)).toContain('rejected:awaiting>done:operator');
    await expect(q.reject(e.id)).rejects.toBeInstanceOf(QueueConflictError);
  });
});

describe('the auto-approve timer', () => {
  it('approves a due event with history auto-approved, and leaves one not yet due', async () => {
    const { q, clock } = makeQueue();
    const due = await awaiting(q, clock.ms, 0.1);
    const later = await awaiting(q, clock.ms, 10, ev('DU2'));
    clock.ms += 5_999;
    expect(await q.approveDue()).toBe(0);
    clock.ms += 1;
    expect(await q.approveDue()).toBe(1);
    const got = (await q.get(due.id))?.event;
    expect(got?.status).toBe('pending');
    expect(got?.approval).toMatchObject({ approvedBy: 'timer', approvedHash: 'h1' });
    expect(await historyOf(q, due.id)).toContain('auto-approved:awaiting>pending:timer');
    expect((await q.get(later.id))?.event.status).toBe('awaiting');
  });

  it("runs on the queue's promotion timer", async () => {
    const { q } = makeQueue({ promoteIntervalMs: 50 }, true);
    const changes: QueueChange[] = [];
    q.onChange((c) => changes.push(c));
    await q.start();
    await q.enqueue(ev('DU1'));
    const c = await q.claim('w1');
    const auto = new Promise<QueueChange>((resolve) => {
      q.onChange((change) => {
        if (change.action === 'auto-approved') resolve(change);
      });
    });
    await q.awaitApproval(c!.id, 'w1', { result: { plan }, approval: approvalAt(Date.now(), 0) });
    const change = await auto;
    expect(change).toMatchObject({ id: c!.id, from: 'awaiting', to: 'pending' });
    expect(changes.map((x) => x.action)).toContain('awaiting-approval');
  });
});

describe('hold, release and delete of an awaiting event', () => {
  it('hold stops the timer; release puts it back to awaiting with a fresh timer', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 0.5);
    const held = await q.hold(e.id, 'awaiting', 'reading the plan');
    expect(held).toMatchObject({ status: 'held', heldReason: 'reading the plan' });
    expect(held.approval?.autoApproveAt).toBeNull();
    clock.ms += 3_600_000 + 123;
    expect(await q.approveDue()).toBe(0);
    const released = await q.release(e.id, 'held');
    expect(released.status).toBe('awaiting');
    expect(released.approval?.autoApproveAt).toBe(new Date(clock.ms + 30_000).toISOString());
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBe(String(clock.ms + 30_000));
    expect(await redis.llen(q.keys.queue)).toBe(0);
    expect(await historyOf(q, e.id)).toEqual(
      expect.arrayContaining(['hold:awaiting>held:operator', 'release:held>awaiting:operator']),
    );
  });

  it('release of a held confirm event waits again without a timer; of an approved one goes to the queue', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, null);
    await q.hold(e.id);
    const released = await q.release(e.id);
    expect(released.status).toBe('awaiting');
    expect(await redis.zscore(q.keys.awaiting, e.id)).toBe('inf');
    await q.approve(e.id);
    await q.hold(e.id, 'pending');
    expect((await q.release(e.id)).status).toBe('pending');
  });

  it('delete removes it from rebalance_awaiting_set and frees the pair', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 10);
    await q.delete(e.id, 'awaiting');
    expect(await q.get(e.id)).toBeNull();
    expect(await redis.zcard(q.keys.awaiting)).toBe(0);
    expect((await q.enqueue(ev('DU1', { eventId: 'next' }))).status).toBe('queued');
  });
});

describe('races', () => {
  async function race(a: () => Promise<unknown>, b: () => Promise<unknown>) {
    const results = await Promise.allSettled([a(), b()]);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const conflicts = results.filter(
      (r) => r.status === 'rejected' && (r.reason as unknown) instanceof QueueConflictError,
    ).length;
    return { ok, conflicts, results };
  }

  it('approve vs reject: exactly one wins, the other is a conflict', async () => {
    for (let i = 0; i < 5; i++) {
      const { q, clock } = makeQueue();
      const e = await awaiting(q, clock.ms, null);
      const { ok, conflicts, results } = await race(
        () => q.approve(e.id, 'awaiting'),
        () => q.reject(e.id, 'awaiting'),
      );
      expect({ ok, conflicts }).toEqual({ ok: 1, conflicts: 1 });
      const status = (await q.get(e.id))?.event.status;
      expect(status).toBe(results[0]!.status === 'fulfilled' ? 'pending' : 'done');
    }
  });

  it('approve vs hold: exactly one wins', async () => {
    for (let i = 0; i < 5; i++) {
      const { q, clock } = makeQueue();
      const e = await awaiting(q, clock.ms, 10);
      const { ok, conflicts, results } = await race(
        () => q.approve(e.id, 'awaiting'),
        () => q.hold(e.id, 'awaiting'),
      );
      expect({ ok, conflicts }).toEqual({ ok: 1, conflicts: 1 });
      const status = (await q.get(e.id))?.event.status;
      expect(status).toBe(results[0]!.status === 'fulfilled' ? 'pending' : 'held');
    }
  });

  it('double approve: one approves, the other is a conflict, and the event is queued once', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 10);
    const { ok, conflicts } = await race(
      () => q.approve(e.id, 'awaiting'),
      () => q.approve(e.id, 'awaiting'),
    );
    expect({ ok, conflicts }).toEqual({ ok: 1, conflicts: 1 });
    expect(await redis.lrange(q.keys.queue, 0, -1)).toEqual([e.id]);
  });

  it('approve vs the timer: the event is queued once, approved by whichever came first', async () => {
    const { q, clock } = makeQueue();
    const e = await awaiting(q, clock.ms, 0.1);
    clock.ms += 10_000;
    const [approved, due] = await Promise.allSettled([q.approve(e.id), q.approveDue()]);
    expect(await redis.lrange(q.keys.queue, 0, -1)).toEqual([e.id]);
    const by = (await q.get(e.id))?.event.approval?.approvedBy;
    if (approved.status === 'fulfilled') expect(by).toBe('operator');
    else expect(due).toEqual({ status: 'fulfilled', value: 1 });
  });
});
