import { describe, expect, it } from 'vitest';
import { currentDrift, driftOfPlan } from './drift';
import { effectiveTargets } from './effective-targets';
import { planRebalance, type PriceSnapshot } from './planner';
import { tradeReport } from './trade-report';

const AT = '2026-12-01T15:00:00.000Z';
const quote = (mark: number) => ({ bid: mark - 0.05, ask: mark + 0.05, last: mark, close: mark });

describe('currentDrift', () => {
  it('is the largest |current − target| weight in percentage points over symbols and cash, hand-worked', () => {
    // NAV 100 000: 100 SPY × 500 = 50 000 (50 %, target 60 %), 500 BND × 70 = 35 000 (35 %, target 40 %),
    // 10 GLD × 200 = 2 000 (2 %, no target), the rest cash: 13 % against a target of 0 (§24: cash is a line too).
    const drift = currentDrift({
      positions: { SPY: 100, BND: 500, GLD: 10 },
      netLiquidation: 100_000,
      targets: { SPY: 0.6, BND: 0.4 },
      prices: { SPY: quote(500), BND: quote(70), GLD: { bid: null, ask: null, last: null, close: 200 } },
      at: AT,
    });
    expect(drift).toEqual({
      percent: 13,
      at: AT,
      bySymbol: {
        BND: { current: 35, target: 40, diff: -5 },
        GLD: { current: 2, target: 0, diff: 2 },
        SPY: { current: 50, target: 60, diff: -10 },
      },
      cash: { current: 13, target: 0, diff: 13 },
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
    const targets = effectiveTargets(
      [
        { symbol: 'SPY', weight: 0.6 },
        { symbol: 'BND', weight: 0.4 },
      ],
      1,
    );
    const direct = currentDrift({
      positions,
      netLiquidation: 100_000,
      targets: targets.weights,
      cashTarget: targets.cash,
      prices,
      at: AT,
    });
    expect(fromPlan).toEqual(direct);
    expect(direct.cash).toEqual({ current: 15, target: 1, diff: 14 });
  });
});

describe('drift with a 25 % cash reserve (§24), hand-worked', () => {
  // NAV 100 000; allocation SPY 60 %, TLT 40 %; reserve 25 % → effective targets SPY 45 %, TLT 30 %, cash 25 %.
  const allocations = [
    { symbol: 'SPY', weight: 0.6 },
    { symbol: 'TLT', weight: 0.4 },
  ];
  const last = (price: number): PriceSnapshot => ({ bid: null, ask: null, last: price, close: price });
  const prices = { SPY: last(500), TLT: last(100) };
  const planOf = (positions: Record<string, number>, cash: number) =>
    planRebalance({
      accountId: 'DU1',
      strategy: 's',
      asOf: null,
      allocations,
      netLiquidation: 100_000,
      cash,
      positions,
      prices,
      openOrdersOfOtherClients: [],
      cashReservePercent: 25,
      minTradeValue: 0,
      phase: 'all',
      now: AT,
    });

  it('before: SPY 50 % (+5), TLT 20 % (−10), cash 30 % (+5) → drift 10, and the plan trades towards those targets', () => {
    // 100 SPY × 500 = 50 000; 200 TLT × 100 = 20 000; cash 30 000.
    const before = planOf({ SPY: 100, TLT: 200 }, 30_000);
    const reading = driftOfPlan(before);
    expect(reading.bySymbol).toEqual({
      SPY: { current: 50, target: 45, diff: 5 },
      TLT: { current: 20, target: 30, diff: -10 },
    });
    expect(reading.cash).toEqual({ current: 30, target: 25, diff: 5 });
    expect(reading.percent).toBe(10);
    expect(before.cash).toEqual({ current: 30, target: 25, diff: 5 });
    // Each row's order goes the way its target says: SPY above its 45 % is sold, TLT below its 30 % is bought.
    const rows = Object.fromEntries(before.rows.map((r) => [r.symbol, r]));
    expect(rows.SPY).toMatchObject({ currentWeight: 0.5, targetShares: 90 });
    expect(rows.SPY?.targetWeight).toBeCloseTo(0.45, 12);
    expect(rows.SPY?.order).toEqual({ side: 'SELL', quantity: 10 });
    expect(rows.TLT).toMatchObject({ currentWeight: 0.2, targetShares: 300 });
    expect(rows.TLT?.targetWeight).toBeCloseTo(0.3, 12);
    expect(rows.TLT?.order).toEqual({ side: 'BUY', quantity: 100 });
  });

  it('after the rebalance: SPY 45 %, TLT 30 %, cash 25 % → drift 0, nothing left to do, report 10 → 0', () => {
    const before = planOf({ SPY: 100, TLT: 200 }, 30_000);
    // Sold 10 SPY at 500 (+5 000), bought 100 TLT at 100 (−10 000): cash 25 000.
    const after = planOf({ SPY: 90, TLT: 300 }, 25_000);
    expect(after.rows.filter((r) => r.order)).toEqual([]);
    const reading = driftOfPlan(after);
    expect(reading.percent).toBe(0);
    expect(reading.cash).toEqual({ current: 25, target: 25, diff: 0 });
    // The same account as the drift monitor reads it agrees with the plan.
    const targets = effectiveTargets(allocations, 25);
    expect(
      currentDrift({
        positions: { SPY: 90, TLT: 300 },
        netLiquidation: 100_000,
        targets: targets.weights,
        cashTarget: targets.cash,
        prices,
        at: AT,
      }),
    ).toEqual(reading);
    const report = tradeReport(
      before,
      after,
      [
        { symbol: 'SPY', side: 'SELL', quantity: 10, filled: 10, avgFillPrice: 500, status: 'Filled' },
        { symbol: 'TLT', side: 'BUY', quantity: 100, filled: 100, avgFillPrice: 100, status: 'Filled' },
      ],
      [],
    );
    expect(report.totals).toMatchObject({ driftBefore: 10, driftAfter: 0 });
  });

  it('a fill a little off the mark leaves drift within 1 point, cash included', () => {
    // Sold 10 SPY at 499, bought 99 TLT at 101 (scaled for cash): 90 SPY, 299 TLT, cash 24 991.
    const after = planOf({ SPY: 90, TLT: 299 }, 24_991);
    const reading = driftOfPlan(after);
    expect(reading.bySymbol.TLT).toEqual({ current: 29.9, target: 30, diff: -0.1 });
    expect(reading.cash).toEqual({ current: 25.1, target: 25, diff: 0.1 });
    expect(reading.percent).toBe(0.1);
  });
});
