import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EnqueueResult, NewEvent } from '../../shared/dto';
import { settingsSchema, type Settings, type SettingsInput } from '../config/schema';
import { EventQueue } from '../queue/event-queue';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { Scheduler, type SchedulerOptions } from './scheduler';

const log = pino({ enabled: false });

/** A clock the test moves by hand. */
function clock(iso: string) {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (next: string) => {
      t = new Date(next).getTime();
    },
  };
}

function settingsWith(input: SettingsInput): Settings {
  return settingsSchema.parse({
    accounts: [
      { accountId: 'DU2000001', strategy: 'growth-a' },
      { accountId: 'DU2000002', strategy: 'growth-a' },
      { accountId: 'DU2000003', strategy: 'growth-a', enabled: false },
      { accountId: 'U2000004', strategy: 'growth-a', type: 'live' },
    ],
    ...input,
  });
}

/** An in-memory queue that deduplicates by id like the real one (rule 1). */
function memoryQueue() {
  const events = new Map<string, NewEvent>();
  return {
    events,
    enqueue: async (event: NewEvent): Promise<EnqueueResult> => {
      if (events.has(event.id!)) return { status: 'duplicate', existingId: event.id! };
      events.set(event.id!, event);
      return { status: 'queued', event: { id: event.id } as never };
    },
  };
}

const schedulers: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

function scheduler(options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'settings' | 'now'>): Scheduler {
  const s = new Scheduler({
    enqueue: memoryQueue().enqueue,
    drift: async () => null,
    log,
    maxWaitMs: 3_600_000,
    ...options,
  });
  schedulers.push(s);
  return s;
}

const OPEN = { id: 'open', cron: '30 9 * * 1-5', timezone: 'America/New_York', command: 'print-rebalance' } as const;

