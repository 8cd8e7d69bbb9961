/** §25 tables that add up: plan and positions totals, computed once here for every table that shows them. */
import { planCashUsd, type Plan, type Position } from '../../../shared/dto';

export interface PlanTotals {
  /** Σ estimated value of the buy orders (at the price the plan buys at). */
  buys: number;
  /** Σ estimated value of the sell orders. */
  sells: number;
  /** Cash now + sells − buys (before commissions). */
  cashAfter: number;
  /** `cashAfter` as a fraction of net liquidation, null without one. */
  cashAfterWeight: number | null;
}

const cents = (value: number): number => Math.round(value * 100) / 100;

export function planTotals(plan: Plan): PlanTotals {
  let buys = 0;
  let sells = 0;
  for (const row of plan.rows) {
    if (row.order?.side === 'BUY') buys += row.estimatedValue;
    else if (row.order?.side === 'SELL') sells += row.estimatedValue;
  }
  const cashAfter = cents(planCashUsd(plan) + sells - buys);
  return {
    buys: cents(buys),
    sells: cents(sells),
    cashAfter,
    cashAfterWeight: plan.netLiquidation > 0 ? cashAfter / plan.netLiquidation : null,
  };
}

/** A position with what the table derives from it: unrealized P&L at the mark against the average cost. */
export interface PositionRow extends Position {
  unrealizedPnl: number | null;
}

export function positionRows(positions: readonly Position[]): PositionRow[] {
  return positions.map((p) => ({
    ...p,
    unrealizedPnl:
      p.marketValue === null || p.marketValue === undefined ? null : cents(p.marketValue - p.avgCost * p.quantity),
  }));
}

export interface PositionTotals {
  marketValue: number;
  weight: number;
  unrealizedPnl: number;
  /** Positions without a price: left out of the sums (the total row says so). */
  unpriced: number;
}

export function positionTotals(rows: readonly PositionRow[]): PositionTotals {
  let marketValue = 0;
  let weight = 0;
  let unrealizedPnl = 0;
  let unpriced = 0;
  for (const r of rows) {
    if (r.marketValue === null || r.marketValue === undefined) {
      unpriced++;
      continue;
    }
    marketValue += r.marketValue;
    weight += r.weight ?? 0;
    unrealizedPnl += r.unrealizedPnl ?? 0;
  }
  return { marketValue: cents(marketValue), weight, unrealizedPnl: cents(unrealizedPnl), unpriced };
}

export type PositionSortKey = 'symbol' | 'quantity' | 'marketValue' | 'weight' | 'unrealizedPnl';

/** Sorted by `key` (numbers: unknown last either way; symbols A → Z), `desc` reverses. */
export function sortPositions(rows: readonly PositionRow[], key: PositionSortKey, desc: boolean): PositionRow[] {
  const sign = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (key === 'symbol') return sign * a.symbol.localeCompare(b.symbol);
    const x = a[key];
    const y = b[key];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return sign * (x - y) || a.symbol.localeCompare(b.symbol);
  });
}
