import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Command, EventRecord, NewEvent, QueueChange } from '../../shared/dto';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { createClient, type RedisClient } from '../redis/topology';
import { startTopology, type TestTopology } from '../../../test/support/redis-topologies';
import { QueueConflictError, QueueInvalidError, QueueNotFoundError } from './errors';
import { EventQueue, type EventQueueOptions, type QueueLog } from './event-queue';
import { eventHistoryKey, eventKey } from './keys';

/**
 * The suite runs against the embedded Redis, and (vitest projects `queue-cluster`, `queue-sentinel`, `queue-tls`)
 * against a real 3-master Redis Cluster, a Sentinel-managed master with a replica, and one redis-server reached over
 * `rediss://` with a CA file (§22): QUEUE_TEST_TOPOLOGY names which.
 */
const TOPOLOGY = process.env.QUEUE_TEST_TOPOLOGY as TestTopology['name'] | undefined;
let redisServer: TestRedis | null = null;
let topology: TestTopology | null = null;
let redis: RedisClient;
const queues: EventQueue[] = [];

beforeAll(async () => {
  if (TOPOLOGY) {
    topology = await startTopology(TOPOLOGY);
    redis = createClient(topology.topology, { name: 'queue-test' });
  } else {
    redisServer = await startTestRedis();
    redis = redisServer.handle.connect('queue-test');
  }
}, 60_000);

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});

afterAll(async () => {
  redis.disconnect();
  await redisServer?.cleanup();
  await topology?.stop();
});

interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

function makeQueue(opts: Partial<EventQueueOptions> = {}): { q: EventQueue; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const log: QueueLog = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const q = new EventQueue({
    redis,
    keyPrefix: uniquePrefix(),
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 10_000,
    retainDoneDays: 90,
    log,
    ...opts,
  });
  queues.push(q);
  return { q, logs };
}

const ev = (accountId: string, command: Command = 'rebalance', extra: Partial<NewEvent> = {}): NewEvent => ({
  accountId,
  command,
  source: 'manual',
  strategy: 'etf-blend-200-35',
  ...extra,
});

async function enqueueOk(q: EventQueue, e: NewEvent): Promise<EventRecord> {
  const r = await q.enqueue(e);
  if (r.status !== 'queued') throw new Error(`expected queued, got duplicate of ${r.existingId}`);
  return r.event;
}

async function claimOk(q: EventQueue, owner = 'w1'): Promise<EventRecord> {
  const r = await q.claim(owner);
  if (!r) throw new Error('nothing claimed');
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('enqueue', () => {
  it('queues a feed event under `${eventId}:${accountId}` with timesQueued 1', async () => {
    const { q } = makeQueue();
    const r = await q.enqueue({ eventId: 'sig-1', accountId: 'DU1', command: 'rebalance', source: 'zehnlabs' });
    expect(r.status).toBe('queued');
    if (r.status !== 'queued') return;
    expect(r.event).toMatchObject({
      id: 'sig-1:DU1',
      eventId: 'sig-1',
      status: 'pending',
      timesQueued: 1,
      lastError: null,
    });
    const stored = await q.get('sig-1:DU1');
    expect(stored?.event.status).toBe('pending');
    expect(stored?.history.map((h) => h.action)).toEqual(['enqueued']);
  });

  it('deduplicates within one call: the second of a pair names the first, the same id again is refused', async () => {
    const { q } = makeQueue();
    const e = (accountId: string, eventId: string): NewEvent => ({
      eventId,
      accountId,
      command: 'rebalance',
      source: 'zehnlabs',
    });
    // made in one tick, so they go to Redis as one script call
    const replies = await Promise.all([
      q.enqueue(e('A', 's1')),
      q.enqueue(e('B', 's1')),
      q.enqueue(e('A', 's2')),
      q.enqueue(e('B', 's1')),
      q.enqueue(e('C', 's1')),
    ]);
    expect(replies.map((r) => (r.status === 'queued' ? r.event.id : `dup of ${r.existingId}`))).toEqual([
      's1:A',
      's1:B',
      'dup of s1:A',
      'dup of s1:B',
      's1:C',
    ]);
    expect((await q.list({ state: 'pending' })).events.map((x) => x.id)).toEqual(['s1:A', 's1:B', 's1:C']);
    // the refused ones are noted on the holder's history, seen pending
    const history = (await q.get('s1:A'))?.history ?? [];
    expect(history.map((h) => [h.action, h.from, h.to])).toEqual([
      ['enqueued', null, 'pending'],
      ['duplicate', 'pending', 'pending'],
    ]);
    expect((await q.get('s1:B'))?.history.at(-1)).toMatchObject({ action: 'duplicate', from: 'pending' });
    expect(await redis.hgetall(q.keys.activeOwner)).toEqual({
      'A:rebalance': 's1:A',
      'B:rebalance': 's1:B',
      'C:rebalance': 's1:C',
    });
  });

  it('gives a manual event a new UUID as id and eventId', async () => {
    const { q } = makeQueue();
    const e = await enqueueOk(q, ev('DU1'));
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.eventId).toBe(e.id);
  });

  it('rejects an unknown command as invalid and queues nothing', async () => {
    const { q } = makeQueue();
    await expect(
      q.enqueue({ accountId: 'DU1', command: 'sell-everything' as Command, source: 'api' }),
    ).rejects.toBeInstanceOf(QueueInvalidError);
    expect((await q.counts()).pending).toBe(0);
  });

  it('answers duplicate with the existing id while the pair is pending, active, delayed or held', async () => {
    const { q } = makeQueue();
    const first = await enqueueOk(q, ev('DU1'));
    const dup = async () => q.enqueue(ev('DU1', 'rebalance', { source: 'zehnlabs', eventId: `x${Math.random()}` }));
    expect(await dup()).toEqual({ status: 'duplicate', existingId: first.id }); // pending
    await claimOk(q);
    expect(await dup()).toEqual({ status: 'duplicate', existingId: first.id }); // active
    await q.fail(first.id, 'w1', { kind: 'transient', message: 'gateway down' });
    expect(await dup()).toEqual({ status: 'duplicate', existingId: first.id }); // delayed
    await q.hold(first.id, 'delayed');
    expect(await dup()).toEqual({ status: 'duplicate', existingId: first.id }); // held
    // another command of the same account is a different pair
    expect((await q.enqueue(ev('DU1', 'print-positions'))).status).toBe('queued');
    const history = (await q.get(first.id))?.history ?? [];
    expect(history.filter((h) => h.action === 'duplicate')).toHaveLength(4);
  });

  it('answers duplicate for the same id again after it is done, but frees the pair for a new id', async () => {
    const { q } = makeQueue();
    const feed = { eventId: 'sig-9', accountId: 'DU2', command: 'rebalance' as const, source: 'zehnlabs' as const };
    await q.enqueue(feed);
    const e = await claimOk(q);
    await q.complete(e.id, 'w1', { ok: true });
    expect(await q.enqueue(feed)).toEqual({ status: 'duplicate', existingId: 'sig-9:DU2' });
    expect((await q.get('sig-9:DU2'))?.history.at(-1)).toMatchObject({ action: 'duplicate', from: 'done', to: 'done' });
    expect((await q.enqueue({ ...feed, eventId: 'sig-10' })).status).toBe('queued');
  });

  it('frees the pair after delete', async () => {
    const { q } = makeQueue();
    const e = await enqueueOk(q, ev('DU3'));
    await q.delete(e.id);
    const again = await q.enqueue(ev('DU3'));
    expect(again.status).toBe('queued');
  });

  it('keeps payload and result exactly (empty arrays, full float precision) through every change', async () => {
    const { q } = makeQueue();
    const payload = {
      exec: 'rebalance',
      list: [],
      nested: { a: [] as unknown[], b: 0.1 + 0.2 },
      big: 123456789.12345679,
      s: 'a"b\\c/é,"payload":',
    };
    const e = await enqueueOk(q, ev('DU4', 'rebalance', { payload }));
    await claimOk(q);
    await q.fail(
      e.id,
      'w1',
      { kind: 'transient', message: 'x "quoted" ,"payload": {"status":"held","updatedAt":"never"}' },
      { dueAt: 0 },
    );
    await q.promoteDue();
    await claimOk(q);
    const result = { orders: [], weights: { SPY: 1 / 3 }, n: 1e-7 };
    await q.complete(e.id, 'w1', result);
    const got = await q.get(e.id);
    expect(got?.event.payload).toEqual(payload);
    expect(got?.event.result).toEqual(result);
    expect(got?.event.lastError?.message).toBe('x "quoted" ,"payload": {"status":"held","updatedAt":"never"}');
  });
});