describe('Scheduler', () => {
  it('fires at 9:30 New York time on both sides of the change from daylight saving time', async () => {
    // Fri 30 Oct 2026 is on EDT (9:30 = 13:30Z); Mon 2 Nov is on EST (9:30 = 14:30Z).
    const c = clock('2026-10-30T13:00:00Z');
    const queue = memoryQueue();
    const settings = settingsWith({ schedules: [{ ...OPEN, accounts: ['DU2000001'] }] });
    const s = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue });
    s.start();

    c.set('2026-10-30T13:29:59Z');
    expect(await s.check()).toEqual([]);
    c.set('2026-10-30T13:30:05Z');
    expect((await s.check()).map((o) => [o.outcome, o.eventId])).toEqual([
      ['queued', 'schedule:open:2026-10-30T13:30:00.000Z:DU2000001'],
    ]);

    c.set('2026-11-02T14:29:00Z');
    expect(await s.check()).toEqual([]);
    expect(s.nextRun('DU2000001')).toEqual({
      scheduleId: 'open',
      command: 'print-rebalance',
      at: '2026-11-02T14:30:00.000Z',
    });
    c.set('2026-11-02T14:30:01Z');
    expect((await s.check()).map((o) => o.eventId)).toEqual(['schedule:open:2026-11-02T14:30:00.000Z:DU2000001']);

    const event = queue.events.get('schedule:open:2026-11-02T14:30:00.000Z:DU2000001');
    expect(event).toMatchObject({ accountId: 'DU2000001', command: 'print-rebalance', source: 'schedule' });
    expect(queue.events.size).toBe(2);
  });

  it('does not replay a firing that fell while the app was down', async () => {
    const c = clock('2026-12-01T14:00:00Z');
    const queue = memoryQueue();
    const settings = settingsWith({
      schedules: [
        { id: 'hourly', cron: '15 * * * *', timezone: 'UTC', command: 'print-equity', accounts: ['DU2000001'] },
      ],
    });
    const first = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue });
    first.start();
    c.set('2026-12-01T14:10:00Z');
    await first.check();
    await first.stop(); // the app stops at 14:10 …

    c.set('2026-12-01T14:20:00Z'); // … and starts again at 14:20: the 14:15 firing is gone
    const second = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue });
    second.start();
    c.set('2026-12-01T14:21:00Z');
    expect(await second.check()).toEqual([]);
    c.set('2026-12-01T15:15:30Z');
    expect((await second.check()).map((o) => o.at)).toEqual(['2026-12-01T15:15:00.000Z']);
    expect([...queue.events.keys()]).toEqual(['schedule:hourly:2026-12-01T15:15:00.000Z:DU2000001']);
  });

  it('skips firings found long after their time (the machine slept) instead of replaying them', async () => {
    const c = clock('2026-12-01T09:00:00Z');
    const queue = memoryQueue();
    const settings = settingsWith({
      schedules: [
        { id: 'often', cron: '*/10 * * * *', timezone: 'UTC', command: 'print-equity', accounts: ['DU2000001'] },
      ],
    });
    const s = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue, lateMs: 5 * 60_000 });
    s.start();
    c.set('2026-12-01T09:41:00Z');
    const outcomes = await s.check();
    expect(outcomes.map((o) => [o.at.slice(11, 16), o.outcome])).toEqual([
      ['09:10', 'skipped'],
      ['09:20', 'skipped'],
      ['09:30', 'skipped'],
      ['09:40', 'queued'],
    ]);
    expect(outcomes[0]?.reason).toContain('not replayed');
  });

  it('fires "all" for the enabled accounts of the trading mode, and never a trade the mode forbids', async () => {
    const c = clock('2026-12-01T09:00:00Z');
    const queue = memoryQueue();
    const settings = settingsWith({
      schedules: [
        { id: 'all', cron: '5 9 * * *', timezone: 'UTC', command: 'rebalance', accounts: 'all' },
        { id: 'live-one', cron: '5 9 * * *', timezone: 'UTC', command: 'rebalance', accounts: ['U2000004'] },
      ],
    });
    const s = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue });
    s.start();
    c.set('2026-12-01T09:05:00Z');
    const outcomes = await s.check();
    expect(outcomes.filter((o) => o.outcome === 'queued').map((o) => o.accountId)).toEqual(['DU2000001', 'DU2000002']);
    const skipped = outcomes.find((o) => o.accountId === 'U2000004');
    expect(skipped).toMatchObject({ outcome: 'skipped' });
    expect(skipped?.reason).toContain('live account but the app is in paper mode');
  });

  it('runs "only if drift above" from the stored drift, and skips with a reason when none is stored', async () => {
    const c = clock('2026-12-01T09:00:00Z');
    const queue = memoryQueue();
    const drifts: Record<string, number | null> = { DU2000001: 8, DU2000002: 3 };
    const settings = settingsWith({
      accounts: [
        { accountId: 'DU2000001', strategy: 'growth-a' },
        { accountId: 'DU2000002', strategy: 'growth-a' },
        { accountId: 'DU2000005', strategy: 'growth-a' },
      ],
      schedules: [
        {
          id: 'drift',
          cron: '0 10 * * *',
          timezone: 'UTC',
          command: 'rebalance',
          accounts: 'all',
          onlyIfDriftAbovePercent: 5,
        },
      ],
    });
    const s = scheduler({
      settings: () => settings,
      now: c.now,
      enqueue: queue.enqueue,
      drift: async (id) => drifts[id] ?? null,
    });
    s.start();
    c.set('2026-12-01T10:00:00Z');
    const byAccount = Object.fromEntries((await s.check()).map((o) => [o.accountId, o]));
    expect(byAccount.DU2000001?.outcome).toBe('queued');
    expect(byAccount.DU2000002).toMatchObject({
      outcome: 'skipped',
      reason: 'drift 3.00 % is not above 5 % for DU2000002',
    });
    expect(byAccount.DU2000005?.outcome).toBe('skipped');
    expect(byAccount.DU2000005?.reason).toContain('no drift is known for DU2000005');
  });

  it('applies a schedule added in Settings at once, without replaying its earlier times', async () => {
    const c = clock('2026-12-01T09:00:00Z');
    const queue = memoryQueue();
    let settings = settingsWith({});
    const s = scheduler({ settings: () => settings, now: c.now, enqueue: queue.enqueue });
    s.start();
    c.set('2026-12-01T09:30:00Z');
    expect(await s.check()).toEqual([]);
    settings = settingsWith({
      schedules: [
        { id: 'new', cron: '*/15 * * * *', timezone: 'UTC', command: 'print-positions', accounts: ['DU2000002'] },
      ],
    });
    s.settingsChanged();
    expect(s.nextRun('DU2000002')?.at).toBe('2026-12-01T09:45:00.000Z');
    expect(s.nextRun('DU2000001')).toBeNull();
    c.set('2026-12-01T09:45:10Z');
    expect((await s.check()).map((o) => o.eventId)).toEqual(['schedule:new:2026-12-01T09:45:00.000Z:DU2000002']);
  });
});

describe('two schedulers on one queue (two cores)', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    redisServer = await startTestRedis();
    redis = redisServer.handle.connect('scheduler-test');
  });
  afterAll(async () => {
    redis.disconnect();
    await redisServer.cleanup();
  });

  it('fire each firing once: the second core finds the same id already queued', async () => {
    const queue = new EventQueue({
      redis,
      keyPrefix: uniquePrefix('sched'),
      retryDelayMs: 60_000,
      leaseMs: 30_000,
      historyLimit: 10_000,
      retainDoneDays: 90,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const c = clock('2026-12-01T14:00:00Z');
    const settings = settingsWith({
      schedules: [
        { id: 'daily', cron: '1 14 * * *', timezone: 'UTC', command: 'print-equity', accounts: ['DU2000001'] },
      ],
    });
    const enqueue = (e: NewEvent) => queue.enqueue(e, 'schedule');
    const a = scheduler({ settings: () => settings, now: c.now, enqueue });
    const b = scheduler({ settings: () => settings, now: c.now, enqueue });
    a.start();
    b.start();
    c.set('2026-12-01T14:01:00Z');
    const [fromA, fromB] = await Promise.all([a.check(), b.check()]);
    const outcomes = [...fromA, ...fromB].map((o) => o.outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'queued']);

    const id = 'schedule:daily:2026-12-01T14:01:00.000Z:DU2000001';
    const stored = await queue.get(id);
    expect(stored?.event).toMatchObject({ id, source: 'schedule', command: 'print-equity', status: 'pending' });
    expect((await queue.status()).counts.pending).toBe(1);
    await queue.stop();
  });
});
