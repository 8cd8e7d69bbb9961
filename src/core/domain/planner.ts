/**
 * The rebalance planner (PRODUCT.md §8 steps 3–8, 10): one pure function turns an account's state and its target
 * weights into a `Plan`. `print-rebalance` shows its output and the live run sends exactly the orders it contains.
 */
import type { Allocation, OrderSide, Plan, PlanRow } from '../../shared/dto';
import { moneyText as money } from '../../shared/money-text';
import { cashLeftWarning, formatPercent, FULLY_INVESTED_TOTAL } from './allocations';
import { cashLineOf, effectiveTargets, type EffectiveTargets } from './effective-targets';
import { invalidError, transientError } from './errors';

/** Which orders a plan contains: the preview (`all`), or one step of the live run (`sells`, then `buys`). */
export type PlanPhase = 'all' | 'sells' | 'buys';

/** One price snapshot of a symbol; a field is null (or ≤ 0) when the gateway did not give it. */
export interface PriceSnapshot {
  bid: number | null;
  ask: number | null;
  last: number | null;
  close: number | null;
}

/** The still-working part of an order placed by another API client (§8 step 4). */
export interface OtherClientOrder {
  symbol: string;
  side: OrderSide;
  /** Shares not yet filled. */
  remaining: number;
}

/** Everything the planner needs; no I/O, no clock: the caller passes `now`. */
export interface PlanInput {
  accountId: string;
  strategy: string | null;
  asOf: string | null;
  /** Already validated (§8.1) and replaced (§8.2). */
  allocations: readonly Allocation[];
  /** `NetLiquidation`, USD. */
  netLiquidation: number;
  /** `TotalCashValue`, USD. */
  cash: number;
  /** Symbol → shares held (negative = short). */
  positions: Readonly<Record<string, number>>;
  prices: Readonly<Record<string, PriceSnapshot>>;
  openOrdersOfOtherClients: readonly OtherClientOrder[];
  cashReservePercent: number;
  minTradeValue: number;
  phase: PlanPhase;
  /** ISO-8601, becomes `createdAt`. */
  now: string;
  /** Warnings from earlier steps (validation, replacement) to carry on the plan. */
  warnings?: readonly string[];
  /** `limits.*` of the settings (§23); omitted or null fields are not checked. */
  limits?: Partial<RiskLimits>;
  /**
   * Symbol → target weight (0..1) the account was last rebalanced to, for `limits.maxAllocationChangePercent`;
   * null when it never was (the limit cannot be checked then, and the plan says so).
   */
  lastTargetWeights?: Readonly<Record<string, number>> | null;
  /** Symbols that must not be sold now, with the note why (the PDT guard, §21); their proceeds are not counted. */
  noSell?: ReadonlyMap<string, string>;
}

/** The risk limits of §23, checked by the planner before any order. */
export interface RiskLimits {
  /** The most any one order may be worth, USD. */
  maxOrderValue: number | null;
  /** The largest Σ |order value| ÷ NAV of one plan, percent. */
  maxTurnoverPercent: number | null;
  /** The largest ½ Σ |new − last rebalanced-to target weight|, percent. */
  maxAllocationChangePercent: number | null;
}

/** A buy wanted by the plan, before sizing to the cash at hand. */
export interface BuyIntent {
  symbol: string;
  quantity: number;
  /** Estimated cost per share: the ask, else the mark. */
  price: number;
}

/** Buys after sizing (§8.8). */
export interface BuySizing {
  buys: BuyIntent[];
  /** Factor applied to every quantity before flooring: 1 when the cash suffices, 0 when there is none. */
  factor: number;
  /** Estimated cost of the sized buys. */
  cost: number;
}

/** An order to send, as the live run reads it from a plan. */
export interface PlannedOrder {
  symbol: string;
  side: OrderSide;
  quantity: number;
}

/** Floating-point slack so that e.g. 99 000 × 0.3 / 29.7 = 999.999… still makes 1 000 shares. */
export const SHARE_EPSILON = 1e-9;

