import { describe, expect, it } from 'vitest';
import type { EventRecord, OrderRecord } from './dto';
import { lastResultOf, resultSummary } from './result-summary';

function event(overrides: Partial<EventRecord>): EventRecord {
  return {
    id: 'e-1',
    eventId: 'e-1',
    accountId: 'DU123456',
    command: 'rebalance',
    strategy: 'etf-blend-200-35',
    source: 'manual',
    payload: {},
    status: 'done',
    timesQueued: 1,
    createdAt: '2025-01-02T14:00:00.000Z',
    updatedAt: '2025-01-02T14:01:00.000Z',
    nextAttemptAt: null,
    lastError: null,
    result: null,
    ...overrides,
  } as EventRecord;
}

function order(status: string, filled: number, remaining: number): OrderRecord {
  return {
    orderId: 1,
    symbol: 'SPY',
    side: 'BUY',
    quantity: filled + remaining,
    status,
    filled,
    remaining,
  } as OrderRecord;
}

describe('resultSummary', () => {
  it('says a raise-cash that sold nothing found the cash already there, not that it was at target', () => {
    expect(resultSummary(event({ command: 'raise-cash', result: { orders: [] } }))).toBe('cash already covers it');
    expect(resultSummary(event({ command: 'raise-cash', result: { orders: [order('Filled', 3, 0)] } }))).toBe(
      '1/1 filled',
    );
  });

  it('counts the filled orders of a rebalance', () => {
    const orders = [order('Filled', 10, 0), order('Filled', 5, 0), order('Cancelled', 0, 3)];
    expect(resultSummary(event({ result: { orders } }))).toBe('2/3 filled');
  });

  it('says a rebalance without orders found the account at target', () => {
    expect(resultSummary(event({ result: { orders: [], plan: { rows: [] } } }))).toBe('already at target');
  });

  it('says a rejected approval was rejected by the trader', () => {
    expect(resultSummary(event({ result: { rejectedByTrader: true, plan: { rows: [] } } }))).toBe('rejected by trader');
  });

  it('names the fractions left to close in TWS', () => {
    const result = { orders: [order('Filled', 200, 0)], residuals: [{ symbol: 'TLT', shares: 0.4 }] };
    expect(resultSummary(event({ result }))).toBe('1/1 filled; close in TWS: 0.4 TLT');
  });
});

describe('lastResultOf', () => {
  it('keeps the last rebalance result on the card when a lookup finishes', () => {
    for (const command of ['print-positions', 'print-equity', 'print-orders', 'print-rebalance'] as const) {
      expect(lastResultOf(event({ command, result: { positions: [] } }))).toBeNull();
    }
  });

  it("records a rebalance's outcome, and a failure's reason", () => {
    expect(lastResultOf(event({ result: { orders: [order('Filled', 1, 0)] } }))).toMatchObject({
      ok: true,
      summary: '1/1 filled',
      command: 'rebalance',
    });
    const failed = event({
      status: 'delayed',
      lastError: { kind: 'transient', message: 'gateway down', at: '2025-01-02T14:01:00.000Z' },
    });
    expect(lastResultOf(failed)).toMatchObject({ ok: false, summary: 'transient: gateway down' });
  });
});
