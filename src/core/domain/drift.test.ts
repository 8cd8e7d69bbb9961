import { describe, expect, it } from 'vitest';
import { currentDrift, driftOfPlan } from './drift';
import { planRebalance } from './planner';

const AT = '2026-12-01T15:00:00.000Z';
const quote = (mark: number) => ({ bid: mark - 0.05, ask: mark + 0.05, last: mark, close: mark });

describe('currentDrift', () => {
  it('is the largest |current − target| weight in percentage points, from hand-worked positions', () => {
    // NAV 100 000: 100 SPY × 500 = 50 000 (50 %, target 60 %), 500 BND × 70 = 35 000 (35 %, target 40 %),
    // 10 GLD × 200 = 2 000 (2 %, no target), the rest cash.
    const drift = currentDrift({
      positions: { SPY: 100, BND: 500, GLD: 10 },
      netLiquidation: 100_000,
      targets: { SPY: 0.6, BND: 0.4 },
      prices: { SPY: quote(500), BND: quote(70), GLD: { bid: null, ask: null, last: null, close: 200 } },
      at: AT,
    });
    expect(drift).toEqual({
      percent: 10,
      at: AT,
      bySymbol: {
        BND: { current: 35, target: 40, diff: -5 },
        GLD: { current: 2, target: 0, diff: 2 },
        SPY: { current: 50, target: 60, diff: -10 },
      },
    });
  });

  it('counts a target not held as fully off and adds up repeated symbols', () => {
    const drift = currentDrift({
      positions: { spy: 30, SPY: 30 },
      netLiquidation: 40_000,
      targets: { SPY: 0.5, TLT: 0.25, tlt: 0.25 },
      prices: { SPY: quote(400), TLT: quote(90) },
      at: AT,
    });
    // 60 × 400 = 24 000 of 40 000 = 60 % against 50 %; TLT 0 % against 50 %.
    expect(drift.percent).toBe(50);
    expect(drift.bySymbol.SPY).toEqual({ current: 60, target: 50, diff: 10 });
    expect(drift.bySymbol.TLT).toEqual({ current: 0, target: 50, diff: -50 });
  });

  it('is 0 for an account exactly at target, and rounds to 0.0001 points', () => {
    expect(
      currentDrift({
        positions: { SPY: 99 },
        netLiquidation: 49_500,
        targets: { SPY: 1 },
        prices: { SPY: quote(500) },
        at: AT,
      }).percent,
    ).toBe(0);
    // 1 share of 3 at 1: 33.3333… % against 0.
    expect(
      currentDrift({ positions: { X: 1 }, netLiquidation: 3, targets: {}, prices: { X: quote(1) }, at: AT }).percent,
    ).toBe(33.3333);
  });

  it('refuses a symbol without a usable price, naming it, instead of measuring from a made-up mark', () => {
    expect(() =>
      currentDrift({
        positions: { SPY: 10, BND: 5 },
        netLiquidation: 10_000,
        targets: { SPY: 0.5, BND: 0.5 },
        prices: { SPY: quote(500), BND: { bid: null, ask: null, last: null, close: null } },
        at: AT,
      }),
    ).toThrow('no usable price for BND');
  });

  it('refuses an account without a positive net liquidation', () => {
    const input = { positions: {}, targets: { SPY: 1 }, prices: { SPY: quote(500) }, at: AT };
    expect(() => currentDrift({ ...input, netLiquidation: 0 })).toThrow('net liquidation is 0');
    expect(() => currentDrift({ ...input, netLiquidation: Number.NaN })).toThrow('net liquidation is not usable');
  });

  it('agrees with the drift of the plan a preview makes from the same account', () => {
    const positions = { SPY: 100, BND: 500 };
    const prices = { SPY: quote(500), BND: quote(70) };
    const plan = planRebalance({
      accountId: 'DU1',
      strategy: 's',
      asOf: null,
      allocations: [
        { symbol: 'SPY', weight: 0.6 },
        { symbol: 'BND', weight: 0.4 },
      ],
      netLiquidation: 100_000,
      cash: 15_000,
      positions,
      prices,
      openOrdersOfOtherClients: [],
      cashReservePercent: 1,
      minTradeValue: 0,
      phase: 'all',
      now: AT,
    });
    const fromPlan = driftOfPlan(plan);
    const direct = currentDrift({
      positions,
      netLiquidation: 100_000,
      targets: { SPY: 0.6, BND: 0.4 },
      prices,
      at: AT,
    });
    expect(fromPlan).toEqual(direct);
  });
});
