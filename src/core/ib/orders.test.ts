import { afterEach, describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../shared/dto';
import { FillTimeoutError, IbError } from './ib-errors';
import type { PlaceOrderRequest } from './orders';
import { closeHarness, ACCOUNT, rejectionOf, startHarness, until, type Harness } from './test-harness.test-support';

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

function order(overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  return {
    accountId: ACCOUNT,
    symbol: 'SPY',
    side: 'BUY',
    quantity: 10,
    type: 'MKT',
    tif: 'DAY',
    outsideRth: false,
    orderRef: 'rd:evt-1',
    ...overrides,
  };
}

describe('placing orders', () => {
  it('sends a transmitted SMART order and reports its fill with price and commission', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const trades: TradeRecord[] = [];
    client.on('order', (t) => trades.push(t));
    client.on('fill', (t) => trades.push(t));
    const placed = await client.placeOrder(order());
    expect(placed.orderId).toBeGreaterThan(0);
    expect(placed.orderId).toBeLessThan(1_000_000_000);
    const [final] = await client.waitForFills([placed.orderId], 3_000);
    expect(final).toMatchObject({ status: 'Filled', filled: 10, remaining: 0, avgFillPrice: 500.1, symbol: 'SPY' });
    expect(final?.permId).toBeGreaterThan(0);

    const [sim] = harness.gw.orders({ clientId: client.clientId ?? -1 });
    expect(sim).toMatchObject({ transmit: true, whatIf: false, orderRef: 'rd:evt-1', accountId: ACCOUNT, tif: 'DAY' });
    await until(() => trades.some((t) => t.kind === 'fill'), 3_000, 'the fill event');
    const fill = trades.find((t) => t.kind === 'fill');
    expect(fill).toMatchObject({
      accountId: ACCOUNT,
      symbol: 'SPY',
      side: 'BUY',
      quantity: 10,
      fillPrice: 500.1,
      orderId: placed.orderId,
      eventId: 'evt-1',
      orderRef: 'rd:evt-1',
    });
    expect(fill?.commission).toBeGreaterThan(0);
    expect(fill?.id).toBe(harness.gw.fills()[0]?.execId);
    expect(trades.filter((t) => t.kind === 'order').map((t) => t.status)).toContain('Filled');
    expect(harness.gw.warnings()).toEqual([]);
  });

  it('sends a limit order that rests until the market reaches it, and a market-on-close order', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const limit = await client.placeOrder(order({ type: 'LMT', limitPrice: 499.5, tif: 'GTC', outsideRth: true }));
    expect(limit).toMatchObject({ type: 'LMT', limitPrice: 499.5, timeInForce: 'GTC' });
    await expect(client.waitForFills([limit.orderId], 150)).rejects.toBeInstanceOf(FillTimeoutError);
    harness.gw.setQuote('SPY', { bid: 499, ask: 499.4 });
    const [filled] = await client.waitForFills([limit.orderId], 3_000);
    expect(filled).toMatchObject({ status: 'Filled', filled: 10 });
    expect(filled?.avgFillPrice).toBeLessThanOrEqual(499.5);

    const close = await client.placeOrder(order({ symbol: 'TLT', side: 'SELL', type: 'MOC', quantity: 5 }));
    const [done] = await client.waitForFills([close.orderId], 3_000);
    expect(done).toMatchObject({ status: 'Filled', type: 'MOC', avgFillPrice: 90.01 });
    const sim = harness.gw.orders({ clientId: client.clientId ?? -1 });
    expect(sim.map((o) => [o.orderType, o.tif, o.outsideRth, o.lmtPrice, o.transmit])).toEqual([
      ['LMT', 'GTC', true, 499.5, true],
      ['MOC', 'DAY', false, null, true],
    ]);
    const invalid = await rejectionOf(client.placeOrder(order({ type: 'MOC', tif: 'GTC' })));
    expect(invalid).toMatchObject({ kind: 'invalid' });
  });

  it('ids new orders above the previous ones after a reconnect', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const first = await client.placeOrder(order());
    harness.gw.dropConnections();
    await until(() => client.state !== 'connected', 1_000, 'the drop');
    await client.whenConnected(3_000);
    const second = await client.placeOrder(order({ side: 'SELL', quantity: 5 }));
    expect(second.orderId).toBeGreaterThan(first.orderId);
    const [done] = await client.waitForFills([second.orderId], 3_000);
    expect(done).toMatchObject({ status: 'Filled', avgFillPrice: 500 });
  });

  it('rejects an order the gateway refuses with a typed rejected error carrying the IB code', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    harness.gw.rejectNextOrder({ symbol: 'SPY', code: 201, message: 'insufficient buying power' });
    const error = await rejectionOf(client.placeOrder(order()));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'rejected', code: 201 });
    const invalid = await rejectionOf(client.placeOrder(order({ type: 'LMT', limitPrice: null })));
    expect(invalid).toMatchObject({ kind: 'invalid' });
  });

  it('checks a batch with what-if orders: margin and commission, nothing placed for real', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const results = await client.whatIf([order(), order({ symbol: 'TLT', side: 'SELL', quantity: 20 })]);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ symbol: 'SPY', side: 'BUY', quantity: 10 });
    expect(results[0]?.commission).toBeGreaterThan(0);
    expect(results[0]?.initMarginChange).not.toBeNull();
    expect(harness.gw.orders().every((o) => o.whatIf)).toBe(true);
    expect(harness.gw.fills()).toEqual([]);
    expect(await client.listOpenOrders()).toEqual([]);
  });

  it('fails a what-if batch with the rejection and its IB code', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    harness.gw.rejectNextOrder({ symbol: 'TLT', code: 201, message: 'short sale not allowed' });
    const error = await rejectionOf(client.whatIf([order(), order({ symbol: 'TLT', side: 'SELL', quantity: 20_000 })]));
    expect(error).toBeInstanceOf(IbError);
    expect(error).toMatchObject({ kind: 'rejected', code: 201 });
    expect((error as Error).message).toContain('TLT');
  });
});

