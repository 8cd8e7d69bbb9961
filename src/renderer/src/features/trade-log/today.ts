/**
 * §25 Trade log › Today: the day's trading events — rebalances (full or buy-only) and raise-cash (§27), each counted
 * as what it is — and what they cost, from the reports and the failed events.
 */
import type { EventRecord, RebalanceReport } from '../../../../shared/dto';

export interface TodaySummary {
  /** Rebalances (full or buy-only) finished today. */
  rebalancesDone: number;
  /** Raise-cash events finished today. */
  cashRaisesDone: number;
  /** Trading events (rebalance or raise-cash) whose last failure was today and that are not done. */
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

const TRADING_COMMANDS: ReadonlySet<string> = new Set(['rebalance', 'raise-cash']);

/**
 * Done: rebalances and raise-cash events that finished today (their reports), counted apart (a report kept from
 * before reports named their command is a rebalance). Failed: trading events not done whose last failure was today
 * (delayed for a retry, or held). Money: the sums of today's reports, of both commands.
 */
export function todaySummary(
  reports: readonly RebalanceReport[],
  waiting: readonly EventRecord[],
  now: number,
): TodaySummary {
  const since = startOfDay(now);
  const today = reports.filter((r) => Date.parse(r.finishedAt) >= since);
  const failed = waiting.filter(
    (e) => TRADING_COMMANDS.has(e.command) && e.lastError !== null && Date.parse(e.lastError.at) >= since,
  );
  return {
    rebalancesDone: today.filter((r) => (r.command ?? 'rebalance') === 'rebalance').length,
    cashRaisesDone: today.filter((r) => r.command === 'raise-cash').length,
    failed: new Set(failed.map((e) => e.id)).size,
    turnover: cents(today.reduce((s, r) => s + r.totals.turnover, 0)),
    commissions: cents(today.reduce((s, r) => s + r.totals.commissions, 0)),
    slippageCost: cents(today.reduce((s, r) => s + r.totals.slippageCost, 0)),
  };
}
