import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRecord, Plan } from '../../src/shared/dto';
import { remainingOrders, startStack, type Stack, type StackOptions } from '../support/stack';

const STRATEGIES: StackOptions['strategies'] = {
  'growth-a': {
    allocations: [
      { symbol: 'SPY', weight: 0.4 },
      { symbol: 'TLT', weight: 0.3 },
      { symbol: 'GLD', weight: 0.3 },
    ],
  },
  'defensive-b': {
    allocations: [
      { symbol: 'QQQ', weight: 0.5 },
      { symbol: 'IEF', weight: 0.25 },
      { symbol: 'DBC', weight: 0.25 },
    ],
  },
};

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

function sharesOf(s: Stack, accountId: string): Record<string, number> {
  return Object.fromEntries(s.gateway.positions(accountId).map((p) => [p.symbol, p.quantity]));
}

describe('live rebalance through the simulated gateway', () => {
  it('brings three accounts on two strategies to their targets in parallel', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        { accountId: 'DU1000101', cash: 100_000, strategy: 'growth-a' },
        {
          accountId: 'DU1000102',
          cash: 20_000,
          positions: [{ symbol: 'SPY', quantity: 100, avgCost: 400 }],
          strategy: 'growth-a',
        },
        {
          accountId: 'DU1000103',
          cash: 30_000,
          positions: [{ symbol: 'TLT', quantity: 500, avgCost: 100 }],
          strategy: 'defensive-b',
          replacementSet: 'ira',
        },
      ],
      settings: { replacementSets: { ira: [{ source: 'DBC', target: 'PDBC', scale: 1 }] } },
    });
    const ids = await Promise.all(['DU1000101', 'DU1000102', 'DU1000103'].map((a) => stack!.run(a, 'rebalance')));
    const done = await Promise.all(ids.map((id) => stack!.waitFor(id, 'done', 30_000)));
    for (const event of done) expect(event.timesQueued).toBe(1);

    // Sold what the strategy no longer holds; the IRA holds the replacement, never DBC.
    expect(sharesOf(stack, 'DU1000103').TLT ?? 0).toBe(0);
    expect(sharesOf(stack, 'DU1000103').DBC ?? 0).toBe(0);
    expect(sharesOf(stack, 'DU1000103').PDBC).toBeGreaterThan(0);
    for (const accountId of ['DU1000101', 'DU1000102', 'DU1000103']) {
      expect(await remainingOrders(stack, accountId)).toEqual([]);
      expect(stack.gateway.cash(accountId)).toBeGreaterThanOrEqual(0);
    }
    // Every order carries the event's orderRef and was transmitted.
    for (const order of stack.gateway.orders().filter((o) => !o.whatIf)) {
      expect(order.orderRef).toMatch(/^rd:/);
      expect(order.transmit).toBe(true);
    }
    const trades = await stack.runtime.trades.list({ accountId: 'DU1000101' });
    expect(trades.some((t) => t.kind === 'fill' && t.eventId === ids[0])).toBe(true);
  });

  it('sends first exactly the orders print-rebalance previewed from the same state', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        {
          accountId: 'DU1000201',
          cash: 5_000,
          positions: [
            { symbol: 'SPY', quantity: 150, avgCost: 300 },
            { symbol: 'QQQ', quantity: 40, avgCost: 300 },
          ],
          strategy: 'growth-a',
        },
      ],
      settings: { orders: { whatIf: false } },
    });
    const previewId = await stack.run('DU1000201', 'print-rebalance');
    const preview = (await stack.waitFor(previewId, 'done')).result as { plan: Plan };
    const previewSells = preview.plan.rows
      .filter((r) => r.order?.side === 'SELL')
      .map((r) => ({ symbol: r.symbol, side: 'SELL', quantity: r.order!.quantity }));
    expect(stack.gateway.orders()).toHaveLength(0);

    const liveId = await stack.run('DU1000201', 'rebalance');
    const live = (await stack.waitFor(liveId, 'done', 30_000)).result as { plan: Plan; orders: OrderRecord[] };
    const firstSent = stack.gateway
      .orders()
      .slice(0, previewSells.length)
      .map((o) => ({ symbol: o.symbol, side: o.action, quantity: o.totalQuantity }));
    expect(previewSells.length).toBeGreaterThan(0);
    expect(firstSent).toEqual(previewSells);
    expect(live.plan.rows).toEqual(preview.plan.rows);
  });

  it('fails fast while the gateway is down and finishes once it is back', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1000301', cash: 50_000, strategy: 'growth-a' }],
      settings: { queue: { retryDelayMs: 1_000 } },
    });
    stack.gateway.refuseConnections(60_000);
    stack.gateway.dropConnections();
    const started = Date.now();
    const id = await stack.run('DU1000301', 'rebalance');
    const delayed = await stack.waitFor(id, 'delayed', 10_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(delayed.lastError?.kind).toBe('transient');
    stack.gateway.refuseConnections(0);
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.timesQueued).toBeGreaterThanOrEqual(2);
    expect(await remainingOrders(stack, 'DU1000301')).toEqual([]);
  });

  it('retries after a fill timeout with some fills and finishes without doubling', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1000401', cash: 100_000, strategy: 'growth-a' }],
      settings: { orders: { fillTimeoutMs: 1_500 }, queue: { retryDelayMs: 300 } },
      gateway: { partialFills: 2 },
    });
    // The first buy fills half and then stalls: the batch times out with a partial fill.
    stack.gateway.configure({ partialFills: 2 });
    stack.gateway.holdFills(true);
    const id = await stack.run('DU1000401', 'rebalance');
    const failed = await stack.waitFor(id, (e) => e.lastError !== null, 15_000);
    expect(['partial', 'transient']).toContain(failed.lastError?.kind);
    stack.gateway.holdFills(false);
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.timesQueued).toBeGreaterThanOrEqual(2);
    expect(await remainingOrders(stack, 'DU1000401')).toEqual([]);
    // Never more of a symbol than the target: no doubled buys.
    const spy = stack.gateway.positions('DU1000401').find((p) => p.symbol === 'SPY')?.quantity ?? 0;
    const plan = ((await stack.runtime.queue.get(id))!.event.result as { plan: Plan }).plan;
    expect(spy).toBeLessThanOrEqual(plan.rows.find((r) => r.symbol === 'SPY')!.targetShares);
  });

  it('marks a 201 rejection as needing attention, and holds it when holdOn says so', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1000501', cash: 50_000, strategy: 'growth-a' }],
      settings: { queue: { holdOn: ['rejected'] }, orders: { whatIf: false } },
    });
    stack.gateway.rejectNextOrder({ code: 201, message: 'Order rejected - reason: insufficient buying power' });
    const id = await stack.run('DU1000501', 'rebalance');
    const held = await stack.waitFor(id, 'held', 15_000);
    expect(held.lastError?.kind).toBe('rejected');
    expect(held.lastError?.code).toBe(201);
    expect(held.needsAttention).toBe(true);
  });

  it('delays a rebalance to the next open when the market is closed', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1000601', cash: 50_000, strategy: 'growth-a' }],
    });
    stack.gateway.setMarketOpen(false);
    const id = await stack.run('DU1000601', 'rebalance');
    const delayed = await stack.waitFor(id, 'delayed', 15_000);
    expect(delayed.lastError?.kind).toBe('market-closed');
    expect(Date.parse(delayed.nextAttemptAt!)).toBeGreaterThan(Date.now() + 60_000);
    expect(stack.gateway.orders().filter((o) => !o.whatIf)).toHaveLength(0);
  });

  it('finishes exactly at target after the processor stops mid-rebalance and starts again', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        {
          accountId: 'DU1000701',
          cash: 10_000,
          positions: [{ symbol: 'QQQ', quantity: 100, avgCost: 300 }],
          strategy: 'growth-a',
        },
      ],
      settings: { orders: { fillTimeoutMs: 20_000 } },
    });
    stack.gateway.holdFills(true);
    const id = await stack.run('DU1000701', 'rebalance');
    await stack.waitFor(id, 'active');
    // Wait until the sell is working at the gateway, then stop the core in the middle of the rebalance.
    const deadline = Date.now() + 10_000;
    while (stack.gateway.orders().filter((o) => !o.whatIf).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.stopRuntime();
    stack.gateway.holdFills(false);
    await stack.restartRuntime();
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.status).toBe('done');
    expect(await remainingOrders(stack, 'DU1000701')).toEqual([]);
    expect(stack.gateway.positions('DU1000701').find((p) => p.symbol === 'QQQ')?.quantity ?? 0).toBe(0);
  });

  it('never trades a live account while the app is in paper mode, from the queue or from the API', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        { accountId: 'U1000801', cash: 50_000, strategy: 'growth-a', type: 'live' },
        { accountId: 'DU1000802', cash: 50_000, strategy: 'growth-a' },
      ],
    });
    await expect(
      stack.runtime.handlers.runCommand({ accountId: 'U1000801', command: 'rebalance' }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/live account .* paper mode/) });
    // An event that reached the queue anyway (e.g. queued before the mode changed) fails without an order.
    const id = await stack.run('U1000801', 'rebalance');
    const failed = await stack.waitFor(id, (e) => e.lastError !== null);
    expect(failed.lastError?.kind).toBe('invalid');
    expect(stack.gateway.orders({ accountId: 'U1000801' })).toHaveLength(0);
    // Read-only commands still answer for it.
    const equity = await stack.run('U1000801', 'print-equity');
    expect((await stack.waitFor(equity, 'done')).status).toBe('done');
  });
});