describe('waiting for fills', () => {
  it('follows a partial fill through to the rest', async () => {
    harness = await startHarness({ partialFills: 2, fillDelayMs: 100 });
    const client = await harness.connect();
    const fills: TradeRecord[] = [];
    client.on('fill', (t) => fills.push(t));
    const placed = await client.placeOrder(order({ quantity: 10 }));
    await until(() => (client.orders.get(placed.orderId)?.filled ?? 0) > 0, 3_000, 'the first part');
    const [final] = await client.waitForFills([placed.orderId], 3_000);
    expect(final).toMatchObject({ status: 'Filled', filled: 10, remaining: 0 });
    await until(() => fills.length === 2, 3_000, 'two fill events');
    expect(fills.reduce((sum, f) => sum + f.quantity, 0)).toBe(10);
    expect(new Set(fills.map((f) => f.id)).size).toBe(2);
    expect(fills.map((f) => f.status)).toEqual(['PartiallyFilled', 'Filled']);
  });

  it('gives up after the timeout with a partial error listing what filled', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const sold = await client.placeOrder(order({ side: 'SELL', symbol: 'TLT', quantity: 50 }));
    await client.waitForFills([sold.orderId], 3_000);
    harness.gw.holdFills(true);
    const held = await client.placeOrder(order({ symbol: 'QQQ', quantity: 3 }));
    const started = Date.now();
    const error = await rejectionOf(client.waitForFills([sold.orderId, held.orderId], 300));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(FillTimeoutError);
    expect(error).toMatchObject({ kind: 'partial' });
    const orders = (error as FillTimeoutError).orders;
    expect(orders.find((o) => o.orderId === sold.orderId)?.status).toBe('Filled');
    expect(orders.find((o) => o.orderId === held.orderId)?.status).not.toBe('Filled');
    expect((error as Error).message).toMatch(/1 of 2 orders/);
    const cancelled = await client.cancelOrder(held.orderId);
    expect(cancelled.status).toBe('Cancelled');
  });

  it('stops waiting at once with a transient error when the connection drops', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    harness.gw.holdFills(true);
    const held = await client.placeOrder(order());
    const waiting = rejectionOf(client.waitForFills([held.orderId], 10_000));
    harness.gw.dropConnections();
    const error = await waiting;
    expect(error).toMatchObject({ kind: 'transient', code: 504 });
  });
});

