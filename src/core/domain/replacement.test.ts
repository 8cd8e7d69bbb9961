import { describe, expect, it } from 'vitest';
import type { Allocation } from '../../shared/dto';
import { applyReplacements } from './replacement';

const asRecord = (allocations: Allocation[]) => Object.fromEntries(allocations.map((a) => [a.symbol, a.weight]));
const total = (allocations: Allocation[]) => allocations.reduce((sum, a) => sum + a.weight, 0);

describe('applyReplacements', () => {
  it('replaces a source by its target at the same weight with scale 1', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'DBC', weight: 0.2 },
        { symbol: 'SPY', weight: 0.8 },
      ],
      [{ source: 'DBC', target: 'PDBC', scale: 1 }],
    );
    expect(allocations).toEqual([
      { symbol: 'PDBC', weight: 0.2 },
      { symbol: 'SPY', weight: 0.8 },
    ]);
  });

  it('reduces the other weights proportionally when a scale of 1.5 takes the total above 100 %', () => {
    const { allocations, notes } = applyReplacements(
      [
        { symbol: 'DBC', weight: 0.2 },
        { symbol: 'SPY', weight: 0.4 },
        { symbol: 'TLT', weight: 0.4 },
      ],
      [{ source: 'dbc', target: 'pdbc', scale: 1.5 }],
    );
    const w = asRecord(allocations);
    expect(w.PDBC).toBeCloseTo(0.3, 12);
    expect(w.SPY).toBeCloseTo(0.35, 12);
    expect(w.TLT).toBeCloseTo(0.35, 12);
    expect(total(allocations)).toBeCloseTo(1, 12);
    expect(notes).toContain('other weights reduced by 12.50 % so the total is 100 %');
  });

  it('leaves a total below 100 % alone when the scale shrinks the weight', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'DBC', weight: 0.2 },
        { symbol: 'SPY', weight: 0.8 },
      ],
      [{ source: 'DBC', target: 'PDBC', scale: 0.5 }],
    );
    expect(asRecord(allocations)).toEqual({ PDBC: 0.1, SPY: 0.8 });
  });

  it('merges two sources that share a target', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'DBC', weight: 0.1 },
        { symbol: 'GSG', weight: 0.1 },
        { symbol: 'SPY', weight: 0.8 },
      ],
      [
        { source: 'DBC', target: 'PDBC', scale: 1 },
        { source: 'GSG', target: 'PDBC', scale: 1 },
      ],
    );
    expect(asRecord(allocations)).toEqual({ PDBC: 0.2, SPY: 0.8 });
  });

  it('merges a target that is also a target of the strategy, reducing only its own part', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'DBC', weight: 0.2 },
        { symbol: 'PDBC', weight: 0.2 },
        { symbol: 'SPY', weight: 0.6 },
      ],
      [{ source: 'DBC', target: 'PDBC', scale: 2 }],
    );
    const w = asRecord(allocations);
    // Replacement part 0.4 is kept; the others (0.2 + 0.6) shrink to 0.6: factor 0.75.
    expect(w.PDBC).toBeCloseTo(0.4 + 0.15, 12);
    expect(w.SPY).toBeCloseTo(0.45, 12);
    expect(total(allocations)).toBeCloseTo(1, 12);
  });

  it('does not replace transitively', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'A', weight: 0.5 },
        { symbol: 'B', weight: 0.5 },
      ],
      [
        { source: 'A', target: 'B', scale: 1 },
        { source: 'B', target: 'C', scale: 1 },
      ],
    );
    expect(asRecord(allocations)).toEqual({ B: 0.5, C: 0.5 });
  });

  it('scales the replacements to 100 % when they alone exceed it', () => {
    const { allocations } = applyReplacements(
      [
        { symbol: 'A', weight: 0.8 },
        { symbol: 'B', weight: 0.2 },
      ],
      [{ source: 'A', target: 'X', scale: 2 }],
    );
    expect(asRecord(allocations)).toEqual({ X: 1, B: 0 });
  });

  it('rejects a set naming the same source twice, or a scale that is not positive', () => {
    const allocations = [{ symbol: 'A', weight: 1 }];
    expect(() =>
      applyReplacements(allocations, [
        { source: 'A', target: 'B', scale: 1 },
        { source: 'a', target: 'C', scale: 1 },
      ]),
    ).toThrow(expect.objectContaining({ kind: 'invalid' }));
    expect(() => applyReplacements(allocations, [{ source: 'A', target: 'B', scale: 0 }])).toThrow(
      expect.objectContaining({ kind: 'invalid' }),
    );
  });
});