describe('claim', () => {
  it('takes events in FIFO order', async () => {
    const { q } = makeQueue();
    const ids = [];
    for (const a of ['A', 'B', 'C', 'D']) ids.push((await enqueueOk(q, ev(a))).id);
    const claimed = [];
    for (let i = 0; i < 4; i++) claimed.push((await claimOk(q)).id);
    expect(claimed).toEqual(ids);
    expect(await q.claim('w1')).toBeNull();
  });

  it('skips an account that is already active and takes the next account', async () => {
    const { q } = makeQueue();
    const a1 = await enqueueOk(q, ev('A', 'rebalance'));
    const a2 = await enqueueOk(q, ev('A', 'print-positions'));
    const b1 = await enqueueOk(q, ev('B'));
    expect((await claimOk(q, 'w1')).id).toBe(a1.id);
    expect((await claimOk(q, 'w2')).id).toBe(b1.id);
    expect(await q.claim('w3')).toBeNull();
    await q.complete(a1.id, 'w1', null);
    expect((await claimOk(q, 'w3')).id).toBe(a2.id);
  });

  it('leaves the events it skips where they were: the head stays first, the rest keep their order', async () => {
    const { q } = makeQueue();
    const a1 = await enqueueOk(q, ev('A', 'rebalance'));
    expect((await claimOk(q, 'w1')).id).toBe(a1.id);
    const a2 = await enqueueOk(q, ev('A', 'print-positions'));
    const a3 = await enqueueOk(q, ev('A', 'print-equity'));
    const b = await enqueueOk(q, ev('B'));
    const c = await enqueueOk(q, ev('C'));
    await redis.set(eventKey(q.keys, a3.id), 'this is not {json');
    expect((await claimOk(q, 'w2')).id).toBe(b.id);
    expect((await q.list({ state: 'pending' })).events.map((e) => e.id)).toEqual([a2.id, a3.id, c.id]);
    expect((await claimOk(q, 'w3')).id).toBe(c.id);
    expect(await q.claim('w4')).toBeNull();
    expect((await q.list({ state: 'pending' })).events.map((e) => e.id)).toEqual([a2.id, a3.id]);
    await q.complete(a1.id, 'w1', null);
    expect((await claimOk(q, 'w1')).id).toBe(a2.id);
  });

  it('completes the events of one call each on its own: a lost lease, an id twice and a pair held by another event', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    const c = await enqueueOk(q, ev('C'));
    const d = await enqueueOk(q, ev('D'));
    const a2 = await enqueueOk(q, ev('A', 'print-equity'));
    for (const w of ['w1', 'w2', 'w3', 'w4']) await claimOk(q, w);
    // c's lease passed to another worker meanwhile; d's pair now names another event as its holder
    await redis.hset(q.keys.accountLease, 'C', `${c.id}\nrun-1/other`);
    await redis.hset(q.keys.activeOwner, 'D:rebalance', 'someone-else');
    // made in one tick, so they go to Redis as one script call
    const results = await Promise.allSettled([
      q.completeAndClaim(a.id, 'w1', { n: 1 }),
      q.complete(b.id, 'w2', { n: 2 }),
      q.complete(c.id, 'w3', { n: 3 }),
      q.complete(d.id, 'w4', { n: 4 }),
      q.complete(b.id, 'w2', { n: 5 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/lease is no longer held by this worker/);
    expect((results[4] as PromiseRejectedResult).reason).toBeInstanceOf(QueueConflictError);
    // a's account was freed in the same call, so its next event was claimed with the completion
    expect((results[0] as PromiseFulfilledResult<EventRecord | null>).value?.id).toBe(a2.id);
    expect((await q.get(b.id))?.event).toMatchObject({ status: 'done', result: { n: 2 } });
    expect((await q.get(d.id))?.event).toMatchObject({ status: 'done', result: { n: 4 } });
    expect((await q.get(c.id))?.event.status).toBe('active');
    expect(await q.counts()).toMatchObject({ active: 2, done: 3, pending: 0 });
    expect(await redis.zrange(q.keys.processing, '0', '-1')).toEqual(expect.arrayContaining([c.id, a2.id]));
    expect(await redis.hgetall(q.keys.accountLease)).toEqual({
      C: `${c.id}\nrun-1/other`,
      A: expect.stringMatching(new RegExp(`^${a2.id}\n.+/w1$`)),
    });
    // d's pair stays taken by the event that holds it; a's and b's are free again
    expect(await redis.sismember(q.keys.activeEvents, 'D:rebalance')).toBe(1);
    expect(await redis.hget(q.keys.activeOwner, 'D:rebalance')).toBe('someone-else');
    expect((await q.enqueue(ev('B'))).status).toBe('queued');
    expect((await q.enqueue(ev('A'))).status).toBe('queued');
    expect((await q.enqueue(ev('D'))).status).toBe('duplicate');
  });

  it('answers every completion of a call with Redis refusal when the shared sets refuse, and marks none done', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    await claimOk(q, 'w1');
    await claimOk(q, 'w2');
    // the done set turned into a string by hand: Redis refuses the ZADD (WRONGTYPE)
    await redis.set(q.keys.done, 'not a sorted set');
    const results = await Promise.allSettled([q.complete(a.id, 'w1', { n: 1 }), q.complete(b.id, 'w2', { n: 2 })]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/Redis refused the complete of event .*WRONGTYPE/);
    }
    for (const id of [a.id, b.id]) {
      expect(JSON.parse((await redis.get(eventKey(q.keys, id))) ?? '{}')).toMatchObject({
        status: 'active',
        result: null,
      });
    }
  });

  it('claims nothing while paused, persisted in Redis, and resumes', async () => {
    const { q } = makeQueue();
    await enqueueOk(q, ev('A'));
    await q.pause();
    expect(await q.isPaused()).toBe(true);
    expect(await q.claim('w1')).toBeNull();
    expect((await q.status()).paused).toBe(true);
    await q.resume();
    expect(await q.isPaused()).toBe(false);
    expect(await q.claim('w1')).not.toBeNull();
  });

  it('with 4 concurrent claimers never has two events of one account active and never claims an event twice', async () => {
    const { q } = makeQueue();
    const accounts = ['A', 'B', 'C', 'D', 'E', 'F'];
    const commands: Command[] = ['rebalance', 'print-positions', 'print-equity', 'print-orders'];
    const claims = new Map<string, number>();
    const activeAccounts = new Set<string>();
    const violations: string[] = [];
    for (let round = 0; round < 5; round++) {
      const expected = new Set<string>();
      for (const c of commands) for (const a of accounts) expected.add((await enqueueOk(q, ev(a, c))).id);
      const worker = async (name: string) => {
        for (;;) {
          const e = await q.claim(name);
          if (!e) {
            if ((await q.counts()).pending === 0) return;
            await sleep(2);
            continue;
          }
          claims.set(e.id, (claims.get(e.id) ?? 0) + 1);
          if (activeAccounts.has(e.accountId)) violations.push(`${e.accountId} twice`);
          activeAccounts.add(e.accountId);
          await sleep(Math.random() * 4);
          activeAccounts.delete(e.accountId);
          await q.complete(e.id, name, { round });
        }
      };
      await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));
      for (const id of expected) expect(claims.get(id)).toBe(1);
    }
    expect(violations).toEqual([]);
    expect(claims.size).toBe(5 * accounts.length * commands.length);
    expect(await q.counts()).toEqual({ pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 120 });
  });
});