describe('open orders', () => {
  it("cancels this app's own orders of the account and leaves another client's order alone", async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const foreignId = harness.gw.addForeignOrder({
      clientId: 0,
      accountId: ACCOUNT,
      symbol: 'QQQ',
      action: 'BUY',
      totalQuantity: 7,
      orderType: 'LMT',
      lmtPrice: 300,
    });
    const a = await client.placeOrder(order({ type: 'LMT', limitPrice: 400, orderRef: 'rd:evt-2' }));
    const b = await client.placeOrder(
      order({ symbol: 'TLT', side: 'SELL', type: 'LMT', limitPrice: 120, orderRef: 'rd:evt-2' }),
    );
    const manual = await client.placeOrder(order({ type: 'LMT', limitPrice: 401, orderRef: 'manual' }));

    // Order ids are per client: an order is known by (clientId, orderId).
    const key = (o: { clientId: number | null; orderId: number }): string => `${o.clientId}:${o.orderId}`;
    const own = client.clientId;
    const open = await client.listOpenOrders(ACCOUNT);
    expect(open.map(key).sort()).toEqual(
      [`${own}:${a.orderId}`, `${own}:${b.orderId}`, `${own}:${manual.orderId}`, `0:${foreignId}`].sort(),
    );
    const foreign = open.find((o) => o.clientId === 0);
    expect(foreign).toMatchObject({
      orderId: foreignId,
      symbol: 'QQQ',
      side: 'BUY',
      quantity: 7,
      remaining: 7,
      filled: 0,
    });
    expect(open.find((o) => o.clientId === own && o.orderId === a.orderId)).toMatchObject({ remaining: 10, filled: 0 });

    const cancelled = await client.cancelOwnOpenOrders(ACCOUNT);
    expect(cancelled.map(key).sort()).toEqual([`${own}:${a.orderId}`, `${own}:${b.orderId}`].sort());
    expect(cancelled.every((o) => o.status === 'Cancelled')).toBe(true);
    const left = await client.listOpenOrders(ACCOUNT);
    expect(left.map(key).sort()).toEqual([`${own}:${manual.orderId}`, `0:${foreignId}`].sort());
    expect(harness.gw.orders({ clientId: 0 })[0]).toMatchObject({ status: 'Submitted', remaining: 7 });
    expect(await client.listOpenOrders('DU1000002')).toEqual([]);
  });

  it('sees and cancels its own orders from an earlier session (same client id)', async () => {
    harness = await startHarness();
    const first = await harness.connect({ clientId: 1777 });
    const resting = await first.placeOrder(order({ type: 'LMT', limitPrice: 300 }));
    await first.stop();
    const second = await harness.connect({ clientId: 1777 });
    const cancelled = await second.cancelOwnOpenOrders(ACCOUNT);
    expect(cancelled.map((o) => [o.orderId, o.status])).toEqual([[resting.orderId, 'Cancelled']]);
    expect(await second.listOpenOrders(ACCOUNT)).toEqual([]);
  });

  it('lists executions with prices and commissions', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const fills: TradeRecord[] = [];
    client.on('fill', (t) => fills.push(t));
    const buy = await client.placeOrder(order({ quantity: 4 }));
    const sell = await client.placeOrder(order({ symbol: 'TLT', side: 'SELL', quantity: 10 }));
    await client.waitForFills([buy.orderId, sell.orderId], 3_000);
    // Each fill event comes once its commission report is in: then the executions carry the commissions.
    await until(() => fills.length === 2, 3_000, 'both fill events with their commission reports');
    const all = await client.executions({ accountId: ACCOUNT });
    expect(all.map((f) => [f.symbol, f.side, f.shares, f.price]).sort()).toEqual([
      ['SPY', 'BUY', 4, 500.1],
      ['TLT', 'SELL', 10, 90],
    ]);
    expect(all.every((f) => f.clientId === client.clientId && f.orderRef === 'rd:evt-1')).toBe(true);
    expect(all.every((f) => (f.commission ?? 0) > 0)).toBe(true);
    expect(await client.executions({ symbol: 'TLT' })).toHaveLength(1);
  });
});