export function positive(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** The mark (§8.3): midpoint when bid and ask are both > 0, else last, else close; null when none is usable. */
export function markOf(price: PriceSnapshot | undefined): number | null {
  if (!price) return null;
  if (positive(price.bid) && positive(price.ask)) return (price.bid + price.ask) / 2;
  if (positive(price.last)) return price.last;
  if (positive(price.close)) return price.close;
  return null;
}

/**
 * Sizes buys to a cash budget (§8.8): when their total cost exceeds `budget`, every quantity is scaled by the
 * same factor and floored; with no budget nothing is bought. Never negative, never more than the budget — no margin.
 */
export function sizeBuys(buys: readonly BuyIntent[], budget: number): BuySizing {
  const wanted = buys.map((b) => ({ ...b, quantity: Math.max(0, Math.floor(b.quantity)) }));
  const total = wanted.reduce((sum, b) => sum + b.quantity * b.price, 0);
  if (total <= budget) return { buys: wanted, factor: 1, cost: total };
  if (!(budget > 0)) return { buys: wanted.map((b) => ({ ...b, quantity: 0 })), factor: 0, cost: 0 };
  const factor = budget / total;
  const sized = wanted.map((b) => ({ ...b, quantity: Math.floor(b.quantity * factor + SHARE_EPSILON) }));
  let cost = sized.reduce((sum, b) => sum + b.quantity * b.price, 0);
  // The slack above may round a share up at an exact boundary; give back whole shares until within budget.
  while (cost > budget) {
    const largest = sized.reduce<BuyIntent | null>(
      (max, b) => (b.quantity > 0 && (!max || b.quantity * b.price > max.quantity * max.price) ? b : max),
      null,
    );
    if (!largest) break;
    largest.quantity -= 1;
    cost -= largest.price;
  }
  return { buys: sized, factor, cost: Math.max(0, cost) };
}

function normalise(symbol: string): string {
  return symbol.trim().toUpperCase();
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A share count as a trader reads it: whole shares plain, fractions to at most 4 decimals ("0.4", "10.1234"). */
function shareText(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 4, useGrouping: false });
}

