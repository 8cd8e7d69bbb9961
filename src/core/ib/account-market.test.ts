import { afterEach, describe, expect, it } from 'vitest';
import { IbError } from './ib-errors';
import { toQuote } from './market-data';
import { closeHarness, ACCOUNT, OTHER_ACCOUNT, rejectionOf, startHarness, until, type Harness } from './test-harness';

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
  it('reads equity from the account summary and always cancels the subscription', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const equity = await client.getEquity(ACCOUNT);
    expect(equity.accountId).toBe(ACCOUNT);
    expect(equity.totalCashValue).toBe(100_000);
    expect(equity.netLiquidation).toBeGreaterThan(100_000);
    expect(equity.buyingPower).toBeGreaterThan(0);
    expect(equity.availableFunds).toBeGreaterThan(0);
    expect(equity.currency).toBe('USD');
    // Five at once never exceed the 2-summary limit (error 322): they run one at a time.
    const many = await Promise.all(
      [ACCOUNT, OTHER_ACCOUNT, ACCOUNT, OTHER_ACCOUNT, ACCOUNT].map((a) => client.getEquity(a)),
    );
    expect(many.map((e) => e.accountId)).toEqual([ACCOUNT, OTHER_ACCOUNT, ACCOUNT, OTHER_ACCOUNT, ACCOUNT]);
    expect(many[1]?.totalCashValue).toBe(50_000);
    const gw = harness.gw;
    // The last cancel is still in the library's pacing queue when its answer resolves.
    await until(() => gw.messageStats().byMsgId[63] === 6, 1_000, 'six cancels');
    expect(gw.messageStats().byMsgId[62]).toBe(6);
    expect(harness.messages.some((m) => m.code === 322)).toBe(false);
  });

  it('fails equity of an account the gateway does not manage as invalid', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const error = await rejectionOf(client.getEquity('DU9999999'));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'invalid' });
  });

  it('reads positions of one account with positionsMulti and cancels it', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const positions = await client.getPositions(ACCOUNT);
    expect(positions.map((p) => [p.symbol, p.quantity, p.avgCost, p.conId]).sort()).toEqual([
      ['SPY', 50, 450, 756733],
      ['TLT', 200, 92, 15547841],
    ]);
    expect(positions.every((p) => p.accountId === ACCOUNT)).toBe(true);
    expect(await client.getPositions(OTHER_ACCOUNT)).toMatchObject([{ symbol: 'QQQ', quantity: 20 }]);
    const gw = harness.gw;
    await until(() => gw.messageStats().byMsgId[75] === 2, 1_000, 'two cancels');
    expect(gw.messageStats().byMsgId[74]).toBe(2);
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
    const some = await client.getQuotes(['SPY', 'DEAD', 'NOPE'], { allowMissing: true });
    expect([...some.keys()]).toEqual(['SPY']);
  });

  it('shares one snapshot per symbol between accounts asking at once, and asks again once the quote is old', async () => {
    harness = await startHarness();
    const client = await harness.connect({ quoteTtlMs: 300 });
    const gw = harness.gw;
    const before = gw.messageStats().byMsgId[1] ?? 0;
    const all = await Promise.all([1, 2, 3, 4].map(() => client.getQuotes(['SPY', 'GLD', 'QQQ'])));
    expect(all.every((q) => q.get('SPY')?.mark === all[0]?.get('SPY')?.mark)).toBe(true);
    expect((gw.messageStats().byMsgId[1] ?? 0) - before).toBe(3);

    gw.setQuote('SPY', { bid: 510, ask: 510.1 });
    await new Promise((r) => setTimeout(r, 400));
    const fresh = await client.getQuotes(['SPY']);
    expect(fresh.get('SPY')?.mark).toBeCloseTo(510.05);
    expect((gw.messageStats().byMsgId[1] ?? 0) - before).toBe(4);
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
