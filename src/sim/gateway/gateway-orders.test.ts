import {
  Contract,
  EventName,
  IBApi,
  Order,
  OrderAction,
  OrderState,
  OrderType,
  SecType,
  TimeInForce,
} from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';
import type { SimAccount, SimSymbol } from './types';

const h = new Harness();
afterEach(() => h.cleanup());

const stk = (symbol: string): Contract => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
const symbols: SimSymbol[] = [
  { symbol: 'AAA', conId: 1001, primaryExchange: 'ARCA', bid: 99.9, ask: 100.1, last: 100, close: 99 },
  { symbol: 'BBB', conId: 1002, primaryExchange: 'NASDAQ', bid: 49.95, ask: 50.05, last: 50, close: 51 },
];
const accounts: SimAccount[] = [
  { accountId: 'DU1', kind: 'margin', cash: 10_000, positions: [{ symbol: 'BBB', quantity: 100, avgCost: 40 }] },
  { accountId: 'DU2', kind: 'cash', cash: 1_000 },
];

const mkt = (action: OrderAction, qty: number, account = 'DU1', extra: Partial<Order> = {}): Order => ({
  action,
  orderType: OrderType.MKT,
  totalQuantity: qty,
  account,
  transmit: true,
  ...extra,
});

/** Records the order-related events of a classic client as compact strings, in arrival order. */
function recordOrderEvents(api: IBApi): string[] {
  const log: string[] = [];
  onEvent(api, EventName.openOrder, (id, _c, order, state) => {
    log.push(`open ${id as number} ${(state as OrderState).status}${(order as Order).whatIf ? ' whatIf' : ''}`);
  });
  onEvent(api, EventName.orderStatus, (id, status, filled, remaining) =>
    log.push(`status ${id as number} ${status as string} ${filled as number}/${remaining as number}`),
  );
  onEvent(api, EventName.execDetails, (reqId, _c, exec) =>
    log.push(`exec ${reqId as number} ${(exec as { shares: number }).shares}`),
  );
  onEvent(api, EventName.commissionReport, () => log.push('commission'));
  return log;
}

