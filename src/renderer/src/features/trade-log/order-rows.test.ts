import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../../../shared/dto';
import { matchesSearch, orderRows } from './order-rows';

function trade(overrides: Partial<TradeRecord> & { id: string; at: string }): TradeRecord {
  return {
    kind: 'order',
    eventId: 'sig-1:DU123456',
    accountId: 'DU123456',
    symbol: 'SPY',
    side: 'BUY',
    quantity: 10,
    orderType: 'MKT',
    orderRef: 'rd:sig-1',
    orderId: 7,
    permId: 9001,
    status: 'PreSubmitted',
    fillPrice: null,
    commission: null,
    ...overrides,
  };
}

describe('orderRows', () => {
  const records = [
    trade({ id: 'a', at: '2026-01-02T15:00:00.000Z' }),
    trade({ id: 'b', at: '2026-01-02T15:00:01.000Z', status: 'Submitted' }),
    trade({ id: 'c', at: '2026-01-02T15:00:02.000Z', kind: 'fill', quantity: 4, fillPrice: 500, commission: 0.5 }),
    trade({ id: 'd', at: '2026-01-02T15:00:03.000Z', kind: 'fill', quantity: 6, fillPrice: 510, commission: 0.5 }),
    trade({ id: 'e', at: '2026-01-02T15:00:04.000Z', status: 'Filled', fillPrice: 506 }),
    trade({ id: 'f', at: '2026-01-02T15:01:00.000Z', symbol: 'TLT', side: 'SELL', orderId: 8, permId: 9002 }),
  ];

  it('folds an order’s status updates and fills into one row, newest order first', () => {
    const rows = orderRows(records);
    expect(rows.map((r) => r.symbol)).toEqual(['TLT', 'SPY']);
    expect(rows[1]).toMatchObject({
      quantity: 10,
      filled: 10,
      fills: 2,
      status: 'Filled',
      avgFillPrice: 506,
      value: 5060,
      commission: 1,
      at: '2026-01-02T15:00:00.000Z',
    });
    expect(rows[0]).toMatchObject({ status: 'PreSubmitted', filled: 0, value: null, commission: null });
  });

  it('finds orders by symbol, order id or event', () => {
    const [tlt, spy] = orderRows(records);
    expect(matchesSearch(spy!, 'spy')).toBe(true);
    expect(matchesSearch(tlt!, 'spy')).toBe(false);
    expect(matchesSearch(tlt!, '8')).toBe(true);
    expect(matchesSearch(spy!, 'sig-1')).toBe(true);
  });
});
