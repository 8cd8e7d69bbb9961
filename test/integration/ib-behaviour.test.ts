/**
 * PRODUCT.md §17, IB's real behaviour staged by the simulator: each case runs the whole live rebalance (simulated
 * gateway + the real IB client + the rebalance command) and checks what a trader would: the event finishes on its
 * first attempt, the account ends at target, every planned symbol got exactly one order, and every execution was
 * recorded once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord, Plan, TradeRecord } from '../../src/shared/dto';
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

/** Holds QQQ and IEF (not in the targets) and some cash: the rebalance sells two symbols, then buys three. */
const ACCOUNT = {
  accountId: 'DU1200001',
  cash: 20_000,
  positions: [
    { symbol: 'QQQ', quantity: 60, avgCost: 400 },
    { symbol: 'IEF', quantity: 200, avgCost: 95 },
  ],
  strategy: 'growth-a',
};

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

/** Resolves with the first answer of `probe` that is not null or false (polled by vi.waitFor). */
function until<T>(probe: () => Promise<T | null | false> | T | null | false, what: string, ms = 30_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === null || value === false) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: ms, interval: 50 },
  );
}

/**
 * The rebalance `id` of `accountId` finished on its first attempt at target, with one order per symbol the preview
 * planned (no extra, none repeated) and each gateway execution in the trade log exactly once. Answers the trade log.
 */
async function expectCleanRebalance(s: Stack, accountId: string, done: EventRecord): Promise<TradeRecord[]> {
  expect(done.status).toBe('done');
  expect(done.timesQueued).toBe(1);
  expect(done.lastError).toBeNull();
  expect(await remainingOrders(s, accountId)).toEqual([]);

  const plan = (done.result as { plan: Plan }).plan;
  const planned = plan.rows
    .filter((r) => r.order)
    .map((r) => `${r.order!.side} ${r.symbol}`)
    .sort();
  const sent = s.gateway
    .orders({ accountId })
    .filter((o) => !o.whatIf && o.clientId !== 0)
    .map((o) => `${o.action} ${o.symbol}`)
    .sort();
  expect(sent).toEqual(planned);

  const gatewayFills = s.gateway.fills({ accountId });
  expect(gatewayFills.length).toBeGreaterThan(0);
  const own = gatewayFills.filter((f) => f.orderRef === `rd:${done.id}`);
  const trades = await until(async () => {
    const list = await s.runtime.trades.list({ accountId });
    return list.filter((t) => t.kind === 'fill').length >= own.length ? list : null;
  }, 'every fill in the trade log');
  const fills = trades.filter((t) => t.kind === 'fill');
  expect(fills.map((f) => f.id).sort()).toEqual(own.map((f) => f.execId).sort());
  return trades;
}

/** The status changes the trade log recorded for each order, oldest first. */
function statusesByOrder(trades: TradeRecord[]): Map<number, { status: string; at: number }[]> {
  const out = new Map<number, { status: string; at: number }[]>();
  for (const t of trades) {
    if (t.kind !== 'order' || t.orderId === null || t.status === 'PendingSubmit') continue;
    out.set(t.orderId, [...(out.get(t.orderId) ?? []), { status: t.status, at: Date.parse(t.at) }]);
  }
  return out;
}