/** Fractions of a share as IB reports them (at most a few decimals), free of floating-point dust. */
function roundShares(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function percentText(value: number): string {
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
}

/** ½ Σ |new − old| over the union of symbols, in percent (0 when nothing moved, 100 for a complete swap). */
export function allocationChangePercent(
  next: ReadonlyMap<string, number>,
  last: Readonly<Record<string, number>>,
): number {
  const old = new Map<string, number>();
  for (const [raw, weight] of Object.entries(last)) old.set(normalise(raw), (old.get(normalise(raw)) ?? 0) + weight);
  let sum = 0;
  for (const symbol of new Set([...next.keys(), ...old.keys()])) {
    sum += Math.abs((next.get(symbol) ?? 0) - (old.get(symbol) ?? 0));
  }
  return (sum / 2) * 100;
}

/** A plan row while it is being worked out; the buy-only and raise-cash planners build the same rows. */
export interface Working {
  symbol: string;
  held: number;
  /** Net shares of other clients' open orders, counted as if filled (§8.4). */
  pending: number;
  weight: number;
  mark: number;
  /** Estimated buy price per share: ask, else mark. */
  buyPrice: number;
  /** Estimated sell price per share: bid, else mark. */
  sellPrice: number;
  targetShares: number;
  delta: number;
  order: { side: OrderSide; quantity: number } | null;
  /** The fraction of a share above the target that whole-share orders cannot sell (§23). */
  residual: number;
  notes: string[];
}

/**
 * Plans a rebalance (§8): valuing positions at the mark (never at cost), targeting
 * `floor(NAV × (1 − reserve/100) × weight / mark)` shares, counting other clients' open orders as filled, trading
 * only deltas of ≥ 1 share worth ≥ `minTradeValue`, long only (a short is reported with a warning, never traded).
 *
 * Every order is a whole number of shares (§23): a fractional holding's sell is floored and the fraction it leaves
 * above the target is the row's `residualShares` (with a note and a warning), never traded. The risk limits
 * (`input.limits`) are checked over the orders of the plan; each breach is a sentence in `limitBreaches`.
 *
 * Phases: `sells` contains only the sells; `buys` only the buys, sized to `cash − NAV × reserve/100` (the live run
 * re-reads cash after the sells filled); `all` (the preview) contains both, the buys sized to that budget plus the
 * proceeds of the planned sells at the bid — what the live run will have once the sells fill. Other clients' open
 * buys reduce the buy budget by their cost at the ask; their open sells' proceeds are not counted (never margin).
 *
 * Rows: sells, then buys, then rows without an order, each group by symbol. A symbol that must be planned
 * (a target or held or with another client's order) without a usable price throws a `transient` DeskError.
 */
export function planRebalance(input: PlanInput): Plan {
  const { netLiquidation: nav, cash, cashReservePercent: reserve, minTradeValue, phase } = input;
  const totalWeight = input.allocations.reduce((sum, a) => sum + a.weight, 0);
  const book = openPlanBook(
    totalWeight < FULLY_INVESTED_TOTAL
      ? { ...input, warnings: [...(input.warnings ?? []), cashLeftWarning(totalWeight)] }
      : input,
    nav,
    (row, warnings) => {
      // Orders are whole shares (§23): IB's API refuses fractional orders for most accounts. A sell is floored; the
      // fraction above the target it leaves is reported for the trader to close in TWS, never traded.
      const size = Math.floor(Math.abs(row.delta) + SHARE_EPSILON);
      if (row.delta < 0) row.residual = Math.max(0, roundShares(Math.abs(row.delta) - size));
      if (size >= 1 && size * row.mark >= minTradeValue) {
        row.order = { side: row.delta > 0 ? 'BUY' : 'SELL', quantity: size };
      } else if (size >= 1) {
        row.notes.push(`trade of ${money(size * row.mark)} is below the minimum trade value ${money(minTradeValue)}`);
      }
      holdSell(row, input.noSell);
      if (row.residual > 0) {
        const left = `${shareText(row.residual)} share left: close it in TWS`;
        const subShare = row.targetShares === 0 && size === 0;
        row.notes.push(subShare ? `holding below one share, reported, not traded: ${left}` : left);
        warnings.push(
          subShare
            ? `${row.symbol}: holding of ${shareText(row.residual)} share is below one share and is not traded; close it in TWS`
            : `${row.symbol}: ${left} (orders are whole shares)`,
        );
      }
    },
  );
  const { rows, warnings } = book;

  const sells = rows.filter((r) => r.order?.side === 'SELL');
  const buys = rows.filter((r) => r.order?.side === 'BUY');

  if (phase === 'buys') {
    for (const r of sells) {
      r.order = null;
      r.notes.push('sell not sent in the buys step');
    }
  }
  if (phase === 'sells') {
    for (const r of buys) {
      r.order = null;
      r.notes.push('bought after the sells fill');
    }
  } else {
    const reserveCash = (nav * reserve) / 100;
    const sellProceeds =
      phase === 'all' ? sells.reduce((sum, r) => sum + (r.order?.quantity ?? 0) * r.sellPrice, 0) : 0;
    const otherBuys = rows.reduce((sum, r) => sum + Math.max(0, r.pending) * r.buyPrice, 0);
    const budget = cash + sellProceeds - reserveCash - otherBuys;
    const sizing = sizeBuys(
      buys.map((r) => ({ symbol: r.symbol, quantity: r.order?.quantity ?? 0, price: r.buyPrice })),
      budget,
    );
    if (sizing.factor < 1 && buys.length > 0) {
      warnings.push(
        sizing.factor === 0
          ? `no cash for buys: buy budget is ${money(budget)}; margin is never used`
          : `buys scaled to ${formatPercent(sizing.factor)} to fit the cash of ${money(Math.max(0, budget))}; margin is never used`,
      );
    }
    buys.forEach((r, i) => {
      const wanted = r.order?.quantity ?? 0;
      const quantity = sizing.buys[i]?.quantity ?? 0;
      if (quantity === wanted) return;
      if (quantity < 1) {
        r.order = null;
        r.notes.push(`buy of ${wanted} dropped: not enough cash`);
      } else if (quantity * r.mark < minTradeValue) {
        r.order = null;
        r.notes.push(`buy of ${wanted} scaled to ${quantity} for cash, below the minimum trade value`);
      } else {
        r.order = { side: 'BUY', quantity };
        r.notes.push(`scaled down from ${wanted} for cash`);
      }
    });
  }

  return finishPlan(input, book, nav * (1 - reserve / 100), book.effective.cash);
}

/** An account read for planning: its rows, the allocation weights the limits compare with, targets and warnings. */
export interface PlanBook {
  rows: Working[];
  /** Allocation weights (replacement applied, before the reserve) by symbol: the limit check's baseline. */
  allocationWeights: Map<string, number>;
  /** §24: the effective targets (weight × (1 − reserve)) and the cash target. */
  effective: EffectiveTargets;
  warnings: string[];
}

/**
 * Reads a plan input into rows, the one reading every planner shares (§8, §24, §27): the account values checked,
 * effective target weights, target shares `floor(targetNav × weight / mark)` (`targetNav`: the NAV, or the NAV after a
 * withdrawal), other clients' open orders counted as filled, shorts reported and never traded. A symbol without a
 * usable price throws `transient`. `size` works out each long row's order as the row is read (so its warnings keep
 * the row order).
 */
export function openPlanBook(
  input: PlanInput,
  targetNav: number,
  size?: (row: Working, warnings: string[]) => void,
): PlanBook {
  const { netLiquidation: nav, cash, cashReservePercent: reserve, minTradeValue } = input;
  if (!Number.isFinite(nav) || !Number.isFinite(cash)) {
    throw transientError(`account values are not usable (net liquidation ${nav}, cash ${cash})`);
  }
  if (nav < 0) throw invalidError(`net liquidation is ${money(nav)}; a negative account is not rebalanced`);
  if (!Number.isFinite(reserve) || reserve < 0 || reserve > 100) {
    throw invalidError(`cashReservePercent is ${reserve}, must be between 0 and 100`);
  }
  if (!Number.isFinite(minTradeValue) || minTradeValue < 0) {
    throw invalidError(`minTradeValue is ${minTradeValue}, must be 0 or more`);
  }

  const warnings: string[] = [...(input.warnings ?? [])];
  const allocationWeights = new Map<string, number>();
  for (const a of input.allocations) {
    const symbol = normalise(a.symbol);
    allocationWeights.set(symbol, (allocationWeights.get(symbol) ?? 0) + a.weight);
  }
  // §24: rows show and trade to the effective target (weight × (1 − reserve)); cash is a line of its own.
  const effective = effectiveTargets(input.allocations, reserve);

  const held = new Map<string, number>();
  for (const [raw, shares] of Object.entries(input.positions)) {
    if (shares !== 0) held.set(normalise(raw), (held.get(normalise(raw)) ?? 0) + shares);
  }
  const pending = new Map<string, number>();
  for (const o of input.openOrdersOfOtherClients) {
    const symbol = normalise(o.symbol);
    const signed = (o.side === 'BUY' ? 1 : -1) * Math.max(0, o.remaining);
    pending.set(symbol, (pending.get(symbol) ?? 0) + signed);
  }
  const prices = new Map<string, PriceSnapshot>();
  for (const [raw, price] of Object.entries(input.prices)) prices.set(normalise(raw), price);

  const symbols = new Set<string>();
  for (const [symbol, weight] of Object.entries(effective.weights)) if (weight > 0) symbols.add(symbol);
  for (const [symbol, shares] of held) if (shares !== 0) symbols.add(symbol);
  for (const [symbol, shares] of pending) if (shares !== 0) symbols.add(symbol);

  const unpriced = [...symbols].filter((s) => markOf(prices.get(s)) === null).sort();
  if (unpriced.length > 0) {
    throw transientError(
      `no usable price for ${unpriced.join(', ')} (no bid/ask, last or close); not planning on a made-up price`,
    );
  }

  const rows: Working[] = [...symbols].map((symbol) => {
    const price = prices.get(symbol) as PriceSnapshot;
    const mark = markOf(price) as number;
    const weight = effective.weights[symbol] ?? 0;
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
      delta: targetShares - (shares + open),
      order: null,
      residual: 0,
      notes: [],
    };
    if (open !== 0) {
      row.notes.push(`another client's open orders (${open > 0 ? '+' : ''}${open}) counted as filled`);
    }
    if (shares < 0) {
      row.delta = 0;
      row.notes.push(`short position of ${shares} shares: reported, not traded`);
      warnings.push(`${symbol} is held short (${shares} shares); short positions are not traded`);
      return row;
    }
    size?.(row, warnings);
    return row;
  });
  return { rows, allocationWeights, effective, warnings };
}