describe('failure and promotion', () => {
  it('delays a failed event by the fixed delay, counts it, then puts it at the tail', async () => {
    let clock = 1_700_000_000_000;
    const { q } = makeQueue({ now: () => clock, retryDelayMs: 60_000 });
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    const failed = await q.fail(a.id, 'w1', { kind: 'transient', message: 'gateway down', code: 1100 });
    expect(failed).toMatchObject({
      status: 'delayed',
      timesQueued: 2,
      nextAttemptAt: new Date(clock + 60_000).toISOString(),
      lastError: { kind: 'transient', message: 'gateway down', code: 1100 },
    });
    const b = await enqueueOk(q, ev('B'));
    clock += 59_999;
    expect(await q.promoteDue()).toBe(0);
    clock += 1;
    const c = await enqueueOk(q, ev('C'));
    expect(await q.promoteDue()).toBe(1);
    const pending = await q.list({ state: 'pending' });
    expect(pending.events.map((e) => e.id)).toEqual([b.id, c.id, a.id]);
    expect(pending.events[2]).toMatchObject({ status: 'pending', timesQueued: 2, nextAttemptAt: null });
  });

  it('promotes within one second of due with the timer of start()', async () => {
    const { q } = makeQueue({ retryDelayMs: 300 });
    await q.start();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    const failedAt = Date.now();
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'x' });
    await vi.waitFor(async () => expect((await q.get(a.id))?.event.status).toBe('pending'), {
      timeout: 3_000,
      interval: 20,
    });
    const elapsed = Date.now() - failedAt;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1_300);
  });

  it('holds instead of delaying when asked, with the reason and needsAttention', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    const held = await q.fail(
      a.id,
      'w1',
      { kind: 'rejected', message: 'IB 201', code: 201 },
      { hold: true, needsAttention: true },
    );
    expect(held).toMatchObject({ status: 'held', timesQueued: 2, needsAttention: true, nextAttemptAt: null });
    expect(held?.heldReason).toContain('IB 201');
    expect((await q.counts()).held).toBe(1);
  });

  it('counts every return to the queue in timesQueued', async () => {
    const { q } = makeQueue({ leaseMs: 1_000 });
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'x' }, { dueAt: Date.now() });
    await q.promoteDue();
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'partial', message: 'y' }, { dueAt: Date.now() });
    await q.promoteDue();
    const again = await claimOk(q);
    expect(again.timesQueued).toBe(3);
  });

  it('rejects an unknown error kind', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await expect(q.fail(a.id, 'w1', { kind: 'weird' as 'transient', message: 'x' })).rejects.toBeInstanceOf(
      QueueInvalidError,
    );
  });
});