describe('sim gateway: orders', () => {
  it('MKT buy fills at the ask and MKT sell at the bid with the documented lifecycle; cash and positions change', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 101);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 10, 'DU1', { orderRef: 'rd:evt-1' }));
    await until(() => log.includes('commission'));
    expect(log).toEqual([
      `open ${nextId} PreSubmitted`,
      `open ${nextId} Submitted`,
      `status ${nextId} Submitted 0/10`,
      `exec -1 10`,
      `status ${nextId} Filled 10/0`,
      `open ${nextId} Filled`,
      'commission',
    ]);
    expect(gw.positions('DU1')).toContainEqual({ symbol: 'AAA', quantity: 10, avgCost: 100.2 });
    expect(gw.cash('DU1')).toBeCloseTo(10_000 - 1001 - 1, 6);

    api.placeOrder(nextId + 1, stk('BBB'), mkt(OrderAction.SELL, 100));
    await until(() => gw.orders({ clientId: 101 }).find((o) => o.orderId === nextId + 1 && o.status === 'Filled'));
    expect(gw.positions('DU1').find((p) => p.symbol === 'BBB')).toBeUndefined();
    expect(gw.cash('DU1')).toBeCloseTo(10_000 - 1002 + 4995 - 1, 6);
    const fills = gw.fills({ accountId: 'DU1' });
    expect(fills.map((f) => [f.symbol, f.side, f.shares, f.price, f.orderRef])).toEqual([
      ['AAA', 'BOT', 10, 100.1, 'rd:evt-1'],
      ['BBB', 'SLD', 100, 49.95, ''],
    ]);
    const orders = gw.orders();
    expect(new Set(orders.map((o) => o.permId)).size).toBe(2);
    expect(orders.every((o) => o.permId > 0)).toBe(true);
  });

  it('LMT rests until setQuote makes it marketable, fills at the limit or better; re-sending the id modifies it', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 102);
    const log = recordOrderEvents(api);
    const lmt = (price: number, qty = 5): Order => ({
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: price,
      totalQuantity: qty,
      account: 'DU1',
      transmit: true,
      tif: TimeInForce.GTC,
    });
    api.placeOrder(nextId, stk('AAA'), lmt(99));
    await until(() => log.includes(`status ${nextId} Submitted 0/5`));
    await new Promise((r) => setTimeout(r, 30));
    expect(gw.orders()[0]?.status).toBe('Submitted');
    gw.setQuote('AAA', { bid: 98.7, ask: 98.9, last: 98.8 });
    await until(() => log.includes(`status ${nextId} Filled 5/0`));
    expect(gw.fills()[0]?.price).toBe(98.9);

    api.placeOrder(nextId + 1, stk('AAA'), lmt(90, 3));
    await until(() => log.includes(`status ${nextId + 1} Submitted 0/3`));
    api.placeOrder(nextId + 1, stk('AAA'), lmt(99.5, 4));
    await until(() => log.includes(`status ${nextId + 1} Filled 4/0`));
    expect(gw.orders().filter((o) => !o.whatIf)).toHaveLength(2);
    expect(gw.positions('DU1').find((p) => p.symbol === 'AAA')?.quantity).toBe(9);
  });

  it('what-if returns margin and commission without fill or state change', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 103);
    const log = recordOrderEvents(api);
    const got = nextEvent<[number, Contract, Order, OrderState]>(api, EventName.openOrder);
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 20, 'DU1', { whatIf: true }));
    const [id, , order, state] = await got;
    expect(id).toBe(nextId);
    expect(order.whatIf).toBe(true);
    expect(order.permId).toBe(0);
    expect(state.initMarginChange).toBeCloseTo(20 * 100 * 0.5, 2);
    expect(state.maintMarginChange).toBeCloseTo(20 * 100 * 0.25, 2);
    expect(state.initMarginBefore).toBeCloseTo(100 * 50 * 0.5, 2);
    expect(state.equityWithLoanAfter).toBeCloseTo(10_000 + 100 * 50 - 1, 2);
    expect(state.commission).toBe(1);
    expect(state.commissionCurrency).toBe('USD');
    await new Promise((r) => setTimeout(r, 30));
    expect(log).toEqual([`open ${nextId} PreSubmitted whatIf`]);
    expect(gw.cash('DU1')).toBe(10_000);
    expect(gw.fills()).toEqual([]);
    expect(gw.orders()).toMatchObject([{ orderId: nextId, whatIf: true, permId: 0 }]);
  });

  it('rejects with 201 (insufficient funds, quantity 0), 200, 321, 387, 103 and rejectNextOrder', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, codes, nextId } = await h.connectClassic(gw, 104);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 20, 'DU2'));
    await until(() => log.includes(`status ${nextId} Cancelled 0/20`));
    expect(codes.errors.find((e) => e.id === nextId)?.code).toBe(201);
    expect(codes.errors.find((e) => e.id === nextId)?.message).toMatch(/insufficient funds/i);
    expect(gw.cash('DU2')).toBe(1_000);

    api.placeOrder(nextId + 1, stk('AAA'), mkt(OrderAction.BUY, 0, 'DU2'));
    api.placeOrder(nextId + 2, stk('ZZZ'), mkt(OrderAction.BUY, 1));
    api.placeOrder(nextId + 3, { ...stk('AAA'), exchange: '' }, mkt(OrderAction.BUY, 1));
    api.placeOrder(nextId + 4, stk('AAA'), { ...mkt(OrderAction.BUY, 1), orderType: OrderType.STP, auxPrice: 120 });
    api.placeOrder(nextId + 1, stk('AAA'), mkt(OrderAction.BUY, 1));
    gw.rejectNextOrder({ symbol: 'BBB', code: 201, message: 'Order rejected - reason:test' });
    api.placeOrder(nextId + 5, stk('BBB'), mkt(OrderAction.SELL, 1, 'DU1', { whatIf: true }));
    api.placeOrder(nextId + 6, stk('AAA'), mkt(OrderAction.SELL, 1, 'DU2'));
    await until(() => codes.errors.length >= 8);
    const byId = (id: number): number[] => codes.errors.filter((e) => e.id === id).map((e) => e.code);
    expect(byId(nextId + 1)).toEqual([201, 103]);
    expect(byId(nextId + 2)).toEqual([200]);
    expect(byId(nextId + 3)).toEqual([321]);
    expect(byId(nextId + 4)).toEqual([387]);
    expect(byId(nextId + 5)).toEqual([201]);
    expect(byId(nextId + 6)).toEqual([201]);
    expect(gw.fills()).toEqual([]);
  });

  it('simulateRestart drops the clients and rolls nextValidId back, still refusing a used id with 103', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const first = await h.connectClassic(gw, 106);
    const log = recordOrderEvents(first.api);
    first.api.placeOrder(first.nextId, stk('AAA'), mkt(OrderAction.BUY, 1));
    first.api.placeOrder(first.nextId + 1, stk('AAA'), mkt(OrderAction.BUY, 1));
    await until(() => log.includes(`open ${first.nextId + 1} Filled`));
    const dropped = nextEvent(first.api, EventName.disconnected);
    gw.simulateRestart({ rollBackOrderIdsTo: first.nextId });
    await dropped;

    const again = await h.connectClassic(gw, 106);
    expect(again.nextId).toBe(first.nextId);
    again.api.placeOrder(again.nextId, stk('AAA'), mkt(OrderAction.BUY, 1));
    await until(() => again.codes.errors.some((e) => e.id === again.nextId));
    expect(again.codes.errors.find((e) => e.id === again.nextId)).toMatchObject({ code: 103 });
    expect(gw.positions('DU1').find((p) => p.symbol === 'AAA')?.quantity).toBe(2);
  });

  it('partial fills arrive in the configured number of parts', async () => {
    const gw = await h.gateway({ accounts, symbols, partialFills: 3 });
    const { api, nextId } = await h.connectClassic(gw, 105);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 10));
    await until(() => log.includes(`open ${nextId} Filled`));
    expect(log.filter((l) => l.startsWith('exec'))).toEqual(['exec -1 4', 'exec -1 4', 'exec -1 2']);
    expect(log.filter((l) => l.startsWith('status'))).toEqual([
      `status ${nextId} Submitted 0/10`,
      `status ${nextId} Submitted 4/6`,
      `status ${nextId} Submitted 8/2`,
      `status ${nextId} Filled 10/0`,
    ]);
    await until(() => log.filter((l) => l === 'commission').length === 3);
    expect(gw.fills().reduce((s, f) => s + f.commission, 0)).toBeCloseTo(1, 6);
  });

  it('cancels an own order (202 + Cancelled) while a foreign order stays in all-open-orders', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const foreignId = gw.addForeignOrder({
      clientId: 0,
      accountId: 'DU1',
      symbol: 'BBB',
      action: 'SELL',
      totalQuantity: 30,
      lmtPrice: 60,
    });
    const { api, codes, nextId } = await h.connectClassic(gw, 106);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 90,
      totalQuantity: 5,
      account: 'DU1',
      transmit: true,
    });
    await until(() => log.includes(`status ${nextId} Submitted 0/5`));

    const { next } = await h.connectNext(gw, 107);
    const before = await next.getAllOpenOrders();
    expect(before.map((o) => [o.order.clientId, o.contract.symbol, o.orderState.status]).sort()).toEqual([
      [0, 'BBB', 'Submitted'],
      [106, 'AAA', 'Submitted'],
    ]);
    expect(before.find((o) => o.order.clientId === 0)?.orderId).toBe(foreignId);

    api.cancelOrder(nextId, { manualOrderCancelTime: '' });
    await until(() => codes.errors.find((e) => e.code === 202));
    expect(codes.errors.find((e) => e.code === 202)?.id).toBe(nextId);
    expect(log).toContain(`status ${nextId} Cancelled 0/5`);

    api.cancelOrder(nextId, { manualOrderCancelTime: '' });
    api.cancelOrder(99_999, { manualOrderCancelTime: '' });
    await until(() => codes.errors.filter((e) => e.code === 10147 || e.code === 10148).length === 2);
    expect(codes.errors.filter((e) => e.code === 10148).map((e) => e.id)).toEqual([nextId]);
    expect(codes.errors.filter((e) => e.code === 10147).map((e) => e.id)).toEqual([99_999]);

    const after = await next.getAllOpenOrders();
    expect(after.map((o) => [o.order.clientId, o.contract.symbol, o.order.totalQuantity])).toEqual([[0, 'BBB', 30]]);
    const own = h.classic(gw, 108);
    const end = nextEvent(own.api, EventName.openOrderEnd);
    own.api.connect();
    await nextEvent(own.api, EventName.nextValidId);
    const seen: number[] = [];
    onEvent(own.api, EventName.openOrder, (id) => seen.push(id as number));
    own.api.reqOpenOrders();
    await end;
    expect(seen).toEqual([]);
  });

  it('executions: EXECUTION_DATA + COMMISSION_REPORT + END, also via IBApiNext', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 109);
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 3, 'DU1', { orderRef: 'rd:x' }));
    api.placeOrder(nextId + 1, stk('BBB'), mkt(OrderAction.SELL, 10));
    await until(() => gw.fills().length === 2);
    const execs: Array<[number, string, number]> = [];
    const commissions: number[] = [];
    onEvent(api, EventName.execDetails, (reqId, c, e) =>
      execs.push([reqId as number, (c as Contract).symbol ?? '', (e as { shares: number }).shares]),
    );
    onEvent(api, EventName.commissionReport, (r) => commissions.push((r as { commission: number }).commission));
    const end = nextEvent<[number]>(api, EventName.execDetailsEnd);
    api.reqExecutions(77, {});
    expect((await end)[0]).toBe(77);
    expect(execs.filter((e) => e[0] === 77)).toEqual([
      [77, 'AAA', 3],
      [77, 'BBB', 10],
    ]);
    await until(() => commissions.length >= 2);

    const { next } = await h.connectNext(gw, 110);
    const details = await next.getExecutionDetails({ symbol: 'BBB' });
    expect(
      details.map((d) => [
        d.contract.symbol,
        d.execution.side,
        d.execution.shares,
        d.execution.price,
        d.execution.clientId,
      ]),
    ).toEqual([['BBB', 'SLD', 10, 49.95, 109]]);
    expect(details[0]?.execution.permId).toBeGreaterThan(0);
    const bought = await next.getExecutionDetails({ side: 'BUY', acctCode: 'DU1' });
    expect(bought.map((d) => d.execution.orderRef)).toEqual(['rd:x']);
  });

  it('transmit=false stays Inactive and never fills; holdFills holds; closed market waits unless outsideRth', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 111);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), { ...mkt(OrderAction.BUY, 1), transmit: false });
    await until(() => log.includes(`status ${nextId} Inactive 0/1`));
    expect(gw.warnings().some((w) => w.includes('transmit'))).toBe(true);

    gw.holdFills(true);
    api.placeOrder(nextId + 1, stk('AAA'), mkt(OrderAction.BUY, 1));
    await until(() => log.includes(`status ${nextId + 1} Submitted 0/1`));
    await new Promise((r) => setTimeout(r, 30));
    expect(gw.fills()).toEqual([]);
    gw.holdFills(false);
    await until(() => log.includes(`status ${nextId + 1} Filled 1/0`));

    gw.setMarketOpen(false);
    api.placeOrder(nextId + 2, stk('AAA'), mkt(OrderAction.BUY, 1));
    api.placeOrder(nextId + 3, stk('AAA'), mkt(OrderAction.BUY, 2, 'DU1', { outsideRth: true }));
    await until(() => log.includes(`status ${nextId + 3} Filled 2/0`));
    expect(log).toContain(`status ${nextId + 2} PreSubmitted 0/1`);
    expect(gw.orders().find((o) => o.orderId === nextId + 2)?.status).toBe('PreSubmitted');
    gw.setMarketOpen(true);
    await until(() => log.includes(`status ${nextId + 2} Filled 1/0`));
    expect(gw.orders().find((o) => o.orderId === nextId)?.status).toBe('Inactive');
  });

  it('MOC fills at last on runClose when mocFillDelayMs is null', async () => {
    const gw = await h.gateway({ accounts, symbols, mocFillDelayMs: null });
    const { api, nextId } = await h.connectClassic(gw, 112);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('BBB'), {
      action: OrderAction.SELL,
      orderType: OrderType.MOC,
      totalQuantity: 40,
      account: 'DU1',
      transmit: true,
    });
    await until(() => log.includes(`status ${nextId} Submitted 0/40`));
    gw.setQuote('BBB', { last: 52 });
    await new Promise((r) => setTimeout(r, 20));
    expect(gw.fills()).toEqual([]);
    gw.runClose();
    await until(() => log.includes(`status ${nextId} Filled 40/0`));
    expect(gw.fills()[0]?.price).toBe(52);
  });

  it('dropAfterNextFill drops every connection right after the sell fills', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 113);
    const log = recordOrderEvents(api);
    gw.dropAfterNextFill('SELL');
    api.placeOrder(nextId, stk('AAA'), mkt(OrderAction.BUY, 1));
    await until(() => log.includes(`status ${nextId} Filled 1/0`));
    const down = nextEvent(api, EventName.disconnected);
    api.placeOrder(nextId + 1, stk('BBB'), mkt(OrderAction.SELL, 10));
    await down;
    expect(log).toContain(`status ${nextId + 1} Filled 10/0`);
    expect(gw.positions('DU1').find((p) => p.symbol === 'BBB')?.quantity).toBe(90);
    const again = await h.connectClassic(gw, 113);
    expect(again.nextId).toBeGreaterThan(nextId + 1);
  });

  it('an IOC limit order that is not marketable is cancelled at once', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 115);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 90,
      totalQuantity: 1,
      account: 'DU1',
      transmit: true,
      tif: TimeInForce.IOC,
    });
    await until(() => log.includes(`status ${nextId} Cancelled 0/1`));
    expect(log.slice(0, 3)).toEqual([
      `open ${nextId} PreSubmitted`,
      `open ${nextId} Submitted`,
      `status ${nextId} Submitted 0/1`,
    ]);
  });

  it('global cancel cancels every open order', async () => {
    const gw = await h.gateway({ accounts, symbols });
    gw.addForeignOrder({ clientId: 0, accountId: 'DU1', symbol: 'AAA', action: 'BUY', totalQuantity: 1, lmtPrice: 50 });
    const { api, nextId } = await h.connectClassic(gw, 114);
    const log = recordOrderEvents(api);
    api.placeOrder(nextId, stk('AAA'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 80,
      totalQuantity: 1,
      account: 'DU1',
      transmit: true,
    });
    await until(() => log.includes(`status ${nextId} Submitted 0/1`));
    api.reqGlobalCancel();
    await until(() => log.includes(`status ${nextId} Cancelled 0/1`));
    expect(gw.orders().map((o) => o.status)).toEqual(['Cancelled', 'Cancelled']);
  });
});
