import { Contract, EventName, Order, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, onEvent, until } from './test-helpers.test-support';
import type { SimGatewayEvent, SimSymbol } from './types';

const h = new Harness();
afterEach(() => h.cleanup());

const stk = (symbol: string): Contract => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
const symbols: SimSymbol[] = [
  { symbol: 'AAA', conId: 1001, primaryExchange: 'ARCA', bid: 99.9, ask: 100.1, last: 100, close: 99 },
];
const buy = (qty: number, extra: Partial<Order> = {}): Order => ({
  action: OrderAction.BUY,
  orderType: OrderType.MKT,
  totalQuantity: qty,
  account: 'DU1',
  transmit: true,
  orderRef: 'rd:evt-1',
  ...extra,
});

describe('sim gateway: its own events (§17 kill placement)', () => {
  it('reports each accepted order once and each partial fill after its execution, but no what-if', async () => {
    const gw = await h.gateway({
      accounts: [{ accountId: 'DU1', cash: 100_000 }],
      symbols,
      partialFills: 3,
      fillIntervalMs: 20,
    });
    const events: SimGatewayEvent[] = [];
    const off = gw.onEvent((e) => events.push(e));
    const { api, nextId } = await h.connectClassic(gw, 7);
    const execs: number[] = [];
    onEvent(api, EventName.execDetails, (_r, _c, exec) => execs.push((exec as { shares: number }).shares));

    api.placeOrder(nextId, stk('AAA'), buy(30, { whatIf: true }));
    api.placeOrder(nextId + 1, stk('AAA'), buy(30));
    await until(() => gw.orders().find((o) => o.orderId === nextId + 1)?.status === 'Filled', 3000, 'the fill');
    await until(() => execs.length === 3, 3000, 'three executions at the client');

    expect(events.map((e) => e.type)).toEqual(['order-received', 'partial-fill', 'partial-fill']);
    const [received, first, second] = events as [
      Extract<SimGatewayEvent, { type: 'order-received' }>,
      Extract<SimGatewayEvent, { type: 'partial-fill' }>,
      Extract<SimGatewayEvent, { type: 'partial-fill' }>,
    ];
    expect(received.order).toMatchObject({ orderId: nextId + 1, clientId: 7, orderRef: 'rd:evt-1', whatIf: false });
    expect(first.fill).toMatchObject({ orderId: nextId + 1, shares: 10, side: 'BOT', orderRef: 'rd:evt-1' });
    expect(first.order).toMatchObject({ filled: 10, remaining: 20 });
    expect(second.order).toMatchObject({ filled: 20, remaining: 10 });

    // Unsubscribed: no more events; a listener that throws does not disturb the gateway.
    off();
    gw.onEvent(() => {
      throw new Error('boom');
    });
    api.placeOrder(nextId + 2, stk('AAA'), buy(3));
    await until(() => gw.orders().find((o) => o.orderId === nextId + 2)?.status === 'Filled', 3000, 'the fill');
    expect(events).toHaveLength(3);
    expect(gw.warnings().some((w) => w.includes('event listener failed on order-received: boom'))).toBe(true);
  });

  it('simulateRestart drops every client; with a rollback nextValidId restarts there but a used id still gets 103', async () => {
    const gw = await h.gateway({ accounts: [{ accountId: 'DU1', cash: 100_000 }], symbols });
    const first = await h.connectClassic(gw, 7);
    first.api.placeOrder(first.nextId, stk('AAA'), buy(1));
    first.api.placeOrder(first.nextId + 1, stk('AAA'), buy(1));
    await until(() => gw.fills().length === 2, 3000, 'two fills');

    gw.simulateRestart({ rollBackOrderIdsTo: first.nextId });
    await until(() => gw.connectedClients().length === 0, 3000, 'the connections dropped');
    const second = await h.connectClassic(gw, 7);
    expect(second.nextId).toBe(first.nextId);
    second.api.placeOrder(second.nextId, stk('AAA'), buy(1));
    await until(() => second.codes.errors.find((e) => e.code === 103), 3000, 'error 103');
    expect(second.codes.errors.find((e) => e.code === 103)).toMatchObject({
      id: first.nextId,
      message: 'Duplicate order id',
    });
    second.api.placeOrder(first.nextId + 2, stk('AAA'), buy(1));
    await until(() => gw.fills().length === 3, 3000, 'the fill of a fresh id');

    // A restart without a rollback: the answers follow the ids used again.
    gw.simulateRestart();
    await until(() => gw.connectedClients().length === 0, 3000, 'the connections dropped');
    const third = await h.connectClassic(gw, 7);
    expect(third.nextId).toBe(first.nextId + 3);
  });
});
