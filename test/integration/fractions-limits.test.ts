import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/shared/dto';
import { remainingOrders, startStack, type Stack, type StackOptions } from '../support/stack';

const STRATEGIES: StackOptions['strategies'] = {
  'growth-a': {
    allocations: [
      { symbol: 'SPY', weight: 0.4 },
      { symbol: 'TLT', weight: 0.3 },
      { symbol: 'GLD', weight: 0.3 },
    ],
  },
};

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

interface RebalanceResult {
  plan: Plan;
  residuals: { symbol: string; shares: number }[];
}

describe('real accounts against the simulated gateway (§23)', () => {
  it('rebalances fractional holdings with whole-share orders only, reports the fractions and ends done', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        {
          accountId: 'DU1900001',
          cash: 20_000,
          positions: [
            // Dividend reinvestment leftovers: an over-target SPY with a fraction, and 0.4 of a symbol to drop.
            { symbol: 'SPY', quantity: 60.4, avgCost: 500 },
            { symbol: 'QQQ', quantity: 0.4, avgCost: 500 },
            { symbol: 'TLT', quantity: 10.25, avgCost: 90 },
          ],
          strategy: 'growth-a',
        },
      ],
    });
    const id = await stack.run('DU1900001', 'rebalance');
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.timesQueued).toBe(1);

    const sent = stack.gateway.orders({ accountId: 'DU1900001' });
    expect(sent.some((o) => !o.whatIf && o.action === 'SELL' && o.symbol === 'SPY')).toBe(true);
    for (const order of sent) expect(Number.isInteger(order.totalQuantity), JSON.stringify(order)).toBe(true);
    expect(sent.some((o) => o.symbol === 'QQQ')).toBe(false);

    const result = done.result as unknown as RebalanceResult;
    expect(result.plan.rows.find((r) => r.symbol === 'SPY')).toMatchObject({ residualShares: 0.4 });
    expect(result.plan.rows.find((r) => r.symbol === 'QQQ')).toMatchObject({ order: null, residualShares: 0.4 });
    expect(result.residuals).toEqual(
      expect.arrayContaining([
        { symbol: 'QQQ', shares: 0.4 },
        { symbol: 'SPY', shares: 0.4 },
      ]),
    );
    // The fractions stay for the trader to close in TWS; everything tradable is at target.
    const held = Object.fromEntries(stack.gateway.positions('DU1900001').map((p) => [p.symbol, p.quantity]));
    expect(held.QQQ).toBe(0.4);
    const spyTarget = result.plan.rows.find((r) => r.symbol === 'SPY')!.targetShares;
    expect(held.SPY).toBeCloseTo(spyTarget + 0.4, 6);
    // The Accounts card's last result says what is left to close by hand (recorded once the event is done).
    await expect
      .poll(async () => (await stack!.runtime.accountState.get('DU1900001')).lastResult, { timeout: 10_000 })
      .toMatchObject({ eventId: id, ok: true, summary: expect.stringMatching(/close in TWS: 0\.4 QQQ, 0\.4 SPY$/) });
    expect(await remainingOrders(stack, 'DU1900001')).toEqual([]);
  });

  it('fails a rebalance that breaks limits.maxOrderValue as rejected, naming the limit, with no order sent', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1900002', cash: 100_000, strategy: 'growth-a' }],
      settings: { limits: { maxOrderValue: 30_000 } },
    });
    const preview = await stack.waitFor(await stack.run('DU1900002', 'print-rebalance'), 'done');
    expect((preview.result as unknown as RebalanceResult).plan.limitBreaches).toEqual([
      expect.stringMatching(
        /^order BUY \d+ SPY worth USD 3\d,\d{3}\.\d\d exceeds limits\.maxOrderValue USD 30,000\.00$/,
      ),
    ]);

    // §26: a lookup (print-*) never replaces the card's last rebalance result; the breach shows on the preview.
    expect((await stack.runtime.accountState.get('DU1900002')).lastResult ?? null).toBeNull();

    const id = await stack.run('DU1900002', 'rebalance');
    const failed = await stack.waitFor(id, (e) => e.lastError !== null, 15_000);
    expect(failed.lastError?.kind).toBe('rejected');
    expect(failed.lastError?.message).toMatch(/limits\.maxOrderValue USD 30,000\.00/);
    expect(failed.needsAttention).toBe(true);
    expect(stack.gateway.orders({ accountId: 'DU1900002' })).toHaveLength(0);
  });

  it('refuses a signal that moves the targets more than limits.maxAllocationChangePercent from the last rebalance', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1900004', cash: 50_000, strategy: 'growth-a' }],
      settings: { limits: { maxAllocationChangePercent: 25 } },
    });
    // The first rebalance has nothing to compare with; it trades and becomes the baseline.
    await stack.waitFor(await stack.run('DU1900004', 'rebalance'), 'done', 30_000);
    const ordersBefore = stack.gateway.orders({ accountId: 'DU1900004' }).length;

    // A glitch: everything into TLT, ½ (0.4 + 0.7 + 0.3) = 70 % change.
    stack.allocations.setAllocations('growth-a', [{ symbol: 'TLT', weight: 1 }], '2026-11-21');
    const id = await stack.run('DU1900004', 'rebalance');
    const failed = await stack.waitFor(id, (e) => e.lastError !== null, 15_000);
    expect(failed.lastError).toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining(
        'target weights change by 70.00 % since the last rebalance, above limits.maxAllocationChangePercent 25 %',
      ),
    });
    expect(stack.gateway.orders({ accountId: 'DU1900004' })).toHaveLength(ordersBefore);
  });

  it('sells at market and buys with a marketable limit when orders.sellType and orders.buyType say so', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        {
          accountId: 'DU1900003',
          cash: 10_000,
          positions: [{ symbol: 'QQQ', quantity: 50, avgCost: 500 }],
          strategy: 'growth-a',
        },
      ],
      settings: { orders: { type: 'MKT', buyType: 'LMT', limitOffsetPercent: 0.5, whatIf: false } },
    });
    const id = await stack.run('DU1900003', 'rebalance');
    await stack.waitFor(id, 'done', 30_000);
    const sent = stack.gateway.orders({ accountId: 'DU1900003' });
    const sells = sent.filter((o) => o.action === 'SELL');
    const buys = sent.filter((o) => o.action === 'BUY');
    expect(sells.length).toBeGreaterThan(0);
    expect(buys.length).toBeGreaterThan(0);
    for (const o of sells) expect(o).toMatchObject({ orderType: 'MKT', lmtPrice: null });
    for (const o of buys) {
      expect(o.orderType).toBe('LMT');
      expect(o.lmtPrice).toBeGreaterThan(0);
    }
    expect(await remainingOrders(stack, 'DU1900003')).toEqual([]);
  });
});

