/** §25 Trade log › Today: the day's rebalances and what they cost, from the reports and the failed events. */
import type { EventRecord, RebalanceReport } from '../../../../shared/dto';

export interface TodaySummary {
  done: number;
  failed: number;
  turnover: number;
  commissions: number;
  slippageCost: number;
}

/** Local midnight of `now` (the trader's day). */
export function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

const cents = (value: number): number => Math.round(value * 100) / 100;

/**
 * Done: rebalances that finished today (their reports). Failed: rebalance events not done whose last failure was
 * today (delayed for a retry, or held). Money: the sums of today's reports.
 */
export function todaySummary(
  reports: readonly RebalanceReport[],
  waiting: readonly EventRecord[],
  now: number,
): TodaySummary {
  const since = startOfDay(now);
  const today = reports.filter((r) => Date.parse(r.finishedAt) >= since);
  const failed = waiting.filter(
    (e) => e.command === 'rebalance' && e.lastError !== null && Date.parse(e.lastError.at) >= since,
  );
  return {
    done: today.length,
    failed: new Set(failed.map((e) => e.id)).size,
    turnover: cents(today.reduce((s, r) => s + r.totals.turnover, 0)),
    commissions: cents(today.reduce((s, r) => s + r.totals.commissions, 0)),
    slippageCost: cents(today.reduce((s, r) => s + r.totals.slippageCost, 0)),
  };
}