describe('leases and recovery', () => {
  it('returns the event of a claimer that died to the tail with lastError interrupted', async () => {
    const { q } = makeQueue({ leaseMs: 300, promoteIntervalMs: 50 });
    await q.start();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q, 'dead-worker');
    const b = await enqueueOk(q, ev('B'));
    await vi.waitFor(async () => expect((await q.get(a.id))?.event.status).toBe('pending'), {
      timeout: 3_000,
      interval: 20,
    });
    const pending = await q.list({ state: 'pending' });
    expect(pending.events.map((e) => e.id)).toEqual([b.id, a.id]);
    const back = pending.events[1];
    expect(back?.timesQueued).toBe(2);
    expect(back?.lastError?.kind).toBe('interrupted');
    expect(back?.lastError?.message).toMatch(/^interrupted: /);
    // the dead claimer waking up cannot complete it any more
    await expect(q.complete(a.id, 'dead-worker', null)).rejects.toBeInstanceOf(QueueConflictError);
    expect(await q.renew(a.id, 'dead-worker')).toBe(false);
    // nor after another worker took it again; the new owner's lease is untouched
    await q.claim('fresh-worker');
    const again = await claimOk(q, 'fresh-worker-2');
    expect(again.id).toBe(a.id);
    await expect(q.complete(a.id, 'dead-worker', null)).rejects.toThrow(/lease/);
    expect(await q.renew(a.id, 'dead-worker')).toBe(false);
    expect(await q.renew(a.id, 'fresh-worker-2')).toBe(true);
    await q.complete(a.id, 'fresh-worker-2', { ok: true });
  });

  it('keeps an event whose lease is renewed', async () => {
    const { q } = makeQueue({ leaseMs: 600, promoteIntervalMs: 50 });
    await q.start();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      expect(await q.renew(a.id, 'w1')).toBe(true);
    }
    expect((await q.get(a.id))?.event.status).toBe('active');
    await q.complete(a.id, 'w1', null);
  });

  it('recoverAll at start-up returns every event of an earlier run at once', async () => {
    const prefix = uniquePrefix('run');
    let clock = Date.now();
    const now = () => clock++;
    const { q: first } = makeQueue({ keyPrefix: prefix, runId: 'run-1', leaseMs: 600_000, now });
    const a = await enqueueOk(first, ev('A'));
    const b = await enqueueOk(first, ev('B'));
    await claimOk(first, 'w1');
    await claimOk(first, 'w2');
    const c = await enqueueOk(first, ev('C'));
    const { q: second } = makeQueue({ keyPrefix: prefix, runId: 'run-2', leaseMs: 600_000, now });
    expect(await second.recoverAll()).toBe(2);
    const pending = await second.list({ state: 'pending' });
    expect(pending.events.map((e) => e.id)).toEqual([c.id, a.id, b.id]);
    expect(pending.events[1]?.lastError?.message).toMatch(/^interrupted: .*earlier run/);
    // events claimed by the current run are left alone
    await claimOk(second, 'w1');
    expect(await second.recoverAll()).toBe(0);
    expect((await second.counts()).active).toBe(1);
  });

  it('hands an event back to the head of the queue without counting a failure', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    await claimOk(q);
    await q.handBack(a.id, 'w1', 'stopping');
    const pending = await q.list({ state: 'pending' });
    expect(pending.events.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(pending.events[0]).toMatchObject({ timesQueued: 1, lastError: null });
    expect((await q.get(a.id))?.history.at(-1)).toMatchObject({ action: 'handed-back', note: 'stopping' });
  });
});

