/**
 * §24 "the target is after the reserve": THE effective target of an account — each allocation weight (replacement
 * set applied) × (1 − cashReservePercent / 100) — and the cash line's target: the reserve plus whatever the
 * allocation leaves unallocated. Every place that shows or compares a target weight (plan rows, preview, awaiting
 * plan, drift monitor, account drift, a report's drift, the buy-only and raise-cash planners) takes it from here.
 * Pure; weights are fractions 0..1.
 */
import type { Allocation, CashLine } from '../../shared/dto';
import { invalidError } from './errors';

export interface EffectiveTargets {
  /** Symbol (upper case, trimmed; repeated symbols add up) → effective target weight 0..1. */
  weights: Record<string, number>;
  /** Target weight of cash 0..1: the reserve plus the unallocated part of the allocation, after the reserve. */
  cash: number;
}

/** The effective targets of allocations with a cash reserve in percent (0..100). */
export function effectiveTargets(allocations: readonly Allocation[], cashReservePercent: number): EffectiveTargets {
  if (!Number.isFinite(cashReservePercent) || cashReservePercent < 0 || cashReservePercent > 100) {
    throw invalidError(`cashReservePercent is ${cashReservePercent}, must be between 0 and 100`);
  }
  const invested = 1 - cashReservePercent / 100;
  const weights: Record<string, number> = {};
  let allocated = 0;
  for (const a of allocations) {
    if (!Number.isFinite(a.weight) || a.weight < 0) throw invalidError(`weight of ${a.symbol} is ${a.weight}`);
    const symbol = a.symbol.trim().toUpperCase();
    weights[symbol] = (weights[symbol] ?? 0) + a.weight * invested;
    allocated += a.weight;
  }
  const cash = Math.max(0, 1 - Math.min(1, allocated) * invested);
  return { weights, cash };
}

/** A fraction as percentage points, rounded to 0.0001 (no negative zero). */
export function points(fraction: number): number {
  const value = fraction * 100;
  const rounded = Math.round((value + Number.EPSILON * Math.sign(value)) * 10_000) / 10_000;
  return rounded === 0 ? 0 : rounded;
}

/** The cash line (§24) of a current and a target cash weight (fractions of NAV), in percentage points. */
export function cashLineOf(current: number, target: number): CashLine {
  return { current: points(current), target: points(target), diff: points(current - target) };
}