describe('Rebalance all (§23)', () => {
  it('enqueues the command for every enabled account of the trading mode and answers per account', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        { accountId: 'DU1900011', cash: 10_000, strategy: 'growth-a' },
        { accountId: 'DU1900012', cash: 10_000, strategy: 'growth-a' },
        { accountId: 'DU1900013', cash: 10_000, strategy: 'growth-a', enabled: false },
        { accountId: 'U1900014', cash: 10_000, strategy: 'growth-a', type: 'live' },
      ],
    });
    await stack.runtime.queue.pause();
    // DU1900012 already has a rebalance waiting.
    const waiting = await stack.run('DU1900012', 'rebalance');

    const { results } = await stack.runtime.handlers.runCommandAll({ command: 'rebalance' });
    expect(results.map((r) => [r.accountId, r.status])).toEqual([
      ['DU1900011', 'queued'],
      ['DU1900012', 'duplicate'],
    ]);
    expect(results[1]).toMatchObject({ status: 'duplicate', existingId: waiting });
    const queued = results[0]!.status === 'queued' ? results[0]!.event : null;
    expect(queued).toMatchObject({ accountId: 'DU1900011', command: 'rebalance', source: 'manual', status: 'pending' });

    const pending = await stack.runtime.queue.list({ state: 'pending', limit: 100, offset: 0 });
    expect(pending.events.map((e) => e.accountId).sort()).toEqual(['DU1900011', 'DU1900012']);
  });
});
