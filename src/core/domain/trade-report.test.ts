import { describe, expect, it } from 'vitest';
import type { Plan, PlanRow } from '../../shared/dto';
import { driftPercent, tradeReport, type ReportOrder } from './trade-report';

const row = (
  symbol: string,
  currentShares: number,
  currentWeight: number,
  targetWeight: number,
  targetShares: number,
  price: number,
): PlanRow => ({
  symbol,
  currentShares,
  currentValue: currentShares * price,
  currentWeight,
  targetWeight,
  targetShares,
  price,
  delta: targetShares - currentShares,
  order: null,
  estimatedValue: 0,
});

const plan = (rows: PlanRow[]): Plan => ({
  accountId: 'DU1',
  strategy: 's',
  asOf: '2026-11-20',
  netLiquidation: 100_000,
  accountCash: 0,
  cashReservePercent: 1,
  investable: 99_000,
  rows,
  warnings: [],
  createdAt: '',
});

// Hand-worked: $100 000 account holding 600 TLT at $100 (60 %); target 50 % SPY / 49 % TLT.
// SPY mark 500 → target 99 shares (49 500 / 500); TLT mark 100 → target 490 shares, sell 110.
const intended = plan([row('SPY', 0, 0, 0.5, 99, 500), row('TLT', 600, 0.6, 0.49, 490, 100)]);
// Sold 110 TLT at 99.90 (10 bp below the mark: against the trader), bought 99 SPY in two fills averaging 500.25.
const orders: ReportOrder[] = [
  { symbol: 'TLT', side: 'SELL', quantity: 110, filled: 110, avgFillPrice: 99.9, status: 'Filled' },
  { symbol: 'SPY', side: 'BUY', quantity: 99, filled: 99, avgFillPrice: 500.25, status: 'Filled' },
];
const fills = [
  { symbol: 'TLT', commission: 1.0 },
  { symbol: 'SPY', commission: 0.6 },
  { symbol: 'SPY', commission: 0.4 },
];
// After: 99 SPY, 490 TLT; NAV ≈ 100 000 − 11 (TLT) − 24.75 (SPY) − 2 commission: weights 49.5 % / 49 %.
const after = plan([row('SPY', 99, 0.495, 0.5, 99, 500.25), row('TLT', 490, 0.49, 0.49, 490, 99.9)]);

describe('tradeReport', () => {
  it('matches the hand-worked numbers per symbol', () => {
    const report = tradeReport(intended, after, orders, fills);
    expect(report.rows).toEqual([
      {
        symbol: 'SPY',
        targetShares: 99,
        finalShares: 99,
        residualShares: 0,
        planPrice: 500,
        avgFillPrice: 500.25,
        slippageBps: 5, // (500.25 − 500) / 500 = 5 bp above the mark on a buy
        commission: 1,
      },
      {
        symbol: 'TLT',
        targetShares: 490,
        finalShares: 490,
        residualShares: 0,
        planPrice: 100,
        avgFillPrice: 99.9,
        slippageBps: 10, // sold 0.10 below the mark of 100 = 10 bp against the trader
        commission: 1,
      },
    ]);
  });

  it('adds up the totals: turnover, commissions, slippage cost and drift before / after', () => {
    expect(tradeReport(intended, after, orders, fills).totals).toEqual({
      ordersSent: 2,
      ordersFilled: 2,
      turnover: 60_513.75, // 110 × 99.90 + 99 × 500.25 = 10 989 + 49 524.75
      commissions: 2,
      slippageCost: 35.75, // 110 × 0.10 + 99 × 0.25 = 11 + 24.75
      driftBefore: 50, // SPY 0 % against 50 %
      driftAfter: 0.5, // SPY 49.5 % against 50 %
    });
  });

  it('signs slippage in the trader’s favour negative, and leaves an unfilled symbol without prices', () => {
    const lucky: ReportOrder[] = [
      { symbol: 'SPY', side: 'BUY', quantity: 99, filled: 40, avgFillPrice: 499, status: 'Cancelled' },
      { symbol: 'TLT', side: 'SELL', quantity: 110, filled: 0, avgFillPrice: null, status: 'Cancelled' },
    ];
    const afterPartial = plan([row('SPY', 40, 0.2, 0.5, 99, 499), row('TLT', 600, 0.6, 0.49, 490, 100)]);
    const report = tradeReport(intended, afterPartial, lucky, []);
    expect(report.rows[0]).toMatchObject({ slippageBps: -20, residualShares: 59, commission: null, avgFillPrice: 499 });
    expect(report.rows[1]).toMatchObject({ avgFillPrice: null, slippageBps: null, residualShares: -110 });
    expect(report.totals).toMatchObject({ ordersSent: 2, ordersFilled: 0, slippageCost: -40, turnover: 19_960 });
  });

  it('reports drift in percentage points of the largest gap', () => {
    expect(driftPercent(plan([row('A', 1, 0.3, 0.25, 1, 1), row('B', 1, 0.7, 0.74, 1, 1)]))).toBe(5);
  });
});
