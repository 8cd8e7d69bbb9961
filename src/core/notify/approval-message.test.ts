import { describe, expect, it } from 'vitest';
import type { Plan, PlanRow } from '../../shared/dto';
import { awaitingApprovalNotification } from './approval-message';

const row = (symbol: string, order: PlanRow['order'], estimatedValue: number): PlanRow => ({
  symbol,
  currentShares: 0,
  currentValue: 0,
  currentWeight: 0,
  targetWeight: 0.5,
  targetShares: 0,
  price: 100,
  delta: 0,
  order,
  estimatedValue,
});

const plan: Plan = {
  accountId: 'DU111111',
  strategy: 's',
  asOf: null,
  netLiquidation: 100_000,
  accountCash: 0,
  cashReservePercent: 1,
  investable: 99_000,
  rows: [
    row('SPY', { side: 'BUY', quantity: 100 }, 50_125.5),
    row('TLT', { side: 'SELL', quantity: 30 }, -2_700),
    row('GLD', null, 0),
  ],
  warnings: [],
  createdAt: '2026-03-02T15:00:00.000Z',
};

describe('awaitingApprovalNotification', () => {
  it('names the account, the number of orders and their value, and when the timer trades', () => {
    const n = awaitingApprovalNotification(
      'Family IRA',
      plan,
      { requestedAt: 'x', autoApproveAt: '2026-03-02T15:10:00.000Z', planHash: 'h', minutes: 10 },
      'e1',
    );
    expect(n.title).toBe('Rebalance of Family IRA awaits approval');
    expect(n.body).toContain('2 orders worth 52,825.50 in total');
    expect(n.body).toContain('2026-03-02T15:10:00.000Z');
    expect(n).toMatchObject({ eventId: 'e1', accountId: 'DU111111' });
  });

  it('says a confirm account trades only when approved', () => {
    const n = awaitingApprovalNotification(
      'DU111111',
      plan,
      { requestedAt: 'x', autoApproveAt: null, planHash: 'h', minutes: null },
      'e1',
    );
    expect(n.body).toContain('only when you approve');
  });
});
