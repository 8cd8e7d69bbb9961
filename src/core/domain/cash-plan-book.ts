/**
 * The account as the cash-flow planners (§27: buy-only, raise-cash) see it: the same inputs, prices, other clients'
 * orders and effective targets (§24) as the rebalance planner, as `Working` rows the planner's limit check reads, and
 * the finished `Plan` in the very shape `planRebalance` returns, so preview, approval, report and the live run treat
 * every plan alike. Pure.
 */
import type { Plan, PlanRow } from '../../shared/dto';
import { effectiveTargets } from './effective-targets';
import { invalidError, transientError } from './errors';
import {
  cents,
  checkLimits,
  markOf,
  money,
  normalise,
  positive,
  SHARE_EPSILON,
  type PlanInput,
  type PriceSnapshot,
  type Working,
} from './planner';

export interface CashBook {
  rows: Working[];
  /** Allocation weights (replacement applied, before the reserve) by symbol: the limit check's baseline. */
  allocationWeights: Map<string, number>;
  /** NAV × reserve / 100, USD. */
  reserveCash: number;
  /** Cost at the ask of other clients' open buys, which the cash must still pay for (§8.4). */
  otherBuysCost: number;
  warnings: string[];
}

/**
 * Reads a plan input into rows: effective target weight (§24), target shares `floor(targetNav × weight / mark)`,
 * other clients' open orders counted as filled, shorts reported and never traded. `targetNav` is the net liquidation
 * the targets are sized to (the NAV, or the NAV after a withdrawal). A symbol without a usable price throws
 * `transient`, as in the rebalance planner.
 */
export function openCashBook(input: PlanInput, targetNav: number): CashBook {
  const { netLiquidation: nav, cash, cashReservePercent: reserve, minTradeValue } = input;
  if (!Number.isFinite(nav) || !Number.isFinite(cash)) {
    throw transientError(`account values are not usable (net liquidation ${nav}, cash ${cash})`);
  }
  if (nav < 0) throw invalidError(`net liquidation is ${money(nav)}; a negative account is not rebalanced`);
  if (!Number.isFinite(minTradeValue) || minTradeValue < 0) {
    throw invalidError(`minTradeValue is ${minTradeValue}, must be 0 or more`);
  }
  const targets = effectiveTargets(input.allocations, reserve);
  const warnings: string[] = [...(input.warnings ?? [])];
  const allocationWeights = new Map<string, number>();
  for (const a of input.allocations) {
    const symbol = normalise(a.symbol);
    allocationWeights.set(symbol, (allocationWeights.get(symbol) ?? 0) + a.weight);
  }
  const held = sumBySymbol(Object.entries(input.positions));
  const pending = sumBySymbol(
    input.openOrdersOfOtherClients.map((o) => [o.symbol, (o.side === 'BUY' ? 1 : -1) * Math.max(0, o.remaining)]),
  );
  const prices = new Map<string, PriceSnapshot>();
  for (const [raw, price] of Object.entries(input.prices)) prices.set(normalise(raw), price);

  const symbols = new Set<string>();
  for (const [symbol, weight] of Object.entries(targets.weights)) if (weight > 0) symbols.add(symbol);
  for (const [symbol, shares] of [...held, ...pending]) if (shares !== 0) symbols.add(symbol);
  const unpriced = [...symbols].filter((s) => markOf(prices.get(s)) === null).sort();
  if (unpriced.length > 0) {
    throw transientError(
      `no usable price for ${unpriced.join(', ')} (no bid/ask, last or close); not planning on a made-up price`,
    );
  }

  const rows = [...symbols].map((symbol): Working => {
    const price = prices.get(symbol) as PriceSnapshot;
    const mark = markOf(price) as number;
    const weight = targets.weights[symbol] ?? 0;
    const shares = held.get(symbol) ?? 0;
    const open = pending.get(symbol) ?? 0;
    const targetShares = weight > 0 ? Math.max(0, Math.floor((targetNav * weight) / mark + SHARE_EPSILON)) : 0;
    const row: Working = {
      symbol,
      held: shares,
      pending: open,
      weight,
      mark,
      buyPrice: positive(price.ask) ? price.ask : mark,
      sellPrice: positive(price.bid) ? price.bid : mark,
      targetShares,
      delta: shares < 0 ? 0 : targetShares - (shares + open),
      order: null,
      residual: 0,
      notes: [],
    };
    if (open !== 0) row.notes.push(`another client's open orders (${open > 0 ? '+' : ''}${open}) counted as filled`);
    if (shares < 0) {
      row.notes.push(`short position of ${shares} shares: reported, not traded`);
      warnings.push(`${symbol} is held short (${shares} shares); short positions are not traded`);
    }
    return row;
  });
  const otherBuysCost = rows.reduce((sum, r) => sum + Math.max(0, r.pending) * r.buyPrice, 0);
  return { rows, allocationWeights, reserveCash: (nav * reserve) / 100, otherBuysCost, warnings };
}

function sumBySymbol(entries: Iterable<[string, number]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [raw, shares] of entries) {
    if (shares !== 0) out.set(normalise(raw), (out.get(normalise(raw)) ?? 0) + shares);
  }
  return out;
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
  const nav = input.netLiquidation;
  const { rows, warnings } = book;
  const rank = (r: Working) => (r.order?.side === 'SELL' ? 0 : r.order?.side === 'BUY' ? 1 : 2);
  rows.sort((a, b) => rank(a) - rank(b) || a.symbol.localeCompare(b.symbol));
  const valueOf = (r: Working) =>
    r.order ? r.order.quantity * (r.order.side === 'BUY' ? r.buyPrice : r.sellPrice) : 0;
  const limitBreaches = checkLimits(rows, valueOf, book.allocationWeights, nav, input, warnings);
  return {
    accountId: input.accountId,
    strategy: input.strategy,
    asOf: input.asOf,
    netLiquidation: nav,
    cash: input.cash,
    cashReservePercent: input.cashReservePercent,
    investable: targetNav * (1 - input.cashReservePercent / 100),
    rows: rows.map((r): PlanRow => {
      const currentValue = r.held * r.mark;
      const row: PlanRow = {
        symbol: r.symbol,
        currentShares: r.held,
        currentValue: cents(currentValue),
        currentWeight: nav > 0 ? currentValue / nav : 0,
        targetWeight: r.weight,
        targetShares: r.targetShares,
        price: r.mark,
        delta: r.delta,
        order: r.order,
        estimatedValue: cents(valueOf(r)),
      };
      if (r.notes.length > 0) row.note = r.notes.join('; ');
      return row;
    }),
    warnings: [...new Set(warnings)],
    limitBreaches,
    createdAt: input.now,
  };
}
