import {
  type Contract,
  type Order,
  OrderAction,
  OrderConditionType,
  OrderType,
  PriceCondition,
  SecType,
  TimeInForce,
  TriggerMethod,
  ConjunctionConnection,
} from '@stoqey/ib';
import { Encoder } from '@stoqey/ib/dist/core/io/encoder';
import { describe, expect, it } from 'vitest';
import { parsePlaceOrder } from './place-order-parser';
import { FieldReader, UnderrunError } from './protocol';

/** Encodes placeOrder exactly as @stoqey/ib does at a server version and returns the string fields. */
function encodePlaceOrder(sv: number, id: number, contract: Contract, order: Order): string[] {
  let out: string[] = [];
  const flatten = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flatten) : [v]);
  const encoder = new Encoder({
    serverVersion: sv,
    sendMsg: (...tokens: unknown[]) => {
      out = flatten(tokens).map((t) =>
        t === true ? '1' : t === false ? '0' : t === undefined || t === null ? '' : String(t),
      );
    },
    emitError: (msg: string) => {
      throw new Error(msg);
    },
  });
  encoder.placeOrder(id, contract, order);
  return out;
}

const aapl: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const mktSell: Order = {
  action: OrderAction.SELL,
  orderType: OrderType.MKT,
  totalQuantity: 10,
  account: 'DU1000001',
  transmit: true,
  tif: TimeInForce.DAY,
};

function parse(fields: string[], sv: number): ReturnType<typeof parsePlaceOrder> {
  const r = new FieldReader(fields);
  expect(r.int()).toBe(3);
  return parsePlaceOrder(r, sv);
}

describe('parsePlaceOrder', () => {
  it('reads the 118-field MKT SELL of the reference layout at sv 193 with nothing left over', () => {
    const fields = encodePlaceOrder(193, 2, aapl, mktSell);
    expect(fields).toHaveLength(118);
    expect(fields[27]).toBe('1');
    const p = parse(fields, 193);
    expect(p).toMatchObject({
      orderId: 2,
      action: 'SELL',
      totalQuantity: 10,
      orderType: 'MKT',
      account: 'DU1000001',
      transmit: true,
      whatIf: false,
      leftover: 0,
    });
    expect(p.contract).toMatchObject({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD', conId: 0 });
    expect(p.lmtPrice).toBeNull();
  });

  it.each([193, 192, 190, 189, 187, 186, 183, 176, 170, 166, 162, 157])(
    'handles server version %i (LMT, what-if, orderRef, outsideRth)',
    (sv) => {
      const order: Order = {
        ...mktSell,
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 101.25,
        whatIf: true,
        orderRef: 'rd:evt',
        outsideRth: true,
        tif: TimeInForce.GTC,
      };
      const fields = encodePlaceOrder(sv, 1234, { ...aapl, conId: 265598, primaryExch: 'NASDAQ' }, order);
      if (sv === 187) expect(fields).toHaveLength(118);
      if (sv === 176) expect(fields).toHaveLength(115);
      const p = parse(fields, sv);
      expect(p).toMatchObject({
        orderId: 1234,
        action: 'BUY',
        orderType: 'LMT',
        lmtPrice: 101.25,
        whatIf: true,
        orderRef: 'rd:evt',
        outsideRth: true,
        tif: 'GTC',
        leftover: 0,
      });
      expect(p.contract.conId).toBe(265598);
    },
  );

  it('follows variable blocks: conditions, algo params, hedge, delta-neutral type, PEG MID', () => {
    const cond = new PriceCondition(150, TriggerMethod.Default, 265598, 'SMART', true, ConjunctionConnection.AND);
    expect(cond.type).toBe(OrderConditionType.Price);
    const order: Order = {
      ...mktSell,
      orderType: OrderType.LMT,
      lmtPrice: 10,
      conditions: [cond],
      algoStrategy: 'Adaptive',
      algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
      hedgeType: 'D',
      hedgeParam: '0.5',
      deltaNeutralOrderType: 'MKT',
    };
    expect(parse(encodePlaceOrder(193, 5, aapl, order), 193).leftover).toBe(0);
    const pegMid: Order = { ...mktSell, orderType: OrderType.PEG_MID, midOffsetAtWhole: 0.01, midOffsetAtHalf: 0.005 };
    expect(parse(encodePlaceOrder(193, 6, { ...aapl, exchange: 'IBKRATS' }, pegMid), 193).leftover).toBe(0);
  });

  it('treats transmit "" as false and reports the known scalePriceIncrement=0 divergence as leftover', () => {
    const { transmit: _t, ...noTransmit } = mktSell;
    expect(parse(encodePlaceOrder(193, 7, aapl, noTransmit), 193).transmit).toBe(false);
    expect(parse(encodePlaceOrder(193, 8, aapl, { ...mktSell, scalePriceIncrement: 0 }), 193).leftover).toBe(7);
  });

  it('throws UnderrunError on a truncated message', () => {
    const fields = encodePlaceOrder(193, 9, aapl, mktSell).slice(0, 60);
    expect(() => parse(fields, 193)).toThrow(UnderrunError);
  });
});
