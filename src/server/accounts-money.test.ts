import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../shared/contract';
import type { HistoryPoint, MoneyTotals } from '../shared/dto';
import { startDemo, type Demo } from './demo';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, staticRoot: null });
}, 60_000);
afterAll(async () => {
  await demo?.stop();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`http://${demo.host}:${demo.port}${path}`, {
    headers: { authorization: `Bearer ${demo.token}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

type AccountsAnswer = { accounts: AccountView[]; totals: MoneyTotals };

describe('GET /api/accounts: money and totals (§25) against the simulated gateway', () => {
  it("answers each account's net liquidation and cash within a cent of the simulator's, and totals that are their sum", async () => {
    // IB answers the subscriptions once connected; this bounds a hang, it times nothing.
    await expect
      .poll(async () => (await get<AccountsAnswer>('/api/accounts')).body.accounts.filter((a) => a.money).length, {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(4);
    const { status, body } = await get<AccountsAnswer>('/api/accounts');
    expect(status).toBe(200);
    for (const account of body.accounts) {
      // §28: each account's money as its own gateway (two simulated logins in the demo) reports it.
      const sim = demo.gatewayOf(account.accountId).money(account.accountId);
      const money = account.money!;
      expect(Math.abs(money.netLiquidation - sim.netLiquidation)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(money.cash - sim.cash)).toBeLessThanOrEqual(0.01);
      expect(money.currency).toBe('USD');
      expect(Number.isNaN(Date.parse(money.at))).toBe(false);
      // reqPnL: the day's P&L and the unrealized P&L as the gateway reports them
      expect(money.dayPnl).not.toBeNull();
      expect(Math.abs(money.unrealizedPnl! - sim.unrealizedPnl)).toBeLessThanOrEqual(0.01);
    }
    const active = body.accounts.filter((a) => a.active);
    const sum = (pick: (a: AccountView) => number) => active.reduce((s, a) => s + pick(a), 0);
    expect(body.totals.netLiquidation).toBeCloseTo(
      sum((a) => a.money!.netLiquidation),
      2,
    );
    expect(body.totals.cash).toBeCloseTo(
      sum((a) => a.money!.cash),
      2,
    );
    expect(body.totals.dayPnl).toBeCloseTo(
      sum((a) => a.money!.dayPnl!),
      2,
    );
    expect(body.totals).toMatchObject({ currency: 'USD', accounts: active.length, of: active.length });
  }, 60_000);

  it('subscribes to P&L once per account, at its own gateway, however often the accounts are read', async () => {
    const pnlRequests = () => demo.gateways().map((g) => g.messageStats().byMsgId[92] ?? 0);
    const before = pnlRequests();
    for (let i = 0; i < 5; i++) await get<AccountsAnswer>('/api/accounts');
    expect(pnlRequests()).toEqual(before);
    expect(before).toEqual([3, 1]);
  });
});

describe('GET /api/accounts/:accountId/history (§25)', () => {
  it('answers the NAV and drift sampled at a drift check', async () => {
    const check = await demo.runtime.driftMonitor.check();
    expect(check.outcome).toBe('checked');
    const reading = (await demo.runtime.handlers.accounts({})).accounts.find((a) => a.accountId === 'DU1000001')!;
    const at = reading.drift!.at;
    const nav = await get<{ points: HistoryPoint[] }>('/api/accounts/DU1000001/history?metric=nav');
    const drift = await get<{ points: HistoryPoint[] }>(`/api/accounts/DU1000001/history?metric=drift&since=${at}`);
    expect(nav.status).toBe(200);
    const navAt = nav.body.points.find((p) => p.at === at);
    expect(navAt?.value).toBeGreaterThan(0);
    expect(drift.body.points.find((p) => p.at === at)?.value).toBe(reading.drift!.percent);
    expect(drift.body.points.every((p) => p.at >= at)).toBe(true);
  }, 30_000);

  it('has 90 days of seeded NAV and drift history for every demo account on the first start', async () => {
    for (const accountId of demo.gateways().flatMap((g) => g.accounts())) {
      for (const metric of ['nav', 'drift']) {
        const since = new Date(Date.now() - 91 * 86_400_000).toISOString();
        const { body } = await get<{ points: HistoryPoint[] }>(
          `/api/accounts/${accountId}/history?metric=${metric}&since=${since}`,
        );
        expect(body.points.length).toBeGreaterThanOrEqual(180);
        expect(Date.parse(body.points[0]!.at)).toBeLessThan(Date.now() - 89 * 86_400_000);
      }
    }
  });

  it('answers 400 naming the field for a bad metric or since, and 404 for an account not in the settings', async () => {
    const metric = await get<{ error: string; message: string }>('/api/accounts/DU1000001/history?metric=pnl');
    expect(metric.status).toBe(400);
    expect(metric.body.message).toMatch(/metric: must be one of nav, drift/);
    const since = await get<{ error: string; message: string }>(
      '/api/accounts/DU1000001/history?metric=nav&since=last-week',
    );
    expect(since.status).toBe(400);
    expect(since.body.message).toMatch(/since: must be an ISO-8601 date-time/);
    const unknown = await get<{ error: string }>('/api/accounts/DU9999999/history?metric=nav');
    expect(unknown.status).toBe(404);
  });
});
