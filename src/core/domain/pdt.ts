/**
 * The pattern-day-trader guard (PRODUCT.md §21, `pdtGuard` per account, default true). Pure: the caller passes the
 * account's values, today's executions and the trading sessions.
 *
 * An account under $25 000 of net liquidation with no day trades left (`DayTradesRemaining` 0; −1 = unlimited) must
 * not sell shares of a symbol it bought today: those sells are left out of the plan with the note "would be a day
 * trade (PDT)" (the planner then sizes the buys without their proceeds), and the event ends `partial`, delayed to
 * the next session open, where the retry finishes the job.
 */
import type { Plan } from '../../shared/dto';
import type { MarketSession } from './market-hours';

export const PDT_NOTE = 'would be a day trade (PDT)';
/** FINRA's pattern-day-trader equity minimum, USD. */
export const PDT_MIN_EQUITY = 25_000;

/** True when the guard holds back sells: enabled, no day trades left, net liquidation under $25 000. */
export function pdtApplies(account: {
  pdtGuard: boolean;
  dayTradesRemaining: number | null | undefined;
  netLiquidation: number;
}): boolean {
  return account.pdtGuard && account.dayTradesRemaining === 0 && account.netLiquidation < PDT_MIN_EQUITY;
}

/** The symbols bought in today's executions (sorted): selling them today would be a day trade. */
export function boughtToday(executions: readonly { symbol: string; side: string }[]): string[] {
  const bought = executions.filter((e) => e.side === 'BUY' || e.side === 'BOT').map((e) => e.symbol.toUpperCase());
  return [...new Set(bought)].sort();
}

/** The symbols whose sell a plan left out for the PDT guard. */
export function pdtHeldSymbols(plan: Plan): string[] {
  return plan.rows.filter((r) => r.order === null && r.note?.includes(PDT_NOTE)).map((r) => r.symbol);
}

/** The open of the first session that starts after `now` (the next session, not the one in progress), or null. */
export function nextSessionOpen(sessions: readonly MarketSession[], now: Date): Date | null {
  const later = sessions.filter((s) => s.open.getTime() > now.getTime());
  return later.length === 0 ? null : (later[0] as MarketSession).open;
}
