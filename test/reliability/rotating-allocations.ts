/**
 * The allocations the crash torture and the soak rotate through: two strategies, three versions each, so that each
 * change of version makes the next rebalances trade (sells and buys, symbols entering and leaving). Plain data, no
 * vitest: the soak script (scripts/soak-run.ts) runs outside the test runner.
 */
import type { Allocation } from '../../src/shared/dto';

/** Strategy `a` and strategy `b` → their three versions, in the order a run steps through them. */
export function rotatingAllocations(a: string, b: string): Record<string, Allocation[][]> {
  return {
    [a]: [
      [
        { symbol: 'SPY', weight: 0.4 },
        { symbol: 'TLT', weight: 0.3 },
        { symbol: 'GLD', weight: 0.3 },
      ],
      [
        { symbol: 'SPY', weight: 0.2 },
        { symbol: 'IEF', weight: 0.5 },
        { symbol: 'GLD', weight: 0.3 },
      ],
      [
        { symbol: 'QQQ', weight: 0.5 },
        { symbol: 'TLT', weight: 0.25 },
        { symbol: 'SHY', weight: 0.25 },
      ],
    ],
    [b]: [
      [
        { symbol: 'QQQ', weight: 0.5 },
        { symbol: 'IEF', weight: 0.5 },
      ],
      [
        { symbol: 'VTI', weight: 0.6 },
        { symbol: 'BND', weight: 0.4 },
      ],
      [
        { symbol: 'QQQ', weight: 0.3 },
        { symbol: 'BIL', weight: 0.3 },
        { symbol: 'GLD', weight: 0.4 },
      ],
    ],
  };
}
