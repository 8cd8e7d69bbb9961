import { describe, expect, it } from 'vitest';
import type { Allocation } from '../../shared/dto';
import { validateAllocations } from './allocations';

const invalid = (message: RegExp) =>
  expect.objectContaining({ kind: 'invalid', message: expect.stringMatching(message) });

describe('validateAllocations', () => {
  it('trims and upper-cases symbols and keeps the weights', () => {
    const result = validateAllocations([
      { symbol: ' spy ', weight: 0.6 },
      { symbol: 'tlt', weight: 0.4 },
    ]);
    expect(result).toEqual({
      allocations: [
        { symbol: 'SPY', weight: 0.6 },
        { symbol: 'TLT', weight: 0.4 },
      ],
      total: 1,
      warnings: [],
    });
  });

  it('warns how much is left in cash when the weights add up to 90 %', () => {
    const result = validateAllocations([{ symbol: 'SPY', weight: 0.9 }]);
    expect(result.warnings).toEqual(['10.00 % left in cash (allocations add up to 90.00 %)']);
  });

  it('accepts a total up to 101 % without a warning', () => {
    expect(
      validateAllocations([
        { symbol: 'A', weight: 0.505 },
        { symbol: 'B', weight: 0.505 },
      ]).warnings,
    ).toEqual([]);
  });

  it('rejects weights adding up to 120 % as invalid', () => {
    expect(() =>
      validateAllocations([
        { symbol: 'A', weight: 0.6 },
        { symbol: 'B', weight: 0.6 },
      ]),
    ).toThrow(invalid(/add up to 120\.00 %, more than 101\.00 %/));
  });

  it.each([
    { name: 'above 1', weight: 1.7, message: /allocations\[0\]\.weight \(A\) is 1\.7, must be between 0 and 1/ },
    { name: 'negative', weight: -0.1, message: /is -0\.1, must be between 0 and 1/ },
    { name: 'not a number', weight: Number.NaN, message: /is NaN/ },
    { name: 'a string', weight: '0.5' as unknown as number, message: /is 0\.5, must be between/ },
  ])('rejects a weight that is $name', ({ weight, message }) => {
    expect(() => validateAllocations([{ symbol: 'A', weight }])).toThrow(invalid(message));
  });

  it('rejects an empty symbol, naming its place in the list', () => {
    expect(() =>
      validateAllocations([
        { symbol: 'A', weight: 0.5 },
        { symbol: '  ', weight: 0.5 },
      ]),
    ).toThrow(invalid(/allocations\[1\]\.symbol/));
  });

  it('rejects an empty list so a glitch never reads as "sell everything"', () => {
    expect(() => validateAllocations([])).toThrow(invalid(/empty/));
  });

  it('merges a symbol listed twice by adding its weights, with a warning', () => {
    const result = validateAllocations([
      { symbol: 'SPY', weight: 0.3 },
      { symbol: 'TLT', weight: 0.4 },
      { symbol: 'spy', weight: 0.3 },
    ] satisfies Allocation[]);
    expect(result.allocations).toEqual([
      { symbol: 'SPY', weight: 0.6 },
      { symbol: 'TLT', weight: 0.4 },
    ]);
    expect(result.warnings).toEqual(['SPY is listed more than once; its weights were added']);
  });
});
