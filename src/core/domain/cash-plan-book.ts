/**
 * The account as the cash-flow planners (§27: buy-only, raise-cash) see it: the same inputs, prices, other clients'
 * orders and effective targets (§24) as the rebalance planner, as `Working` rows the planner's limit check reads, and
 * the finished `Plan` in the very shape `planRebalance` returns, so preview, approval, report and the live run treat
 * every plan alike. Pure.
 */
import type { Plan } from '../../shared/dto';
import { finishPlan, openPlanBook, SHARE_EPSILON, type PlanInput, type Working } from './planner';

export interface CashBook {
  rows: Working[];
  /** Allocation weights (replacement applied, before the reserve) by symbol: the limit check's baseline. */
  allocationWeights: Map<string, number>;
  /** NAV × reserve / 100, USD. */
  reserveCash: number;
  /** Cost at the ask of other clients' open buys, which the cash must still pay for (§8.4). */
  otherBuysCost: number;
  /**
   * The cash line's target (§24), 0..1 of today's NAV: the effective cash target, and for a withdrawal also what is
   * raised (the symbols' targets are sized to `targetNav`).
   */
  cashTarget: number;
  warnings: string[];
}

/**
 * Reads a plan input into rows as the rebalance planner does (`openPlanBook`: effective targets, target shares
 * sized to `targetNav` — the NAV, or the NAV after a withdrawal —, other clients' open orders, shorts, prices), plus
 * the reserve and what other clients' open buys will still cost.
 */
export function openCashBook(input: PlanInput, targetNav: number): CashBook {
  const { rows, allocationWeights, warnings, effective } = openPlanBook(input, targetNav);
  const nav = input.netLiquidation;
  const otherBuysCost = rows.reduce((sum, r) => sum + Math.max(0, r.pending) * r.buyPrice, 0);
  return {
    rows,
    allocationWeights,
    reserveCash: (input.netLiquidation * input.cashReservePercent) / 100,
    otherBuysCost,
    cashTarget: nav > 0 ? 1 - (1 - effective.cash) * (targetNav / nav) : effective.cash,
    warnings,
  };
}

/** The fewest shares a first order of a symbol may have under `orders.minTradeValue` (at least 1). */
export function minimumShares(mark: number, minTradeValue: number): number {
  return Math.max(1, Math.ceil(minTradeValue / mark - SHARE_EPSILON));
}

/**
 * The finished plan: limits checked over its orders (§23), rows sorted sells, buys, the rest, each by symbol, in the
 * `Plan` shape of `planRebalance`.
 */
export function closeCashBook(input: PlanInput, book: CashBook, targetNav: number): Plan {
  return finishPlan(input, book, targetNav * (1 - input.cashReservePercent / 100), book.cashTarget);
}
