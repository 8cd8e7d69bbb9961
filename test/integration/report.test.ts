/**
 * §20 the report of every finished live rebalance, against the simulated gateway's own fills, and `GET /api/reports`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan, TradeReport } from '../../src/shared/dto';
import { startStack, type Stack } from '../support/stack';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

describe('the report of a live rebalance', () => {
  it("matches the gateway's fills and commissions, signs slippage against the trader, and is listed newest first", async () => {
    stack = await startStack({
      strategies: {
        'growth-a': {
          allocations: [
            { symbol: 'SPY', weight: 0.5 },
            { symbol: 'TLT', weight: 0.49 },
          ],
        },
      },
      accounts: [
        {
          accountId: 'DU3000101',
          cash: 20_000,
          positions: [{ symbol: 'GLD', quantity: 100, avgCost: 300 }],
          strategy: 'growth-a',
        },
        { accountId: 'DU3000102', cash: 30_000, strategy: 'growth-a' },
      ],
    });
    const first = await stack.run('DU3000101', 'rebalance');
    const done = await stack.waitFor(first, 'done', 30_000);
    const result = done.result as { plan: Plan; report: TradeReport };
    const { report, plan } = result;

    const fills = stack.gateway.fills({ accountId: 'DU3000101' });
    expect(fills.length).toBeGreaterThan(0);
    for (const symbol of ['SPY', 'TLT', 'GLD']) {
      const mine = fills.filter((f) => f.symbol === symbol);
      const shares = mine.reduce((n, f) => n + f.shares, 0);
      const avg = mine.reduce((n, f) => n + f.shares * f.price, 0) / shares;
      const row = report.rows.find((r) => r.symbol === symbol)!;
      const planPrice = plan.rows.find((r) => r.symbol === symbol)!.price;
      expect(row.planPrice).toBe(planPrice);
      expect(row.avgFillPrice).toBeCloseTo(avg, 6);
      const sign = mine[0]!.side === 'BOT' ? 1 : -1;
      expect(row.slippageBps).toBeCloseTo((sign * (avg - planPrice) * 10_000) / planPrice, 1);
      expect(row.commission).toBeCloseTo(
        mine.reduce((n, f) => n + f.commission, 0),
        2,
      );
      const held = stack.gateway.positions('DU3000101').find((p) => p.symbol === symbol)?.quantity ?? 0;
      expect(row.finalShares).toBe(held);
      expect(row.residualShares).toBe(row.targetShares - held);
    }
    // the simulator fills market orders at the far side of the spread: a cost, so positive
    expect(report.rows.find((r) => r.symbol === 'SPY')!.slippageBps).toBeGreaterThan(0);
    expect(report.rows.find((r) => r.symbol === 'GLD')!.slippageBps).toBeGreaterThan(0);
    expect(report.totals.ordersSent).toBe(3);
    expect(report.totals.ordersFilled).toBe(3);
    expect(report.totals.turnover).toBeCloseTo(
      fills.reduce((n, f) => n + f.shares * f.price, 0),
      2,
    );
    expect(report.totals.commissions).toBeCloseTo(
      fills.reduce((n, f) => n + f.commission, 0),
      2,
    );
    // before: all of GLD (100 × its mark of the NAV) against a target of 0 is the largest gap
    const gld = plan.rows.find((r) => r.symbol === 'GLD')!;
    expect(gld.currentWeight).toBeCloseTo((100 * gld.price) / plan.netLiquidation, 6);
    expect(report.totals.driftBefore).toBeCloseTo(gld.currentWeight * 100, 3);
    expect(report.totals.driftAfter).toBeLessThan(2); // whole shares and the 1 % cash reserve leave a little

    const second = await stack.run('DU3000102', 'rebalance');
    await stack.waitFor(second, 'done', 30_000);
    const preview = await stack.run('DU3000102', 'print-rebalance');
    await stack.waitFor(preview, 'done');

    const all = await stack.runtime.handlers.reports({ limit: 200 });
    expect(all.total).toBe(2);
    expect(all.reports.map((r) => r.eventId)).toEqual([second, first]);
    expect(all.reports[1]).toMatchObject({
      accountId: 'DU3000101',
      strategy: 'growth-a',
      asOf: '2026-11-20',
      totals: report.totals,
      rows: report.rows,
    });
    const one = await stack.runtime.handlers.reports({ accountId: 'DU3000101', limit: 200 });
    expect(one.reports.map((r) => r.eventId)).toEqual([first]);
    const later = await stack.runtime.handlers.reports({
      since: new Date(Date.now() + 60_000).toISOString(),
      limit: 5,
    });
    expect(later).toEqual({ reports: [], total: 0 });
  });
});
