import { afterEach, describe, expect, it } from 'vitest';
import { IbError, NoContractError } from './ib-errors';
import { toQuote } from './market-data';
import {
  closeHarness,
  ACCOUNT,
  OTHER_ACCOUNT,
  rejectionOf,
  startHarness,
  until,
  type Harness,
} from './test-harness.test-support';

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

describe('toQuote', () => {
  const base = { bid: null, ask: null, last: null, close: null, marketDataType: 1 };
  it('marks at the midpoint, else last, else close, else not at all', () => {
    expect(toQuote('A', { ...base, bid: 10, ask: 10.2, last: 9 })?.mark).toBeCloseTo(10.1);
    expect(toQuote('A', { ...base, bid: 10, ask: -1, last: 9, close: 8 })?.mark).toBe(9);
    expect(toQuote('A', { ...base, bid: 0, ask: 0, last: 0, close: 8 })?.mark).toBe(8);
    expect(toQuote('A', { ...base, bid: 0, ask: 0, last: -1, close: 0 })).toBeNull();
  });
});

describe('account data', () => {
  it('reads every account from one All summary and one positions subscription, cancelled once idle', async () => {
    harness = await startHarness();
    const client = await harness.connect({ accountIdleMs: 300 });
    const gw = harness.gw;
    const [equity, other, positions, otherPositions] = await Promise.all([
      client.getEquity(ACCOUNT),
      client.getEquity(OTHER_ACCOUNT),
      client.getPositions(ACCOUNT),
      client.getPositions(OTHER_ACCOUNT),
    ]);
    expect(equity).toMatchObject({ accountId: ACCOUNT, totalCashValue: 100_000, currency: 'USD' });
    expect(equity.netLiquidation).toBeGreaterThan(100_000);
    expect(equity.buyingPower).toBeGreaterThan(0);
    expect(equity.availableFunds).toBeGreaterThan(0);
    expect(other.totalCashValue).toBe(50_000);
    expect(positions.map((p) => [p.symbol, p.quantity, p.avgCost, p.conId]).sort()).toEqual([
      ['SPY', 50, 450, 756733],
      ['TLT', 200, 92, 15547841],
    ]);
    expect(positions.every((p) => p.accountId === ACCOUNT)).toBe(true);
    expect(otherPositions).toMatchObject([{ symbol: 'QQQ', quantity: 20 }]);
    // read again: answered from the subscriptions
    await Promise.all([1, 2, 3].map(() => client.getEquity(ACCOUNT)));
    await client.getPositions(ACCOUNT);
    const stats = gw.messageStats().byMsgId;
    expect([stats[62], stats[61], stats[74] ?? 0]).toEqual([1, 1, 0]);
    await until(() => gw.messageStats().byMsgId[63] === 1 && gw.messageStats().byMsgId[64] === 1, 3_000, 'cancels');
    expect(harness.messages.some((m) => m.code === 322)).toBe(false);
    // the next read subscribes again
    expect((await client.getEquity(OTHER_ACCOUNT)).totalCashValue).toBe(50_000);
    expect(gw.messageStats().byMsgId[62]).toBe(2);
  });

  it.each([true, false])(
    'sizes from data that reflects a fill: position and cash right after the fill (summary pushed: %s)',
    async (summaryPushes) => {
      harness = await startHarness({ summaryPushes });
      const client = await harness.connect();
      const before = await client.getEquity(ACCOUNT);
      expect((await client.getPositions(ACCOUNT)).find((p) => p.symbol === 'SPY')?.quantity).toBe(50);
      const order = await client.placeOrder({
        accountId: ACCOUNT,
        symbol: 'SPY',
        side: 'BUY',
        quantity: 10,
        type: 'MKT',
        tif: 'DAY',
        outsideRth: false,
        orderRef: 'rd:test',
      });
      const [filled] = await client.waitForFills([order.orderId], 3_000);
      expect(filled?.status).toBe('Filled');
      const [after, positions] = await Promise.all([client.getEquity(ACCOUNT), client.getPositions(ACCOUNT)]);
      expect(positions.find((p) => p.symbol === 'SPY')?.quantity).toBe(60);
      expect(after.totalCashValue).toBeLessThan(before.totalCashValue - 10 * 500);
      // without pushes the summary is asked for again (cancel + request), never read stale
      expect(harness.gw.messageStats().byMsgId[62]).toBe(summaryPushes ? 1 : 2);
    },
  );

  it("sees another client's change of a position, and the cash that goes with it", async () => {
    harness = await startHarness({ summaryPushes: false });
    const client = await harness.connect();
    await client.getEquity(ACCOUNT);
    await client.getPositions(ACCOUNT);
    harness.gw.setPosition(ACCOUNT, { symbol: 'SPY', quantity: 70, avgCost: 450 });
    await until(() => harness?.gw.messageStats().byMsgId[62] === 1, 1_000, 'summary');
    let spy = 0;
    await until(
      () => {
        void client.getPositions(ACCOUNT).then((p) => (spy = p.find((x) => x.symbol === 'SPY')?.quantity ?? 0));
        return spy === 70;
      },
      3_000,
      'the new position',
    );
    await client.getEquity(ACCOUNT);
    expect(harness.gw.messageStats().byMsgId[62]).toBe(2);
  });

  it('fails equity of an account the gateway does not manage as invalid', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const error = await rejectionOf(client.getEquity('DU9999999'));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'invalid' });
  });
});

