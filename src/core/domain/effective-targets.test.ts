import { describe, expect, it } from 'vitest';
import { effectiveTargets } from './effective-targets';

describe('effectiveTargets (§24)', () => {
  it('scales every weight by what the reserve leaves and puts the reserve on the cash line', () => {
    const t = effectiveTargets(
      [
        { symbol: 'SPY', weight: 0.6 },
        { symbol: 'tlt ', weight: 0.4 },
      ],
      25,
    );
    expect(t.weights.SPY).toBeCloseTo(0.45, 12);
    expect(t.weights.TLT).toBeCloseTo(0.3, 12);
    expect(t.cash).toBeCloseTo(0.25, 12);
  });

  it('adds what the allocation leaves unallocated to the cash target', () => {
    const t = effectiveTargets([{ symbol: 'SPY', weight: 0.8 }], 10);
    expect(t.weights.SPY).toBeCloseTo(0.72, 12);
    expect(t.cash).toBeCloseTo(0.28, 12);
  });

  it('refuses a reserve outside 0..100 by naming it', () => {
    expect(() => effectiveTargets([], 150)).toThrow(/cashReservePercent is 150/);
  });
});
