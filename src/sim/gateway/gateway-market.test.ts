import { Contract, EventName, IBApiNextError, IBApiTickType, MarketDataType, SecType } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { hoursInclude } from './market-hours';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';

const h = new Harness();
afterEach(() => h.cleanup());

const stk = (symbol: string): Contract => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
const LIQUID = /^(\d{8}:(\d{4}-\d{8}:\d{4}|CLOSED);)*\d{8}:(\d{4}-\d{8}:\d{4}|CLOSED)$/;

describe('sim gateway: contracts and market data', () => {
  it('contract details with trading and liquid hours in IB format; closed market excludes now', async () => {
    const gw = await h.gateway();
    const { next } = await h.connectNext(gw, 1);
    const [details] = await next.getContractDetails(stk('TLT'));
    expect(details?.contract.conId).toBe(15547841);
    expect(details?.contract.primaryExch).toBe('NASDAQ');
    expect(details?.timeZoneId).toBe('US/Eastern');
    expect(details?.minTick).toBe(0.01);
    expect(details?.liquidHours).toMatch(LIQUID);
    expect(details?.tradingHours).toMatch(LIQUID);
    expect(details?.liquidHours?.split(';')).toHaveLength(7);
    expect(hoursInclude(details?.liquidHours ?? '', new Date())).toBe(true);

    gw.setMarketOpen(false);
    const [closed] = await next.getContractDetails({ conId: 15547841, exchange: 'SMART' });
    expect(closed?.contract.symbol).toBe('TLT');
    expect(closed?.liquidHours).toMatch(LIQUID);
    expect(hoursInclude(closed?.liquidHours ?? '', new Date())).toBe(false);
    expect(closed?.liquidHours).toMatch(/\d{8}:0930-\d{8}:1600/);
  });

  it('contract details for an unknown symbol give error 200', async () => {
    const gw = await h.gateway();
    const { next } = await h.connectNext(gw, 2);
    const err = await next.getContractDetails(stk('NOPE')).catch((e: unknown) => e);
    expect((err as IBApiNextError).code).toBe(200);
  });

  it('snapshot prices (live): market data type 1, bid/ask/last/close and snapshot end', async () => {
    const gw = await h.gateway();
    const { next } = await h.connectNext(gw, 3);
    const ticks = await next.getMarketDataSnapshot(stk('SPY'), '', false);
    expect(ticks.get(IBApiTickType.BID)?.value).toBe(672.38);
    expect(ticks.get(IBApiTickType.ASK)?.value).toBe(672.42);
    expect(ticks.get(IBApiTickType.LAST)?.value).toBe(672.4);
    expect(ticks.get(IBApiTickType.CLOSE)?.value).toBe(669.71);
    expect(ticks.get(IBApiTickType.ASK_SIZE)?.value).toBe(100);
  });

  it('delayed-only: type 1 gets 354, type 3 gets delayed ticks 66/67/68/75', async () => {
    const gw = await h.gateway({ entitlement: 'delayed-only' });
    const { next, codes } = await h.connectNext(gw, 4);
    const err = await next.getMarketDataSnapshot(stk('GLD'), '', false).catch((e: unknown) => e);
    expect((err as IBApiNextError).code).toBe(354);
    next.setMarketDataType(MarketDataType.DELAYED);
    const ticks = await next.getMarketDataSnapshot(stk('GLD'), '', false);
    expect(ticks.get(IBApiTickType.DELAYED_BID)?.value).toBe(378.88);
    expect(ticks.get(IBApiTickType.DELAYED_ASK)?.value).toBe(378.92);
    expect(ticks.get(IBApiTickType.DELAYED_LAST)?.value).toBe(378.9);
    expect(ticks.get(IBApiTickType.DELAYED_CLOSE)?.value).toBeCloseTo(377.38, 2);
    expect(ticks.has(IBApiTickType.BID)).toBe(false);
    expect(codes.errors.map((e) => e.code)).toContain(10167);
  });

  it('streaming market data is pushed on setQuote; 101 beyond maxMktDataLines; cancel frees a line', async () => {
    const gw = await h.gateway({ maxMktDataLines: 2 });
    const { api, codes } = await h.connectClassic(gw, 5);
    const prices: Array<[number, number, number]> = [];
    onEvent(api, EventName.tickPrice, (reqId, type, price) =>
      prices.push([reqId as number, type as number, price as number]),
    );
    const types: Array<[number, number]> = [];
    onEvent(api, EventName.marketDataType, (reqId, type) => types.push([reqId as number, type as number]));
    api.reqMktData(1, stk('QQQ'), '', false, false);
    api.reqMktData(2, stk('IEF'), '', false, false);
    api.reqMktData(3, stk('SPY'), '', false, false);
    await until(() => codes.errors.find((e) => e.code === 101));
    expect(codes.errors.find((e) => e.code === 101)?.id).toBe(3);
    expect(types).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const snap = nextEvent<[number]>(api, EventName.tickSnapshotEnd);
    api.reqMktData(9, stk('SPY'), '', true, false);
    expect((await snap)[0]).toBe(9);

    gw.setQuote('QQQ', { bid: 600, ask: 600.1 });
    await until(() => prices.find((p) => p[0] === 1 && p[1] === IBApiTickType.ASK && p[2] === 600.1));
    expect(prices.filter((p) => p[0] === 2 && p[1] === IBApiTickType.BID)).toHaveLength(1);

    api.cancelMktData(2);
    const started = nextEvent<[number, number]>(api, EventName.marketDataType, (id) => id === 4);
    api.reqMktData(4, stk('SPY'), '', false, false);
    await started;
  });
});
