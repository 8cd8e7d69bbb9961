/**
 * Validation of a strategy's target weights (PRODUCT.md §8 step 1).
 */
import type { Allocation } from '../../shared/dto';
import { invalidError } from './errors';

/** Weights may add up to at most this (rounding in the provider's data); above it the set is `invalid`. */
export const MAX_ALLOCATION_TOTAL = 1.01;
/** Below this total the rest stays in cash, with a warning. */
export const FULLY_INVESTED_TOTAL = 0.99;

/** Target weights ready for planning, with what the trader should know about them. */
export interface ValidatedAllocations {
  /** Symbols trimmed and upper-cased, one entry per symbol, in first-seen order. */
  allocations: Allocation[];
  /** Sum of the weights (fraction). */
  total: number;
  warnings: string[];
}

/** Percent with two decimals, e.g. `12.50 %`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** The warning shown when allocations add up to less than fully invested. */
export function cashLeftWarning(total: number): string {
  return `${formatPercent(1 - total)} left in cash (allocations add up to ${formatPercent(total)})`;
}

/**
 * Checks target weights (§8.1) and returns them normalised: every weight a number in 0..1, every symbol non-empty
 * (trimmed, upper-cased), total ≤ 1.01, at least one entry; any breach throws an `invalid` DeskError naming the entry.
 * A total below 0.99 leaves the rest in cash with a warning.
 * Duplicate symbols (after normalising) are merged by adding their weights, with a warning: the provider meant both
 * lines, and the total check above still guards against an over-allocation.
 * An empty list is `invalid`: a glitch must never read as "sell everything".
 */
export function validateAllocations(allocations: readonly Allocation[]): ValidatedAllocations {
  if (allocations.length === 0) throw invalidError('the allocation list is empty');
  const merged = new Map<string, number>();
  const warnings: string[] = [];
  allocations.forEach((allocation, i) => {
    const rawSymbol: unknown = allocation.symbol;
    const weight: unknown = allocation.weight;
    if (typeof rawSymbol !== 'string' || rawSymbol.trim() === '') {
      throw invalidError(
        `allocations[${i}].symbol is ${JSON.stringify(rawSymbol) ?? 'missing'}, must be a non-empty symbol`,
      );
    }
    const symbol = rawSymbol.trim().toUpperCase();
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw invalidError(`allocations[${i}].weight (${symbol}) is ${String(weight)}, must be between 0 and 1`);
    }
    const before = merged.get(symbol);
    if (before !== undefined) warnings.push(`${symbol} is listed more than once; its weights were added`);
    merged.set(symbol, (before ?? 0) + weight);
  });
  const total = [...merged.values()].reduce((sum, w) => sum + w, 0);
  if (total > MAX_ALLOCATION_TOTAL) {
    throw invalidError(
      `allocations add up to ${formatPercent(total)}, more than ${formatPercent(MAX_ALLOCATION_TOTAL)}`,
    );
  }
  if (total < FULLY_INVESTED_TOTAL) warnings.push(cashLeftWarning(total));
  return {
    allocations: [...merged].map(([symbol, weight]) => ({ symbol, weight })),
    total,
    warnings: [...new Set(warnings)],
  };
}
