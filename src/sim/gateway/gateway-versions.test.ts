import { Contract, EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';

const h = new Harness();
afterEach(() => h.cleanup());

const spy: Contract = { symbol: 'SPY', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

describe('sim gateway: older server versions', () => {
  it.each([157, 166, 176, 187, 190])('speaks server version %i without decode errors', async (serverVersion) => {
    const gw = await h.gateway({ serverVersion });
    const { api, nextId } = await h.connectClassic(gw, 1);
    expect(api.serverVersion).toBe(serverVersion);
    const states: string[] = [];
    onEvent(api, EventName.openOrder, (_id, _c, order, state) =>
      states.push(`${(state as { status: string }).status}${(order as { whatIf?: boolean }).whatIf ? '?' : ''}`),
    );
    const details = nextEvent(api, EventName.contractDetailsEnd);
    api.reqContractDetails(1, spy);
    await details;
    api.placeOrder(nextId, spy, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 1,
      account: 'DU1000001',
      transmit: true,
      whatIf: true,
    });
    api.placeOrder(nextId + 1, spy, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 1,
      account: 'DU1000001',
      transmit: true,
    });
    await until(() => states.includes('Filled'));
    expect(states).toEqual(['PreSubmitted?', 'PreSubmitted', 'Submitted', 'Filled']);
    api.placeOrder(nextId + 2, spy, {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      lmtPrice: 900,
      totalQuantity: 1,
      account: 'DU1000001',
      transmit: true,
    });
    await until(() => gw.orders().length === 3);
    const cancelled = nextEvent(api, EventName.orderStatus, (_id, status) => status === 'Cancelled');
    api.cancelOrder(nextId + 2, { manualOrderCancelTime: '' });
    await cancelled;
    const end = nextEvent(api, EventName.execDetailsEnd);
    api.reqExecutions(2, {});
    await end;
    const mkt = nextEvent(api, EventName.tickSnapshotEnd);
    api.reqMktData(3, spy, '', true, false);
    await mkt;
    expect(gw.warnings()).toEqual([]);
  });
});