describe('operator actions', () => {
  it('retry now, hold and release move events as §5 rule 7 says', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'x' });
    expect((await q.retryNow(a.id, 'delayed')).status).toBe('pending');
    expect((await q.list({ state: 'pending' })).events.map((e) => e.id)).toEqual([b.id, a.id]);
    const held = await q.hold(b.id, 'pending', 'checking the account');
    expect(held).toMatchObject({ status: 'held', heldReason: 'checking the account' });
    const released = await q.release(b.id, 'held');
    expect(released).toMatchObject({ status: 'pending', heldReason: null });
    expect((await q.list({ state: 'pending' })).events.map((e) => e.id)).toEqual([a.id, b.id]);
    expect((await q.retryNow((await q.hold(a.id)).id, 'held')).status).toBe('pending');
    const actions = (await q.get(a.id))?.history.map((h) => `${h.action}:${h.from ?? ''}>${h.to ?? ''}`);
    expect(actions).toEqual([
      'enqueued:>pending',
      'claimed:pending>active',
      'failed:active>delayed',
      'retry:delayed>pending',
      'hold:pending>held',
      'retry:held>pending',
    ]);
    expect((await q.get(a.id))?.history.every((h) => h.by === 'operator' || h.action !== 'hold')).toBe(true);
  });

  it('fails with conflict when the event changed state meanwhile, naming both states', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q); // the trader still sees it pending
    const err = await q.hold(a.id, 'pending').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueConflictError);
    expect((err as Error).message).toContain('active');
    expect((err as Error).message).toContain('pending');
    await expect(q.delete(a.id)).rejects.toBeInstanceOf(QueueConflictError);
    await expect(q.retryNow(a.id)).rejects.toBeInstanceOf(QueueConflictError);
    await expect(q.release(a.id)).rejects.toBeInstanceOf(QueueConflictError);
    expect((await q.get(a.id))?.event.status).toBe('active');
  });

  it('answers not-found for an unknown id', async () => {
    const { q } = makeQueue();
    await expect(q.retryNow('nope')).rejects.toBeInstanceOf(QueueNotFoundError);
    await expect(q.delete('nope')).rejects.toBeInstanceOf(QueueNotFoundError);
    await expect(q.complete('nope', 'w1', null)).rejects.toBeInstanceOf(QueueNotFoundError);
    expect(await q.get('nope')).toBeNull();
  });

  it('delete removes the event from every key', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'x' });
    await q.delete(a.id, 'delayed');
    const k = q.keys;
    expect(await redis.exists(eventKey(k, a.id))).toBe(0);
    expect(await redis.exists(eventHistoryKey(k, a.id))).toBe(0);
    expect(await redis.zscore(k.delayed, a.id)).toBeNull();
    expect(await redis.sismember(k.activeEvents, 'A:rebalance')).toBe(0);
    expect(await redis.hget(k.activeOwner, 'A:rebalance')).toBeNull();
    expect(await q.get(a.id)).toBeNull();
    expect(await q.counts()).toEqual({ pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 });
    // the stream keeps the audit trail
    const stream = await redis.xrange(k.history, '-', '+');
    expect(stream.at(-1)?.[1]).toEqual(expect.arrayContaining(['action', 'deleted', 'by', 'operator']));
  });

  it('deleting a done event leaves the pair of a newer event alone', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.complete(a.id, 'w1', null);
    const b = await enqueueOk(q, ev('A'));
    await q.delete(a.id, 'done');
    expect(await q.enqueue(ev('A'))).toEqual({ status: 'duplicate', existingId: b.id });
  });
});

describe('reads', () => {
  it('lists by state in queue order, done newest first, with paging and totals', async () => {
    let clock = 1_700_000_000_000;
    const { q } = makeQueue({ now: () => clock });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      clock += 1000;
      ids.push((await enqueueOk(q, ev(`ACC${i}`))).id);
    }
    for (let i = 0; i < 3; i++) {
      clock += 1000;
      const e = await claimOk(q);
      await q.complete(e.id, 'w1', null);
    }
    const done = await q.list({ state: 'done' });
    expect(done.events.map((e) => e.id)).toEqual([ids[2], ids[1], ids[0]]);
    const page = await q.list({ state: 'pending', limit: 4, offset: 2 });
    expect(page.total).toBe(9);
    expect(page.events.map((e) => e.id)).toEqual(ids.slice(5, 9));
    const all = await q.list({ limit: 100 });
    expect(all.total).toBe(12);
    expect(all.events.map((e) => e.status)).toEqual([...Array(9).fill('pending'), 'done', 'done', 'done']);
    const across = await q.list({ limit: 3, offset: 8 });
    expect(across.events.map((e) => e.id)).toEqual([ids[11], ids[2], ids[1]]);
  });

  it('searches id, account, command, strategy and error text case-insensitively, and filters by account', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('DU111', 'rebalance', { strategy: 'ETF-Blend-101-15' }));
    await enqueueOk(q, ev('DU222', 'print-equity', { strategy: 'other' }));
    await enqueueOk(q, ev('DU111', 'print-orders', { strategy: 'other' }));
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'Gateway Not Connected' });
    expect((await q.list({ q: 'etf-blend' })).events.map((e) => e.id)).toEqual([a.id]);
    expect((await q.list({ q: 'gateway not' })).events.map((e) => e.id)).toEqual([a.id]);
    expect((await q.list({ q: 'PRINT-EQUITY' })).total).toBe(1);
    expect((await q.list({ q: 'du111' })).total).toBe(2);
    expect((await q.list({ q: a.id.slice(0, 8) })).total).toBe(1);
    expect((await q.list({ accountId: 'DU111' })).total).toBe(2);
    expect((await q.list({ accountId: 'DU111', state: 'delayed' })).events.map((e) => e.id)).toEqual([a.id]);
    expect((await q.list({ accountId: 'DU111', q: 'orders' })).total).toBe(1);
    await expect(q.list({ state: 'bogus' as 'done' })).rejects.toBeInstanceOf(QueueInvalidError);
  });

  it('counts per state and reports the age of the oldest pending event', async () => {
    let clock = 1_700_000_000_000;
    const { q } = makeQueue({ now: () => clock });
    expect(await q.status()).toEqual({
      counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
      paused: false,
      oldestPendingAgeMs: null,
    });
    await enqueueOk(q, ev('A'));
    clock += 5_000;
    await enqueueOk(q, ev('B'));
    await enqueueOk(q, ev('C'));
    const c = await q.claim('w1');
    expect(c?.accountId).toBe('A');
    clock += 2_000;
    const s = await q.status();
    expect(s.counts).toEqual({ pending: 2, awaiting: 0, active: 1, delayed: 0, held: 0, done: 0 });
    expect(s.oldestPendingAgeMs).toBe(2_000);
  });

  it('pushes every change to onChange listeners through Redis pub/sub', async () => {
    const { q } = makeQueue();
    await q.start();
    const seen: QueueChange[] = [];
    const off = q.onChange((c) => seen.push(c));
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.complete(a.id, 'w1', null);
    await q.pause();
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(4), { timeout: 2_000, interval: 20 });
    expect(seen.map((c) => `${c.action}:${c.from ?? ''}>${c.to ?? ''}`)).toEqual([
      'enqueued:>pending',
      'claimed:pending>active',
      'completed:active>done',
      'paused:>',
    ]);
    expect(seen[0]).toMatchObject({ id: a.id, accountId: 'A' });
    off();
    await q.resume();
    await sleep(100);
    expect(seen).toHaveLength(4);
  });

  it('purges done events older than retainDoneDays', async () => {
    let clock = 1_700_000_000_000;
    const { q } = makeQueue({ now: () => clock, retainDoneDays: 1 });
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.complete(a.id, 'w1', null);
    clock += 86_400_000 - 1;
    expect(await q.purgeDone()).toBe(0);
    clock += 2;
    expect(await redis.exists(eventHistoryKey(q.keys, a.id))).toBe(1);
    expect(await q.purgeDone()).toBe(1);
    expect(await redis.exists(eventHistoryKey(q.keys, a.id))).toBe(0);
    expect(await q.get(a.id)).toBeNull();
    expect((await q.counts()).done).toBe(0);
  });
});

