import { Contract, EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';

const h = new Harness();
afterEach(() => h.cleanup());

const spy: Contract = { symbol: 'SPY', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

describe('sim gateway: accounts and positions', () => {
  it('account summary via IBApiNext has NetLiquidation, TotalCashValue, AvailableFunds, BuyingPower in USD', async () => {
    const gw = await h.gateway({
      accounts: [
        { accountId: 'DU111', cash: 10_000, positions: [{ symbol: 'SPY', quantity: 10, avgCost: 500 }] },
        { accountId: 'DU222', kind: 'cash', cash: 5_000 },
      ],
    });
    const { next } = await h.connectNext(gw, 1);
    const update = await firstValueFrom(
      next
        .getAccountSummary('All', 'NetLiquidation,TotalCashValue,AvailableFunds,BuyingPower')
        .pipe(filter((u) => (u.all.get('DU222')?.size ?? 0) === 4)),
    );
    const margin = update.all.get('DU111');
    const spyMark = (672.38 + 672.42) / 2;
    expect(Number(margin?.get('NetLiquidation')?.get('USD')?.value)).toBeCloseTo(10_000 + 10 * spyMark, 2);
    expect(Number(margin?.get('TotalCashValue')?.get('USD')?.value)).toBe(10_000);
    expect(Number(margin?.get('AvailableFunds')?.get('USD')?.value)).toBeCloseTo(10_000 + 10 * spyMark * 0.5, 2);
    expect(Number(margin?.get('BuyingPower')?.get('USD')?.value)).toBeCloseTo(2 * (10_000 + 10 * spyMark * 0.5), 2);
    const cash = update.all.get('DU222');
    expect(Number(cash?.get('BuyingPower')?.get('USD')?.value)).toBe(5_000);
  });

  it('limits account summary subscriptions to 2 (error 322) and allows another after a cancel', async () => {
    const gw = await h.gateway();
    const { api, codes } = await h.connectClassic(gw, 2);
    api.reqAccountSummary(1, 'All', 'NetLiquidation');
    api.reqAccountSummary(2, 'All', 'NetLiquidation');
    api.reqAccountSummary(3, 'All', 'NetLiquidation');
    await until(() => codes.errors.find((e) => e.code === 322));
    expect(codes.errors.find((e) => e.code === 322)?.id).toBe(3);
    api.cancelAccountSummary(1);
    const end = nextEvent<[number]>(api, EventName.accountSummaryEnd, (id) => id === 4);
    api.reqAccountSummary(4, 'All', 'TotalCashValue');
    await end;
    expect(codes.errors.filter((e) => e.code === 322)).toHaveLength(1);
  });

  it('positions (61/62) arrive with exchange "" via IBApi and IBApiNext', async () => {
    const gw = await h.gateway();
    const { api } = await h.connectClassic(gw, 3);
    const rows: Array<{ account: string; symbol?: string; exchange?: string; pos: number; avgCost: number }> = [];
    onEvent(api, EventName.position, (account, contract, pos, avgCost) => {
      const c = contract as Contract;
      rows.push({
        account: account as string,
        symbol: c.symbol,
        exchange: c.exchange,
        pos: pos as number,
        avgCost: avgCost as number,
      });
    });
    const end = nextEvent(api, EventName.positionEnd);
    api.reqPositions();
    await end;
    expect(rows).toContainEqual({ account: 'DU1000001', symbol: 'SPY', exchange: '', pos: 50, avgCost: 601.12 });
    expect(rows).toHaveLength(5);

    const { next } = await h.connectNext(gw, 4);
    const update = await firstValueFrom(
      next.getPositions().pipe(filter((u) => (u.all.get('DU1000002')?.length ?? 0) === 2)),
    );
    expect(update.all.get('DU1000002')?.map((p) => [p.contract.symbol, p.pos])).toEqual([
      ['QQQ', 20],
      ['IEF', 100],
    ]);
  });

  it('positions-multi (71/72) for one account, with live pushes after a fill', async () => {
    const gw = await h.gateway();
    const { api, nextId } = await h.connectClassic(gw, 5);
    const rows: Array<[number, string, string | undefined, number]> = [];
    onEvent(api, EventName.positionMulti, (reqId, account, _model, contract, pos) => {
      rows.push([reqId as number, account as string, (contract as Contract).symbol, pos as number]);
    });
    const end = nextEvent<[number]>(api, EventName.positionMultiEnd);
    api.reqPositionsMulti(7, 'DU1000002', '');
    expect((await end)[0]).toBe(7);
    expect(rows).toEqual([
      [7, 'DU1000002', 'QQQ', 20],
      [7, 'DU1000002', 'IEF', 100],
    ]);
    api.placeOrder(
      nextId,
      { ...spy, symbol: 'IEF' },
      { action: OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: 100, account: 'DU1000002', transmit: true },
    );
    await until(() => rows.find((r) => r[2] === 'IEF' && r[3] === 0));
    expect(gw.positions('DU1000002')).toEqual([{ symbol: 'QQQ', quantity: 20, avgCost: 548.9 }]);
  });

  it('reqAccountUpdates sends ACCT_VALUE, PORTFOLIO_VALUE, update time and download end, then live updates', async () => {
    const gw = await h.gateway();
    const { api, nextId } = await h.connectClassic(gw, 6);
    const values = new Map<string, string>();
    const portfolio: Array<[string | undefined, number, string]> = [];
    onEvent(api, EventName.updateAccountValue, (key, value, currency) => {
      if (currency === 'USD' || currency === '') values.set(key as string, value as string);
    });
    onEvent(api, EventName.updatePortfolio, (contract, pos, _price, _value, _avg, _u, _r, account) => {
      portfolio.push([(contract as Contract).symbol, pos as number, account as string]);
    });
    let time = '';
    onEvent(api, EventName.updateAccountTime, (t) => {
      time = t as string;
    });
    const end = nextEvent<[string]>(api, EventName.accountDownloadEnd);
    api.reqAccountUpdates(true, 'DU1000001');
    expect((await end)[0]).toBe('DU1000001');
    expect(values.get('TotalCashValue')).toBe('100000.00');
    expect(Number(values.get('NetLiquidation'))).toBeGreaterThan(100_000);
    expect(time).toMatch(/^\d\d:\d\d$/);
    expect(portfolio.map((p) => p[0])).toEqual(['SPY', 'TLT', 'GLD']);

    api.placeOrder(nextId, spy, {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 10,
      account: 'DU1000001',
      transmit: true,
    });
    await until(() => portfolio.find((p) => p[0] === 'SPY' && p[1] === 60));
    await until(() => Number(values.get('TotalCashValue')) < 100_000);
    expect(Number(values.get('TotalCashValue'))).toBeCloseTo(100_000 - 10 * 672.42 - 1, 2);
    api.reqAccountUpdates(false, 'DU1000001');
  });

  it('reqPnL answers the daily, unrealized and realized P&L of one account and pushes them again after a fill', async () => {
    const gw = await h.gateway({
      accounts: [{ accountId: 'DU111', cash: 10_000, positions: [{ symbol: 'SPY', quantity: 10, avgCost: 500 }] }],
    });
    const { api, nextId } = await h.connectClassic(gw, 7);
    const answers: Array<[number, number, number | undefined, number | undefined]> = [];
    onEvent(api, EventName.pnl, (reqId, daily, unrealized, realized) => {
      answers.push([
        reqId as number,
        daily as number,
        unrealized as number | undefined,
        realized as number | undefined,
      ]);
    });
    api.reqPnL(42, 'DU111', '');
    await until(() => answers.length > 0);
    const spyMark = (672.38 + 672.42) / 2;
    const [reqId, , unrealized, realized] = answers[0]!;
    expect(reqId).toBe(42);
    expect(unrealized).toBeCloseTo(10 * (spyMark - 500), 2);
    expect(realized).toBe(0);
    api.placeOrder(nextId, spy, {
      action: OrderAction.SELL,
      orderType: OrderType.MKT,
      totalQuantity: 5,
      account: 'DU111',
      transmit: true,
    });
    await until(() => answers.some((a) => (a[3] ?? 0) > 0));
    api.cancelPnL(42);
  });
});
