/**
 * §20 drift: THE definition used by the drift monitor, the report's `driftBefore` / `driftAfter` and the account's
 * stored drift — the largest |current weight − target weight| over the account's symbols, in percentage points, at the
 * mark. Pure: positions, prices and targets are passed in.
 */
import type { DriftReading, Plan } from '../../shared/dto';
import { invalidError, transientError } from './errors';
import { markOf, type PriceSnapshot } from './planner';

/** Weights of one symbol, 0..1: held value ÷ net liquidation, and the target. */
export interface WeightRow {
  symbol: string;
  currentWeight: number;
  targetWeight: number;
}

const round4 = (value: number): number => {
  const rounded = Math.round((value + Number.EPSILON * Math.sign(value)) * 10_000) / 10_000;
  return rounded === 0 ? 0 : rounded;
};

/** Drift of weight rows, in percentage points (rounded to 0.0001). */
export function driftPercentOf(rows: readonly WeightRow[]): number {
  return round4(rows.reduce((max, r) => Math.max(max, Math.abs(r.currentWeight - r.targetWeight)), 0) * 100);
}

/** The drift reading of weight rows at `at`: the percent and, per symbol, current, target and diff in points. */
export function driftOfRows(rows: readonly WeightRow[], at: string): DriftReading {
  const bySymbol: DriftReading['bySymbol'] = {};
  for (const r of [...rows].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
    bySymbol[r.symbol] = {
      current: round4(r.currentWeight * 100),
      target: round4(r.targetWeight * 100),
      diff: round4((r.currentWeight - r.targetWeight) * 100),
    };
  }
  return { percent: driftPercentOf(rows), at, bySymbol };
}

/** The drift of a plan's rows (its marks, net liquidation and targets), at the plan's time. */
export function driftOfPlan(plan: Plan): DriftReading {
  return driftOfRows(plan.rows, plan.createdAt);
}

export interface DriftInput {
  /** Symbol → shares held (several entries of one symbol add up). */
  positions: Readonly<Record<string, number>>;
  netLiquidation: number;
  /** Symbol → target weight 0..1 (replacement set applied). */
  targets: Readonly<Record<string, number>>;
  prices: Readonly<Record<string, PriceSnapshot>>;
  at: string;
}

/**
 * An account's drift from its positions, net liquidation, targets and prices: the weights the planner shows (held
 * shares × mark ÷ net liquidation against the target weight) over every symbol held or targeted. A symbol without a
 * usable price, or an account without a usable net liquidation, is refused — never a drift from a made-up number.
 */
export function currentDrift(input: DriftInput): DriftReading {
  const nav = input.netLiquidation;
  if (!Number.isFinite(nav)) throw transientError(`net liquidation is not usable (${nav})`);
  if (nav <= 0) throw invalidError(`net liquidation is ${nav}; drift needs a positive account value`);
  const held = new Map<string, number>();
  for (const [raw, shares] of Object.entries(input.positions)) {
    const symbol = raw.trim().toUpperCase();
    held.set(symbol, (held.get(symbol) ?? 0) + shares);
  }
  const targets = new Map<string, number>();
  for (const [raw, weight] of Object.entries(input.targets)) {
    const symbol = raw.trim().toUpperCase();
    targets.set(symbol, (targets.get(symbol) ?? 0) + weight);
  }
  const prices = new Map(Object.entries(input.prices).map(([s, p]) => [s.trim().toUpperCase(), p]));
  const symbols = new Set<string>();
  for (const [symbol, weight] of targets) if (weight > 0) symbols.add(symbol);
  for (const [symbol, shares] of held) if (shares !== 0) symbols.add(symbol);
  const unpriced = [...symbols].filter((s) => markOf(prices.get(s)) === null).sort();
  if (unpriced.length > 0) {
    throw transientError(`no usable price for ${unpriced.join(', ')} (no bid/ask, last or close)`);
  }
  const rows = [...symbols].map((symbol) => ({
    symbol,
    currentWeight: ((held.get(symbol) ?? 0) * (markOf(prices.get(symbol)) as number)) / nav,
    targetWeight: targets.get(symbol) ?? 0,
  }));
  return driftOfRows(rows, input.at);
}