describe('contracts', () => {
  it('resolves a symbol once per session and fails an unknown one as invalid (200)', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const [spy, again] = await Promise.all([client.resolveContract('SPY'), client.resolveContract('spy')]);
    expect(spy).toMatchObject({
      conId: 756733,
      symbol: 'SPY',
      primaryExchange: 'ARCA',
      currency: 'USD',
      minTick: 0.01,
    });
    expect(spy.liquidHours).not.toBe('');
    expect(spy.tradingHours).not.toBe('');
    expect(spy.timeZoneId).not.toBe('');
    expect(again).toBe(spy);
    await client.resolveContract('SPY');
    expect(harness.gw.messageStats().byMsgId[9]).toBe(1);
    const error = await rejectionOf(client.resolveContract('NOPE'));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'invalid', code: 200 });
  });
});

describe('quotes', () => {
  it('prices every symbol by midpoint, last or close, live', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const quotes = await client.getQuotes(['SPY', 'GLD', 'BIL', 'spy']);
    expect([...quotes.keys()].sort()).toEqual(['BIL', 'GLD', 'SPY']);
    expect(quotes.get('SPY')).toMatchObject({ bid: 500, ask: 500.1, marketDataType: 1 });
    expect(quotes.get('SPY')?.mark).toBeCloseTo(500.05);
    expect(quotes.get('GLD')?.mark).toBe(378.9);
    expect(quotes.get('BIL')?.mark).toBe(91.5);
  });

  it('never makes up a price: a symbol without one fails the call, naming it, unless allowed', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const error = await rejectionOf(client.getQuotes(['SPY', 'DEAD']));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as Error).message).toContain('DEAD');
    const some = await client.getQuotes(['SPY', 'DEAD'], { allowMissing: true });
    expect([...some.keys()]).toEqual(['SPY']);
    // §24: a symbol IB has no contract for is never a missing price, allowed or not: invalid, naming it.
    const unknown = await rejectionOf(client.getQuotes(['SPY', 'DEAD', 'NOPE'], { allowMissing: true }));
    expect(unknown).toBeInstanceOf(NoContractError);
    expect(unknown).toMatchObject({ kind: 'invalid', code: 200, symbols: ['NOPE'] });
    expect((unknown as Error).message).toContain(
      'IB has no contract for NOPE: fix the strategy or add a replacement set',
    );
  });

  it('keeps one streaming line per symbol for every caller, reads changes live, and cancels it when idle', async () => {
    harness = await startHarness();
    const client = await harness.connect({ quoteIdleMs: 300 });
    const gw = harness.gw;
    const before = gw.messageStats().byMsgId[1] ?? 0;
    const all = await Promise.all([1, 2, 3, 4].map(() => client.getQuotes(['SPY', 'GLD', 'QQQ'])));
    expect(all.every((q) => q.get('SPY')?.mark === all[0]?.get('SPY')?.mark)).toBe(true);
    expect((gw.messageStats().byMsgId[1] ?? 0) - before).toBe(3);
    expect(client.marketData.streaming.sort()).toEqual(['GLD', 'QQQ', 'SPY']);

    gw.setQuote('SPY', { bid: 510, ask: 510.1 });
    let mark = 0;
    await until(
      () => {
        void client.getQuotes(['SPY']).then((q) => (mark = q.get('SPY')?.mark ?? 0));
        return Math.abs(mark - 510.05) < 1e-9;
      },
      2_000,
      'the new quote',
    );
    expect((gw.messageStats().byMsgId[1] ?? 0) - before).toBe(3);

    await until(() => gw.messageStats().byMsgId[2] === 3, 3_000, 'three cancels');
    expect(client.marketData.streaming).toEqual([]);
    await client.getQuotes(['SPY']);
    expect((gw.messageStats().byMsgId[1] ?? 0) - before).toBe(4);
  });

  it('prices by snapshots when the gateway has no streaming line left (101)', async () => {
    harness = await startHarness({ maxMktDataLines: 1 });
    const client = await harness.connect();
    const quotes = await client.getQuotes(['SPY', 'QQQ', 'TLT']);
    expect([...quotes.keys()].sort()).toEqual(['QQQ', 'SPY', 'TLT']);
    expect(quotes.get('TLT')?.mark).toBeCloseTo(90.01);
    expect(harness.messages.some((m) => m.code === 101)).toBe(true);
  });

  it('falls back to delayed data when not entitled to live data, and stays delayed', async () => {
    harness = await startHarness({ entitlement: 'delayed-only' });
    const client = await harness.connect();
    const quotes = await client.getQuotes(['SPY', 'QQQ', 'GLD']);
    expect(quotes.size).toBe(3);
    expect(quotes.get('SPY')?.mark).toBeCloseTo(500.05);
    expect([...quotes.values()].every((q) => q.marketDataType === 3)).toBe(true);
    expect(client.marketData.marketDataType).toBe(3);
    const refusals = harness.messages.filter((m) => m.code === 354).length;
    const later = await client.getQuotes(['TLT']);
    expect(later.get('TLT')?.marketDataType).toBe(3);
    expect(harness.messages.filter((m) => m.code === 354).length).toBe(refusals);
  });
});
