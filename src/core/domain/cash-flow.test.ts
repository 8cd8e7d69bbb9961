import { describe, expect, it } from 'vitest';
import { cashOfFills, detectCashFlow } from './cash-flow';

describe('detectCashFlow', () => {
  it('explains a change by the fills and commissions: a fill is never a cash flow', () => {
    // Sold 10 × 100 = 1 000, bought 5 × 300 = 1 500, commissions 1 + 1.25: cash 10 000 → 9 497.75.
    const fills = [
      { side: 'SELL' as const, shares: 10, price: 100, commission: 1 },
      { side: 'BUY' as const, shares: 5, price: 300, commission: 1.25 },
    ];
    expect(cashOfFills(fills)).toBe(-502.25);
    expect(detectCashFlow(10_000, 9_497.75, fills, 0.01)).toBeNull();
  });

  it('finds a deposit and a withdrawal beside fills, signed, to the cent', () => {
    const fills = [{ side: 'BUY' as const, shares: 10, price: 50, commission: 1 }];
    expect(detectCashFlow(1_000, 1_000 - 501 + 2_500, fills, 500)).toBe(2_500);
    expect(detectCashFlow(10_000, 9_000.005, [], 500)).toBe(-1_000);
  });

  it('leaves out a change below the minimum (interest, a commission not reported yet)', () => {
    expect(detectCashFlow(10_000, 10_499.99, [], 500)).toBeNull();
    expect(detectCashFlow(10_000, 9_999, [{ side: 'SELL', shares: 0, price: 0, commission: null }], 500)).toBeNull();
    expect(detectCashFlow(10_000, 10_500, [], 500)).toBe(500);
  });
});