describe("an event's own history", () => {
  const steps = (h: { action: string; from: string | null; to: string | null }[] | undefined) =>
    h?.map((e) => `${e.action}:${e.from ?? ''}>${e.to ?? ''}`);

  it('is kept under the key prefix beside the record: the global stream ids of its entries', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await q.fail(a.id, 'w1', { kind: 'transient', message: 'no price for SPY' });
    const own = await redis.lrange(eventHistoryKey(q.keys, a.id), 0, -1);
    expect(eventHistoryKey(q.keys, a.id)).toBe(
      `${q.keys.eventPrefix.replace(/rebalance_event:$/, '')}rebalance_event_history:${a.id}`,
    );
    const global = (await redis.xrange(q.keys.history, '-', '+')).filter(([, f]) => f[1] === a.id);
    expect(own).toEqual(global.map(([sid]) => sid));
    expect(steps((await q.get(a.id))?.history)).toEqual([
      'enqueued:>pending',
      'claimed:pending>active',
      'failed:active>delayed',
    ]);
  });

  it("reads only the event's entries however many other events wrote to the global stream", async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    for (let i = 0; i < 300; i++) await enqueueOk(q, ev(`X${i}`));
    await q.hold(a.id, 'pending', 'checking');
    const single = !(redis instanceof Cluster); // INFO of a cluster answers for one node only
    if (single) await redis.config('RESETSTAT');
    const detail = await q.get(a.id);
    expect(steps(detail?.history)).toEqual(['enqueued:>pending', 'hold:pending>held']);
    expect(detail?.history.at(-1)?.note).toBe('checking');
    if (single) {
      // one XRANGE per own entry, each of one stream id: nothing of the 300 others was read
      const stats = await redis.info('commandstats');
      expect(/cmdstat_xrange:calls=(\d+)/.exec(stats)?.[1]).toBe('2');
    }
  });

  it('reads a record from before the upgrade (no own history) from the global stream', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await redis.del(eventHistoryKey(q.keys, a.id));
    expect(steps((await q.get(a.id))?.history)).toEqual(['enqueued:>pending', 'claimed:pending>active']);
  });

  it('joins the old entries of the global stream and the own entries written after the upgrade, once each', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    await redis.del(eventHistoryKey(q.keys, a.id));
    await enqueueOk(q, ev('B'));
    await q.complete(a.id, 'w1', { ok: true });
    expect(steps((await q.get(a.id))?.history)).toEqual([
      'enqueued:>pending',
      'claimed:pending>active',
      'completed:active>done',
    ]);
  });

  it('writes no own history for a duplicate whose holder is unknown (nothing would remove it)', async () => {
    const { q } = makeQueue();
    await redis.sadd(q.keys.activeEvents, 'A:rebalance');
    const r = await q.enqueue(ev('A', 'rebalance', { id: 'lost' }));
    expect(r).toEqual({ status: 'duplicate', existingId: '(unknown holder of A:rebalance)' });
    expect(await redis.exists(eventHistoryKey(q.keys, 'lost'))).toBe(0);
  });
});

