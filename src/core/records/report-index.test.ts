import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command, TradeReport } from '../../shared/dto';
import { EventQueue, type QueueLog } from '../queue/event-queue';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import type { RedisClient } from '../redis/topology';
import { ReportIndex } from './report-index';

let server: TestRedis;
let redis: RedisClient;
const queues: EventQueue[] = [];
const quiet: QueueLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.handle.connect('report-index-test');
}, 60_000);
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});
afterAll(async () => {
  redis.disconnect();
  await server.cleanup();
});

const report = (turnover: number): TradeReport => ({
  rows: [
    {
      symbol: 'SPY',
      targetShares: 10,
      finalShares: 10,
      residualShares: 0,
      planPrice: 500,
      avgFillPrice: 500.1,
      slippageBps: 2,
      commission: 1,
    },
  ],
  totals: {
    ordersSent: 1,
    ordersFilled: 1,
    turnover,
    commissions: 1,
    slippageCost: 1,
    driftBefore: 12,
    driftAfter: 0.5,
  },
});

/** A queue on its own prefix and clock, and a way to finish an event with a result at a given time. */
function setup() {
  const keyPrefix = uniquePrefix('reports');
  const clock = { t: Date.parse('2026-11-02T15:00:00Z') };
  const q = new EventQueue({
    redis,
    keyPrefix,
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 10_000,
    retainDoneDays: 90,
    log: quiet,
    now: () => clock.t,
  });
  queues.push(q);
  const finish = async (accountId: string, command: Command, result: Record<string, unknown>, at: string) => {
    clock.t = Date.parse(at);
    const queued = await q.enqueue({ accountId, command, source: 'manual', strategy: 'growth-a' });
    if (queued.status !== 'queued') throw new Error('duplicate');
    const claimed = await q.claim('w1');
    if (claimed?.id !== queued.event.id) throw new Error('claimed another event');
    await q.complete(claimed.id, 'w1', result);
    return claimed.id;
  };
  const index = new ReportIndex({ redis, keyPrefix, retainDoneDays: () => 90, now: () => clock.t });
  return { q, clock, finish, index };
}

describe('report index (GET /api/reports)', () => {
  it('lists reports newest first with the total, by account and since, indexing done events from before it', async () => {
    const { finish, index } = setup();
    const plan = { strategy: 'growth-a', asOf: '2026-11-01' };
    const a1 = await finish('DU1', 'rebalance', { plan, report: report(100) }, '2026-11-02T15:00:00Z');
    await finish('DU1', 'print-rebalance', { plan }, '2026-11-02T15:01:00Z');
    const b1 = await finish('DU2', 'rebalance', { plan, report: report(200) }, '2026-11-02T15:02:00Z');
    await finish('DU2', 'rebalance', { rejectedByTrader: true, plan }, '2026-11-02T15:03:00Z');
    const a2 = await finish('DU1', 'rebalance', { plan, report: report(300) }, '2026-11-02T15:04:00Z');

    const all = await index.reports({ limit: 100 });
    expect(all.total).toBe(3);
    expect(all.reports.map((r) => r.eventId)).toEqual([a2, b1, a1]);
    expect(all.reports[2]).toMatchObject({
      eventId: a1,
      accountId: 'DU1',
      strategy: 'growth-a',
      asOf: '2026-11-01',
      finishedAt: '2026-11-02T15:00:00.000Z',
      totals: { turnover: 100 },
    });
    expect(await index.reports({ limit: 2 })).toMatchObject({ total: 3, reports: [{ eventId: a2 }, { eventId: b1 }] });
    const du1 = await index.reports({ accountId: 'DU1', limit: 100 });
    expect(du1.reports.map((r) => r.eventId)).toEqual([a2, a1]);
    expect(du1.total).toBe(2);
    const since = await index.reports({ since: '2026-11-02T15:02:00Z', limit: 100 });
    expect(since.reports.map((r) => r.eventId)).toEqual([a2, b1]);
    expect(since.total).toBe(2);
    expect(await index.reports({ accountId: 'DU9', limit: 100 })).toEqual({ reports: [], total: 0 });
  });

  it('lists a raise-cash report beside the rebalances, each saying which command it was (§27)', async () => {
    const { finish, index } = setup();
    const plan = { strategy: 'growth-a', asOf: '2026-11-01' };
    const rebalance = await finish('DU1', 'rebalance', { plan, report: report(100) }, '2026-11-02T15:00:00Z');
    const raise = await finish('DU1', 'raise-cash', { plan, report: report(5_000) }, '2026-11-02T15:05:00Z');
    const { reports } = await index.reports({ limit: 10 });
    expect(reports.map((r) => [r.eventId, r.command])).toEqual([
      [raise, 'raise-cash'],
      [rebalance, 'rebalance'],
    ]);
  });

  it('finds a rebalance finished after the last read, and one added right after completion', async () => {
    const { q, finish, index } = setup();
    const plan = { strategy: 'growth-a', asOf: '2026-11-01' };
    const first = await finish('DU1', 'rebalance', { plan, report: report(1) }, '2026-11-02T15:00:00Z');
    expect((await index.reports({ limit: 10 })).total).toBe(1);
    const second = await finish('DU2', 'rebalance', { plan, report: report(2) }, '2026-11-02T16:00:00Z');
    expect((await index.reports({ limit: 10 })).reports.map((r) => r.eventId)).toEqual([second, first]);
    const third = await finish('DU3', 'rebalance', { plan, report: report(3) }, '2026-11-02T17:00:00Z');
    const detail = await q.get(third);
    expect(await index.add(detail!.event)).toBe(true);
    expect((await index.reports({ limit: 10 })).reports.map((r) => r.eventId)).toEqual([third, second, first]);
    expect((await index.reports({ limit: 10 })).total).toBe(3);
  });

  it('keeps the reports of deleted events and of those purged by retention, marked "event deleted" (§24)', async () => {
    const { q, clock, finish, index } = setup();
    const plan = { strategy: 'growth-a', asOf: '2026-11-01' };
    const old = await finish('DU1', 'rebalance', { plan, report: report(1) }, '2026-08-10T15:00:00Z');
    const deleted = await finish('DU1', 'rebalance', { plan, report: report(2) }, '2026-11-01T15:00:00Z');
    const kept = await finish('DU1', 'rebalance', { plan, report: report(3) }, '2026-11-02T15:00:00Z');
    expect((await index.reports({ limit: 10 })).total).toBe(3);

    await q.delete(deleted);
    // 90 days after the oldest: retention purges its event from the queue; its report stays.
    clock.t = Date.parse('2026-08-10T15:00:00Z') + 90 * DAY + 1;
    expect(await q.purgeDone()).toBe(1);
    expect(await q.get(old)).toBeNull();
    for (const query of [{ limit: 10 }, { accountId: 'DU1', limit: 10 }]) {
      const answer = await index.reports(query);
      expect(answer.total).toBe(3);
      expect(answer.reports.map((r) => [r.eventId, r.eventDeleted ?? false])).toEqual([
        [kept, false],
        [deleted, true],
        [old, true],
      ]);
      expect(answer.reports[1]?.totals).toEqual(report(2).totals);
    }
    const first = await index.reports({ limit: 1 });
    expect(first).toMatchObject({ total: 3, reports: [{ eventId: kept }] });
  });
});
