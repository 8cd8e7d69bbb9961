/**
 * Replacement sets (PRODUCT.md §8 step 2): accounts that may not hold some ETFs hold a stand-in instead.
 */
import type { Allocation } from '../../shared/dto';
import { formatPercent } from './allocations';
import { invalidError } from './errors';

/** One rule of a replacement set: hold `target` instead of `source`, at the source's weight × `scale`. */
export interface ReplacementRule {
  source: string;
  target: string;
  scale: number;
}

/** Target weights after replacement, with one line per change for the trader. */
export interface ReplacedAllocations {
  allocations: Allocation[];
  notes: string[];
}

const EPSILON = 1e-12;

/**
 * Applies a replacement set to validated allocations. Each `source` is replaced by `target` with weight × `scale`
 * (once, not transitively: a target is never replaced again). Duplicate targets merge by adding weights. If the
 * total then exceeds 1, only the other (non-replacement) weights are reduced proportionally so the total is 1; if
 * the replacement weights alone exceed 1, the others go to 0 and the replacements are scaled to a total of 1.
 * A rule naming the same source twice, or a scale that is not a positive number, is `invalid`.
 * Planning uses the result for sells and buys alike, so a held replacement symbol is never sold and bought back.
 */
export function applyReplacements(
  allocations: readonly Allocation[],
  rules: readonly ReplacementRule[],
): ReplacedAllocations {
  const bySource = new Map<string, { target: string; scale: number }>();
  rules.forEach((rule, i) => {
    const source = rule.source.trim().toUpperCase();
    const target = rule.target.trim().toUpperCase();
    if (source === '' || target === '') throw invalidError(`replacement rule ${i} needs a source and a target symbol`);
    if (!Number.isFinite(rule.scale) || rule.scale <= 0) {
      throw invalidError(
        `replacement ${source} → ${target} has scale ${String(rule.scale)}, must be a positive number`,
      );
    }
    if (bySource.has(source)) throw invalidError(`the replacement set names ${source} more than once`);
    bySource.set(source, { target, scale: rule.scale });
  });

  // Per symbol: the part that came from a replacement (kept) and the part that did not (may be reduced).
  const parts = new Map<string, { replaced: number; other: number }>();
  const partOf = (symbol: string) => {
    let part = parts.get(symbol);
    if (!part) {
      part = { replaced: 0, other: 0 };
      parts.set(symbol, part);
    }
    return part;
  };
  const notes: string[] = [];
  for (const allocation of allocations) {
    const symbol = allocation.symbol.trim().toUpperCase();
    const rule = bySource.get(symbol);
    if (rule) {
      const weight = allocation.weight * rule.scale;
      partOf(rule.target).replaced += weight;
      notes.push(
        `${symbol} ${formatPercent(allocation.weight)} replaced by ${rule.target} ${formatPercent(weight)}` +
          (rule.scale === 1 ? '' : ` (× ${rule.scale})`),
      );
    } else {
      partOf(symbol).other += allocation.weight;
    }
  }

  let replacedTotal = 0;
  let otherTotal = 0;
  for (const part of parts.values()) {
    replacedTotal += part.replaced;
    otherTotal += part.other;
  }
  let replacedFactor = 1;
  let otherFactor = 1;
  if (replacedTotal + otherTotal > 1 + EPSILON) {
    if (replacedTotal >= 1) {
      otherFactor = 0;
      replacedFactor = 1 / replacedTotal;
      notes.push(
        `replacements alone add up to ${formatPercent(replacedTotal)}: other weights set to 0 and replacements scaled to 100 %`,
      );
    } else {
      otherFactor = (1 - replacedTotal) / otherTotal;
      notes.push(`other weights reduced by ${formatPercent(1 - otherFactor)} so the total is 100 %`);
    }
  }

  return {
    allocations: [...parts].map(([symbol, part]) => ({
      symbol,
      weight: part.replaced * replacedFactor + part.other * otherFactor,
    })),
    notes,
  };
}