describe("IB's real behaviour during a live rebalance", () => {
  it('takes the farm notices 2104 / 2106 / 2158 at connect as notices: no error, the IB light stays green', async () => {
    stack = await startStack({ strategies: STRATEGIES, accounts: [ACCOUNT], gateway: { farmNotices: true } });
    const id = await stack.run(ACCOUNT.accountId, 'rebalance');
    await expectCleanRebalance(stack, ACCOUNT.accountId, await stack.waitFor(id, 'done', 30_000));
    const health = await stack.runtime.health();
    expect(health.ib.state).toBe('green');
    expect(health.ib.detail).toMatch(/^connected to /);
    const loud = stack.runtime.tail.query({ level: 'warn' });
    expect(loud.filter((l) => /210[46]|2158|farm/i.test(JSON.stringify(l)))).toEqual([]);
  });

  it('waits through PreSubmitted before Submitted and records the statuses in order', async () => {
    stack = await startStack({ strategies: STRATEGIES, accounts: [ACCOUNT], gateway: { preSubmittedMs: 300 } });
    const id = await stack.run(ACCOUNT.accountId, 'rebalance');
    const trades = await expectCleanRebalance(stack, ACCOUNT.accountId, await stack.waitFor(id, 'done', 30_000));
    const statuses = statusesByOrder(trades);
    expect(statuses.size).toBe(5);
    for (const list of statuses.values()) {
      expect(list.map((s) => s.status)).toEqual(['PreSubmitted', 'Submitted', 'Filled']);
      // Each order rested PreSubmitted for the simulator's 300 ms before it was submitted (a floor the simulator
      // guarantees, not a speed bound on the app).
      expect(list[1]!.at - list[0]!.at).toBeGreaterThanOrEqual(250);
    }
  });

  it('waits for fills that arrive in several parts over seconds, and records each part once', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [ACCOUNT],
      gateway: { partialFills: 3, fillIntervalMs: 600 },
      settings: { orders: { fillTimeoutMs: 30_000 } },
    });
    const id = await stack.run(ACCOUNT.accountId, 'rebalance');
    await expectCleanRebalance(stack, ACCOUNT.accountId, await stack.waitFor(id, 'done', 60_000));
    const perOrder = new Map<number, number>();
    for (const f of stack.gateway.fills({ accountId: ACCOUNT.accountId })) {
      perOrder.set(f.orderId, (perOrder.get(f.orderId) ?? 0) + 1);
    }
    expect([...perOrder.values()]).toEqual([3, 3, 3, 3, 3]);
    const first = stack.gateway.fills({ accountId: ACCOUNT.accountId })[0]!;
    const last = stack.gateway.fills({ accountId: ACCOUNT.accountId }).at(-1)!;
    // Five orders in three parts each, 600 ms apart: the fills span seconds (not a timing bound on the app).
    expect(last.time - first.time).toBeGreaterThanOrEqual(2 * 600);
  });

  it('takes a 399 warning on an order as a notice: the order fills and the event succeeds first time', async () => {
    stack = await startStack({ strategies: STRATEGIES, accounts: [ACCOUNT], gateway: { orderWarning: {} } });
    const id = await stack.run(ACCOUNT.accountId, 'rebalance');
    const done = await stack.waitFor(id, (e) => e.status === 'done' || e.lastError !== null, 30_000);
    await expectCleanRebalance(stack, ACCOUNT.accountId, done);
    const orders = (done.result as { orders: { status: string }[] }).orders;
    expect(orders.map((o) => o.status)).toEqual(['Filled', 'Filled', 'Filled', 'Filled', 'Filled']);
  });

  it('rides out 1100 → 1102 mid-rebalance on the same socket: amber with the reason, then green, at target', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [ACCOUNT],
      settings: { orders: { fillTimeoutMs: 120_000 } },
    });
    await until(async () => (await stack!.runtime.health()).ib.state === 'green', 'the IB light to be green');
    const clients = stack.gateway.connectedClients();
    stack.gateway.loseConnectivity({ afterNextFill: 'SELL' });
    const id = await stack.run(ACCOUNT.accountId, 'rebalance');
    const amber = await until(async () => {
      const h = await stack!.runtime.health();
      return h.ib.state === 'amber' ? h.ib : null;
    }, 'the IB light to go amber on 1100');
    expect(amber.detail).toMatch(/1100/);
    expect(stack.gateway.connectivityLost()).toBe(true);
    // Nothing fills while IB is unreachable; the event keeps waiting instead of failing.
    expect((await stack.runtime.queue.get(id))?.event.status).toBe('active');
    stack.gateway.restoreConnectivity();
    const done = await stack.waitFor(id, (e) => e.status === 'done' || e.lastError !== null, 60_000);
    await expectCleanRebalance(stack, ACCOUNT.accountId, done);
    const health = await stack.runtime.health();
    expect(health.ib.state).toBe('green');
    expect(stack.gateway.connectedClients()).toEqual(clients);
  });

  it("counts another client's working order on a planned symbol as filled and leaves it alone", async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU1200002', cash: 100_000, strategy: 'growth-a' }],
    });
    const foreignId = stack.gateway.addForeignOrder({
      clientId: 0,
      accountId: 'DU1200002',
      symbol: 'SPY',
      action: 'BUY',
      totalQuantity: 20,
    });
    const id = await stack.run('DU1200002', 'rebalance');
    const done = await stack.waitFor(id, (e) => e.status === 'done' || e.lastError !== null, 30_000);
    const plan = (done.result as { plan: Plan }).plan;
    const spy = plan.rows.find((r) => r.symbol === 'SPY')!;
    expect(spy.order).toEqual({ side: 'BUY', quantity: spy.targetShares - 20 });
    await expectCleanRebalance(stack, 'DU1200002', done);
    const foreign = stack.gateway.orders({ clientId: 0 }).find((o) => o.orderId === foreignId)!;
    expect(foreign.status).toBe('Submitted');
    // When the other client's order executes, the account holds exactly its target with no order of ours.
    const before = stack.gateway.orders({ accountId: 'DU1200002' }).length;
    stack.gateway.fillForeignOrder(foreignId, 0);
    const held = stack.gateway.positions('DU1200002').find((p) => p.symbol === 'SPY')!.quantity;
    expect(held).toBe(spy.targetShares);
    expect(await remainingOrders(stack, 'DU1200002')).toEqual([]);
    expect(stack.gateway.orders({ accountId: 'DU1200002' })).toHaveLength(before);
  });
});