/**
 * The finished plan of any planner: the risk limits checked over its orders (§23), rows sorted sells, buys, the rest,
 * each by symbol, and the cash line (§24) when `cashTarget` (0..1) is given.
 */
export function finishPlan(
  input: PlanInput,
  book: Pick<PlanBook, 'rows' | 'allocationWeights' | 'warnings'>,
  investable: number,
  cashTarget: number | null,
): Plan {
  const nav = input.netLiquidation;
  const { rows, warnings } = book;
  const rank = (r: Working) => (r.order?.side === 'SELL' ? 0 : r.order?.side === 'BUY' ? 1 : 2);
  rows.sort((a, b) => rank(a) - rank(b) || a.symbol.localeCompare(b.symbol));

  const valueOf = (r: Working) =>
    r.order ? r.order.quantity * (r.order.side === 'BUY' ? r.buyPrice : r.sellPrice) : 0;
  const limitBreaches = checkLimits(rows, valueOf, book.allocationWeights, nav, input, warnings);
  const heldWeight = nav > 0 ? rows.reduce((sum, r) => sum + (r.held * r.mark) / nav, 0) : 1;

  return {
    accountId: input.accountId,
    strategy: input.strategy,
    asOf: input.asOf,
    netLiquidation: nav,
    accountCash: input.cash,
    cashReservePercent: input.cashReservePercent,
    investable,
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
      if (r.residual > 0) row.residualShares = r.residual;
      if (r.notes.length > 0) row.note = r.notes.join('; ');
      return row;
    }),
    warnings: [...new Set(warnings)],
    limitBreaches,
    ...(cashTarget === null ? {} : { cash: cashLineOf(1 - heldWeight, cashTarget) }),
    createdAt: input.now,
  };
}