describe('a garbage record in Redis', () => {
  it('does not stop list, get or claim, and names the bad id', async () => {
    const { q, logs } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    await redis.set(eventKey(q.keys, a.id), 'this is not {json');
    const listed = await q.list();
    expect(listed.total).toBe(2);
    expect(listed.events[0]).toMatchObject({
      id: a.id,
      accountId: 'A',
      status: 'pending',
      lastError: { kind: 'invalid' },
    });
    expect(listed.events[1]?.id).toBe(b.id);
    const got = await q.get(a.id);
    expect(got?.event.lastError?.message).toMatch(/unreadable record/);
    const claimed = await q.claim('w1');
    expect(claimed?.id).toBe(b.id);
    expect(logs.some((l) => l.level === 'error' && (l.msg ?? '').includes(a.id))).toBe(true);
    // the trader can delete it, which frees its pair
    await q.delete(a.id);
    expect((await q.enqueue(ev('A'))).status).toBe('queued');
  });

  it('still claims and completes a valid record edited by hand into another layout', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A', 'rebalance', { payload: { exec: 'rebalance', n: 1 } }));
    const stored = JSON.parse((await redis.get(eventKey(q.keys, a.id))) ?? '{}') as Record<string, unknown>;
    const { payload, ...rest } = stored;
    await redis.set(eventKey(q.keys, a.id), JSON.stringify({ payload, ...rest, strategy: 'hand-edited' }, null, 2));
    const claimed = await claimOk(q);
    expect(claimed).toMatchObject({
      id: a.id,
      status: 'active',
      strategy: 'hand-edited',
      payload: { exec: 'rebalance', n: 1 },
    });
    await q.complete(a.id, 'w1', { orders: [{ symbol: 'SPY' }] });
    expect((await q.get(a.id))?.event).toMatchObject({ status: 'done', result: { orders: [{ symbol: 'SPY' }] } });
  });

  it('completes an active event whose record turned to garbage, freeing its account and pair', async () => {
    const { q, logs } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await enqueueOk(q, ev('A', 'print-equity'));
    await claimOk(q);
    await redis.set(eventKey(q.keys, a.id), '{garbage');
    await q.complete(a.id, 'w1', { ok: true });
    expect(logs.some((l) => l.level === 'error' && (l.msg ?? '').includes(a.id))).toBe(true);
    expect((await q.claim('w2'))?.command).toBe('print-equity');
    expect((await q.enqueue(ev('A'))).status).toBe('queued');
    expect((await q.list({ state: 'done' })).events[0]).toMatchObject({
      id: a.id,
      status: 'done',
      lastError: { kind: 'invalid' },
    });
  });

  it('holds an event whose payload part is garbage instead of handing it to a worker', async () => {
    const { q, logs } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    const raw = (await redis.get(eventKey(q.keys, a.id))) ?? '';
    await redis.set(eventKey(q.keys, a.id), raw.replace(/,"payload":.*$/, ',"payload":{oops,"result":null}'));
    const claimed = await q.claim('w1');
    expect(claimed?.id).toBe(b.id);
    expect((await q.counts()).held).toBe(1);
    const listed = await q.list({ state: 'held' });
    expect(listed.events[0]?.id).toBe(a.id);
    expect(logs.some((l) => l.level === 'error' && (l.msg ?? '').includes(a.id))).toBe(true);
  });

  it('holds the next event a completion claims when its payload part is garbage, and answers no event', async () => {
    const { q, logs } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const b = await enqueueOk(q, ev('B'));
    await claimOk(q);
    const raw = (await redis.get(eventKey(q.keys, b.id))) ?? '';
    await redis.set(eventKey(q.keys, b.id), raw.replace(/,"payload":.*$/, ',"payload":{oops,"result":null}'));
    expect(await q.completeAndClaim(a.id, 'w1', { ok: true })).toBeNull();
    expect(await q.counts()).toMatchObject({ done: 1, held: 1, active: 0 });
    expect((await q.list({ state: 'held' })).events[0]).toMatchObject({ id: b.id, lastError: { kind: 'invalid' } });
    expect(logs.some((l) => l.level === 'error' && (l.msg ?? '').includes(b.id))).toBe(true);
  });
});

