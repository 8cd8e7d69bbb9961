/**
 * §20/§24 drift: THE definition used by the drift monitor, the report's `driftBefore` / `driftAfter` and the account's
 * stored drift — the largest |current weight − effective target weight| over the account's symbols AND cash, in
 * percentage points, at the mark. Targets are effective targets (domain/effective-targets.ts: weight × (1 − reserve));
 * cash is a line of its own: current = what net liquidation does not hold in the symbols at the mark, target = the
 * reserve plus what the allocation leaves unallocated. Pure: positions, prices and targets are passed in.
 */
import { planCashLine, type DriftReading, type Plan } from '../../shared/dto';
import { cashLineOf, points } from './effective-targets';
import { invalidError, transientError } from './errors';
import { markOf, type PriceSnapshot } from './planner';

/** Weights of one symbol, 0..1: held value ÷ net liquidation, and the effective target. */
export interface WeightRow {
  symbol: string;
  currentWeight: number;
  targetWeight: number;
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

/**
 * The drift reading of weight rows at `at`: per symbol current, target and diff in points, the cash line, and the
 * percent — the largest |diff| over symbols and cash. `cashTarget` (0..1) is the effective targets' cash; without it,
 * what the rows' targets leave (never below 0).
 */
export function driftOfRows(rows: readonly WeightRow[], at: string, cashTarget?: number): DriftReading {
  const bySymbol: DriftReading['bySymbol'] = {};
  let largest = 0;
  for (const r of [...rows].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
    const diff = r.currentWeight - r.targetWeight;
    largest = Math.max(largest, Math.abs(diff));
    bySymbol[r.symbol] = { current: points(r.currentWeight), target: points(r.targetWeight), diff: points(diff) };
  }
  const cashCurrent = 1 - sum(rows.map((r) => r.currentWeight));
  const cashTargetWeight = cashTarget ?? Math.max(0, 1 - sum(rows.map((r) => r.targetWeight)));
  largest = Math.max(largest, Math.abs(cashCurrent - cashTargetWeight));
  return { percent: points(largest), at, bySymbol, cash: cashLineOf(cashCurrent, cashTargetWeight) };
}

/** Drift of weight rows, in percentage points (rounded to 0.0001), over the symbols and cash. */
export function driftPercentOf(rows: readonly WeightRow[], cashTarget?: number): number {
  return driftOfRows(rows, '', cashTarget).percent;
}

/** The drift of a plan's rows (its marks, net liquidation and effective targets, its cash line), at its time. */
export function driftOfPlan(plan: Plan): DriftReading {
  const line = planCashLine(plan);
  const cashTarget = line ? line.target / 100 : undefined;
  return driftOfRows(plan.rows, plan.createdAt, cashTarget);
}

export interface DriftInput {
  /** Symbol → shares held (several entries of one symbol add up). */
  positions: Readonly<Record<string, number>>;
  netLiquidation: number;
  /** Symbol → effective target weight 0..1 (replacement set and cash reserve applied: `effectiveTargets().weights`). */
  targets: Readonly<Record<string, number>>;
  /** Target weight of cash 0..1 (`effectiveTargets().cash`); without it, what the targets leave. */
  cashTarget?: number;
  prices: Readonly<Record<string, PriceSnapshot>>;
  at: string;
}

/**
 * An account's drift from its positions, net liquidation, targets and prices: the weights the planner shows (held
 * shares × mark ÷ net liquidation against the target weight) over every symbol held or targeted, and cash. A symbol
 * without a usable price, or an account without a usable net liquidation, is refused — never a drift from a made-up
 * number.
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
  return driftOfRows(rows, input.at, input.cashTarget);
}