/**
 * The risk limits of §23 over a plan's orders, each breach in words naming the limit. A breaching order's row is
 * noted too. `limits.maxAllocationChangePercent` needs the weights of the last rebalance; without one it is not
 * checked and a warning says so.
 */
function checkLimits(
  rows: Working[],
  valueOf: (r: Working) => number,
  weights: ReadonlyMap<string, number>,
  nav: number,
  input: PlanInput,
  warnings: string[],
): string[] {
  const { maxOrderValue = null, maxTurnoverPercent = null, maxAllocationChangePercent = null } = input.limits ?? {};
  const breaches: string[] = [];
  if (maxOrderValue !== null) {
    for (const r of rows) {
      const value = valueOf(r);
      if (!r.order || cents(value) <= maxOrderValue) continue;
      const text = `order ${r.order.side} ${r.order.quantity} ${r.symbol} worth ${money(value)} exceeds limits.maxOrderValue ${money(maxOrderValue)}`;
      breaches.push(text);
      r.notes.push(`exceeds limits.maxOrderValue ${money(maxOrderValue)}`);
    }
  }
  const turnover = rows.reduce((sum, r) => sum + valueOf(r), 0);
  if (maxTurnoverPercent !== null && turnover > 0) {
    const percent = nav > 0 ? (turnover / nav) * 100 : Number.POSITIVE_INFINITY;
    if (percent > maxTurnoverPercent + 1e-9) {
      breaches.push(
        `turnover ${money(turnover)} is ${Number.isFinite(percent) ? percentText(percent) : 'all'} of net liquidation ${money(nav)}, above limits.maxTurnoverPercent ${maxTurnoverPercent} %`,
      );
    }
  }
  if (maxAllocationChangePercent !== null) {
    const last = input.lastTargetWeights ?? null;
    if (last === null) {
      warnings.push('limits.maxAllocationChangePercent not checked: this account has no earlier rebalance to compare');
    } else {
      const change = allocationChangePercent(weights, last);
      if (change > maxAllocationChangePercent + 1e-9) {
        breaches.push(
          `target weights change by ${percentText(change)} since the last rebalance, above limits.maxAllocationChangePercent ${maxAllocationChangePercent} %`,
        );
      }
    }
  }
  return breaches;
}

/** A sell the caller forbids (the PDT guard, §21) is left out with its note, before the buys are sized. */
function holdSell(row: Working, noSell: ReadonlyMap<string, string> | undefined): void {
  const note = noSell?.get(row.symbol);
  if (note === undefined || row.order?.side !== 'SELL') return;
  row.order = null;
  row.residual = 0;
  row.notes.push(note);
}

/** The orders of a plan in the order they are sent: sells, then buys (§8 step 7). */
export function ordersOf(plan: Plan): PlannedOrder[] {
  const orders = plan.rows.flatMap((r) => (r.order ? [{ symbol: r.symbol, ...r.order }] : []));
  return [...orders.filter((o) => o.side === 'SELL'), ...orders.filter((o) => o.side === 'BUY')];
}
