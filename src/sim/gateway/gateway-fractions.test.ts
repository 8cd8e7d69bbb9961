import { type Contract, EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';
import type { SimAccount, SimSymbol } from './types';

const h = new Harness();
afterEach(() => h.cleanup());

const stk = (symbol: string): Contract => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
const symbols: SimSymbol[] = [
  { symbol: 'AAA', conId: 1001, primaryExchange: 'ARCA', bid: 99.9, ask: 100.1, last: 100, close: 99 },
];
// Dividend reinvestment leaves fractional holdings, which IB reports as decimal position quantities.
const accounts: SimAccount[] = [
  { accountId: 'DU1', cash: 1_000, positions: [{ symbol: 'AAA', quantity: 10.4, avgCost: 90 }] },
];

describe('sim gateway: fractional holdings', () => {
  it('reports a fractional position as a decimal quantity', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api } = await h.connectClassic(gw, 301);
    const rows: [string, number][] = [];
    onEvent(api, EventName.positionMulti, (_reqId, _account, _model, contract, pos) => {
      rows.push([(contract as Contract).symbol ?? '', pos as number]);
    });
    const end = nextEvent(api, EventName.positionMultiEnd);
    api.reqPositionsMulti(3, 'DU1', '');
    await end;
    expect(rows).toEqual([['AAA', 10.4]]);
  });

  it('refuses a fractional order with IB error 10243 and keeps the holding', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, codes, nextId } = await h.connectClassic(gw, 302);
    api.placeOrder(nextId, stk('AAA'), {
      action: OrderAction.SELL,
      orderType: OrderType.MKT,
      totalQuantity: 5.4,
      account: 'DU1',
      transmit: true,
    });
    const error = await until(() => codes.errors.find((e) => e.id === nextId));
    expect(error.code).toBe(10243);
    expect(error.message).toMatch(/Fractional-sized order cannot be placed via API/);
    expect(gw.positions('DU1')).toEqual([{ symbol: 'AAA', quantity: 10.4, avgCost: 90 }]);
  });

  it('fills a whole-share sell of a fractional holding and leaves the fraction', async () => {
    const gw = await h.gateway({ accounts, symbols });
    const { api, nextId } = await h.connectClassic(gw, 303);
    api.placeOrder(nextId, stk('AAA'), {
      action: OrderAction.SELL,
      orderType: OrderType.MKT,
      totalQuantity: 5,
      account: 'DU1',
      transmit: true,
    });
    await until(() => gw.positions('DU1')[0]?.quantity === 5.4);
    expect(gw.orders({ accountId: 'DU1' })[0]).toMatchObject({ totalQuantity: 5, status: 'Filled' });
  });
});
