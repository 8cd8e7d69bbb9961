import { describe, expect, it } from 'vitest';
import type { Plan } from '../../shared/dto';
import { parseTradingHours } from './market-hours';
import { boughtToday, nextSessionOpen, PDT_NOTE, pdtApplies, pdtHeldSymbols } from './pdt';
import { ordersOf, planRebalance, type PlanInput } from './planner';

const quote = (price: number) => ({ bid: price, ask: price, last: price, close: price });

/** A $20 000 account that holds SPY (bought today) and TLT (held overnight) and is told to hold GLD only. */
function input(noSell?: ReadonlyMap<string, string>, phase: PlanInput['phase'] = 'all'): PlanInput {
  return {
    accountId: 'DU123456',
    strategy: 'growth-a',
    asOf: '2026-12-01',
    allocations: [{ symbol: 'GLD', weight: 1 }],
    netLiquidation: 20_000,
    cash: 2_000,
    positions: { SPY: 20, TLT: 100 },
    prices: { SPY: quote(500), TLT: quote(80), GLD: quote(200) },
    openOrdersOfOtherClients: [],
    cashReservePercent: 0,
    minTradeValue: 0,
    phase,
    now: '2026-12-01T16:00:00.000Z',
    ...(noSell ? { noSell } : {}),
  };
}

const lines = (plan: Plan) => ordersOf(plan).map((o) => `${o.side} ${o.quantity} ${o.symbol}`);

describe('the planner under the PDT guard', () => {
  it('sells everything and buys with the proceeds when nothing was bought today', () => {
    expect(lines(planRebalance(input()))).toEqual(['SELL 20 SPY', 'SELL 100 TLT', 'BUY 100 GLD']);
  });

  it('leaves the sell of a symbol bought today out with the PDT note, and sizes the buys without its proceeds', () => {
    const plan = planRebalance(input(new Map([['SPY', PDT_NOTE]])));
    // Cash 2 000 + TLT's 8 000 = 10 000 → 50 GLD; SPY's 10 000 is not counted.
    expect(lines(plan)).toEqual(['SELL 100 TLT', 'BUY 50 GLD']);
    const spy = plan.rows.find((r) => r.symbol === 'SPY');
    expect(spy).toMatchObject({ order: null, currentShares: 20, targetShares: 0 });
    expect(spy?.note).toContain('would be a day trade (PDT)');
    expect(pdtHeldSymbols(plan)).toEqual(['SPY']);
  });

  it('sells a symbol held overnight even while another one is held back', () => {
    const plan = planRebalance(input(new Map([['SPY', PDT_NOTE]]), 'sells'));
    expect(lines(plan)).toEqual(['SELL 100 TLT']);
  });

  it('never turns a buy into anything else: a buy of a symbol bought today still goes out', () => {
    const plan = planRebalance({ ...input(new Map([['GLD', PDT_NOTE]])), positions: {}, cash: 20_000 });
    expect(lines(plan)).toEqual(['BUY 100 GLD']);
    expect(pdtHeldSymbols(plan)).toEqual([]);
  });
});

describe('when the PDT guard applies', () => {
  it.each([
    { pdtGuard: true, dayTradesRemaining: 0, netLiquidation: 24_999.99, applies: true },
    { pdtGuard: true, dayTradesRemaining: 0, netLiquidation: 25_000, applies: false },
    { pdtGuard: true, dayTradesRemaining: 0, netLiquidation: 80_000, applies: false },
    { pdtGuard: true, dayTradesRemaining: -1, netLiquidation: 10_000, applies: false },
    { pdtGuard: true, dayTradesRemaining: 2, netLiquidation: 10_000, applies: false },
    { pdtGuard: true, dayTradesRemaining: null, netLiquidation: 10_000, applies: false },
    { pdtGuard: false, dayTradesRemaining: 0, netLiquidation: 10_000, applies: false },
  ])('guard $pdtGuard, $dayTradesRemaining day trades left, NAV $netLiquidation → $applies', (c) => {
    expect(pdtApplies(c)).toBe(c.applies);
  });

  it("takes the symbols bought in today's executions, not the ones only sold", () => {
    expect(
      boughtToday([
        { symbol: 'spy', side: 'BOT' },
        { symbol: 'TLT', side: 'SLD' },
        { symbol: 'SPY', side: 'BUY' },
        { symbol: 'GLD', side: 'BOT' },
      ]),
    ).toEqual(['GLD', 'SPY']);
  });

  it('retries at the open of the next session, not the one in progress', () => {
    const sessions = parseTradingHours('20261201:0930-20261201:1600;20261202:0930-20261202:1600', 'US/Eastern');
    expect(nextSessionOpen(sessions, new Date('2026-12-01T16:00:00Z'))?.toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(nextSessionOpen(sessions, new Date('2026-12-02T15:00:00Z'))).toBeNull();
  });
});
