/**
 * §20: what a finished live rebalance achieved against what it intended — per symbol the target, final and residual
 * shares, the plan's mark against the average fill (slippage signed against the trader, in basis points) and the
 * commission; in total the orders sent and filled, turnover, commissions, slippage cost and the drift before and
 * after. Pure: the plans, orders and fills are passed in.
 */
import type { OrderSide, Plan, ReportRow, TradeReport } from '../../shared/dto';
import { driftOfPlan } from './drift';

export type { ReportRow, ReportTotals, TradeReport } from '../../shared/dto';

export interface ReportOrder {
  symbol: string;
  side: OrderSide;
  quantity: number;
  filled: number;
  avgFillPrice: number | null;
  status: string;
}

export interface ReportFill {
  symbol: string;
  commission: number | null;
}

const round = (value: number, places: number): number => {
  const f = 10 ** places;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * f) / f;
};

/**
 * Drift of a plan: the largest |current − effective target| weight over its symbols and cash, in percentage points
 * (domain/drift.ts, §24).
 */
export function driftPercent(plan: Plan): number {
  return driftOfPlan(plan).percent;
}

/**
 * The report of one rebalance: `intended` is the plan shown before trading (targets and marks), `after` the plan from
 * positions read after the last fill, `orders` what was sent with their fills, `fills` the executions with their
 * commissions.
 */
export function tradeReport(
  intended: Plan,
  after: Plan,
  orders: readonly ReportOrder[],
  fills: readonly ReportFill[],
): TradeReport {
  const finalShares = new Map(after.rows.map((r) => [r.symbol, r.currentShares]));
  const symbols = [...new Set([...intended.rows.map((r) => r.symbol), ...orders.map((o) => o.symbol)])];
  let turnover = 0;
  let slippageCost = 0;
  let commissions = 0;
  const rows = symbols.map((symbol): ReportRow => {
    const plan = intended.rows.find((r) => r.symbol === symbol);
    const planPrice = plan?.price ?? 0;
    const mine = orders.filter((o) => o.symbol === symbol && o.filled > 0 && o.avgFillPrice !== null);
    const filled = mine.reduce((n, o) => n + o.filled, 0);
    const value = mine.reduce((n, o) => n + o.filled * o.avgFillPrice!, 0);
    const cost = mine.reduce((n, o) => n + (o.side === 'BUY' ? 1 : -1) * (o.avgFillPrice! - planPrice) * o.filled, 0);
    const commissionsOf = fills.filter((f) => f.symbol === symbol && f.commission !== null);
    const commission = commissionsOf.length ? commissionsOf.reduce((n, f) => n + f.commission!, 0) : null;
    turnover += value;
    slippageCost += cost;
    commissions += commission ?? 0;
    const target = plan?.targetShares ?? 0;
    const final = finalShares.get(symbol) ?? 0;
    return {
      symbol,
      targetShares: target,
      finalShares: final,
      residualShares: round(target - final, 6),
      planPrice,
      avgFillPrice: filled > 0 ? round(value / filled, 6) : null,
      slippageBps: filled > 0 && planPrice > 0 ? round((cost / (planPrice * filled)) * 10_000, 2) : null,
      commission: commission === null ? null : round(commission, 4),
    };
  });
  return {
    rows,
    totals: {
      ordersSent: orders.length,
      ordersFilled: orders.filter((o) => o.status === 'Filled').length,
      turnover: round(turnover, 2),
      commissions: round(commissions, 4),
      slippageCost: round(slippageCost, 2),
      driftBefore: driftPercent(intended),
      driftAfter: driftPercent(after),
    },
  };
}