describe('claim and completion on the quick path (the fields set in the record text, no re-encoding)', () => {
  const rawOf = async (q: EventQueue, id: string) => (await redis.get(eventKey(q.keys, id))) ?? '';
  const payloadText = (raw: string) => raw.slice(raw.indexOf(',"payload":'), raw.lastIndexOf(',"result":'));

  it('keeps the stored record valid JSON at every step, the payload byte for byte, and leaves no padding when done', async () => {
    const { q } = makeQueue();
    const payload = { exec: 'rebalance', list: [], x: 0.30000000000000004, text: 'a "quoted" \\ path {not a brace}' };
    const a = await enqueueOk(q, ev('A', 'rebalance', { payload }));
    const queued = await rawOf(q, a.id);

    const claimed = await claimOk(q);
    const active = await rawOf(q, a.id);
    expect(JSON.parse(active)).toMatchObject({ status: 'active', updatedAt: claimed.updatedAt, nextAttemptAt: null });
    expect(claimed.status).toBe('active');
    expect(payloadText(active)).toBe(payloadText(queued));
    // what the worker got is what is stored
    expect(JSON.parse(active)).toEqual(JSON.parse(JSON.stringify(claimed)));

    await q.complete(a.id, 'w1', { ok: true, orders: [] });
    const done = await rawOf(q, a.id);
    expect(JSON.parse(done)).toMatchObject({ status: 'done', result: { ok: true, orders: [] }, payload });
    expect(payloadText(done)).toBe(payloadText(queued));
    expect(done).toContain('"status":"done",');
    expect(done).not.toMatch(/" ,|"active"/);
  });

  it("claims and completes records in the app's layout (with and without a strategy) and in older field orders", async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const c = await enqueueOk(q, ev('C', 'rebalance', { strategy: null }));
    const b = await enqueueOk(q, ev('B'));
    const d = await enqueueOk(q, ev('D'));
    const rawA = await rawOf(q, a.id);
    const rawC = await rawOf(q, c.id);
    // new records keep the two side by side, so a claim rewrites both with one SETRANGE
    expect(rawA).toMatch(/"status":"pending","updatedAt":"[^"]{24}"/);
    expect(rawC).toContain('"strategy":null,');
    const rawB = await rawOf(q, b.id);
    const older = rawB.replace('"status":"pending",', '').replace('{', '{"status":"pending",');
    expect(older).not.toMatch(/"status":"pending","updatedAt"/);
    await redis.set(eventKey(q.keys, b.id), older);
    // and one with updatedAt before status
    const rawD = await rawOf(q, d.id);
    const updatedAt = /"updatedAt":"[^"]*",/.exec(rawD)?.[0] ?? '';
    const reversed = rawD.replace(updatedAt, '').replace('{', `{${updatedAt}`);
    expect(reversed.indexOf('"updatedAt"')).toBeLessThan(reversed.indexOf('"status"'));
    await redis.set(eventKey(q.keys, d.id), reversed);

    const layouts = [
      [a.id, rawA],
      [c.id, rawC],
      [b.id, older],
      [d.id, reversed],
    ] as const;
    // written in place (the same length): the cjson path would re-encode the head in its own order
    for (const [id, before] of layouts) {
      const claimed = await claimOk(q, `w-${id}`);
      expect(claimed.id).toBe(id);
      const active = await rawOf(q, id);
      expect(active.length).toBe(before.length);
      expect(JSON.parse(active)).toEqual(JSON.parse(JSON.stringify(claimed)));
      expect(JSON.parse(active)).toEqual({ ...JSON.parse(before), status: 'active', updatedAt: claimed.updatedAt });
      expect(payloadText(active)).toBe(payloadText(before));
    }
    // the completion keeps each one's field order and payload text, without the claim's padding
    for (const [id, before] of layouts) {
      await q.complete(id, `w-${id}`, { ok: true, orders: [{ symbol: 'SPY', qty: 1.5 }] });
      const done = await rawOf(q, id);
      const parsed = JSON.parse(done) as EventRecord;
      expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(before) as object));
      expect(parsed).toEqual({
        ...JSON.parse(before),
        status: 'done',
        updatedAt: parsed.updatedAt,
        result: { ok: true, orders: [{ symbol: 'SPY', qty: 1.5 }] },
      });
      // the completion's own time, as its history entry has it
      const completed = (await q.get(id))?.history.at(-1);
      expect(completed).toMatchObject({ action: 'completed', at: parsed.updatedAt });
      expect(payloadText(done)).toBe(payloadText(before));
      expect(done).not.toMatch(/" ,/);
    }
  });

  it('clears needsAttention when an event that carries it completes', async () => {
    const { q } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    const raw = await rawOf(q, a.id);
    await redis.set(
      eventKey(q.keys, a.id),
      raw.replace('"status":"pending"', '"needsAttention":true,"status":"pending"'),
    );
    expect((await claimOk(q)).needsAttention).toBe(true);
    await q.complete(a.id, 'w1', { ok: true });
    const stored = JSON.parse(await rawOf(q, a.id)) as EventRecord;
    expect(stored).toMatchObject({ status: 'done', needsAttention: false, result: { ok: true } });
    expect((await q.get(a.id))?.event.needsAttention).toBe(false);
  });

  it('completes an active event whose payload and result turned to garbage, leaving that record as it is', async () => {
    const { q, logs } = makeQueue();
    const a = await enqueueOk(q, ev('A'));
    await claimOk(q);
    const raw = await rawOf(q, a.id);
    const garbled = raw.replace(/,"payload":.*$/, ',"payload":{oops,"result":{"x":1}}');
    await redis.set(eventKey(q.keys, a.id), garbled);
    await q.complete(a.id, 'w1', { ok: true });
    expect(await rawOf(q, a.id)).toBe(garbled);
    expect((await q.counts()).done).toBe(1);
    expect(logs.some((l) => l.level === 'error' && (l.msg ?? '').includes(a.id))).toBe(true);
    expect((await q.enqueue(ev('A'))).status).toBe('queued');
  });

  it('falls back to decoding a record it cannot read by plain search, with the same outcome', async () => {
    const { q } = makeQueue();
    // an account id with a quote and a backslash (escaped in the JSON), and a record whose updatedAt has no milliseconds
    const odd = await enqueueOk(q, ev('DU"1\\x'));
    const b = await enqueueOk(q, ev('B'));
    const raw = await rawOf(q, b.id);
    await redis.set(eventKey(q.keys, b.id), raw.replace(/"updatedAt":"[^"]*"/, '"updatedAt":"2026-01-02T03:04:05Z"'));

    const first = await claimOk(q, 'w1');
    const second = await claimOk(q, 'w2');
    expect([first.id, second.id]).toEqual([odd.id, b.id]);
    expect(first.accountId).toBe('DU"1\\x');
    for (const e of [first, second]) {
      const stored = JSON.parse(await rawOf(q, e.id)) as EventRecord;
      expect(stored).toMatchObject({ status: 'active', updatedAt: e.updatedAt });
      expect(e.updatedAt).toMatch(/\.\d{3}Z$/);
    }
    await q.complete(odd.id, 'w1', { ok: 1 });
    await q.complete(b.id, 'w2', { ok: 2 });
    expect((await q.get(odd.id))?.event).toMatchObject({ status: 'done', accountId: 'DU"1\\x', result: { ok: 1 } });
    expect((await q.get(b.id))?.event).toMatchObject({ status: 'done', result: { ok: 2 } });
    // the pair of the odd account is free again
    expect((await q.enqueue(ev('DU"1\\x'))).status).toBe('queued');
  });
});
