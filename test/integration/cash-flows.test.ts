/**
 * PRODUCT.md §27 through the whole core against the simulated gateway: Invest cash (a buy-only rebalance) buys with
 * the deposit and sells nothing; Raise cash sells the most overweight symbols until cash covers the amount and the
 * reserve, buys nothing, goes through approval like a rebalance, and a second run sells nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountEquity, EventRecord, Plan } from '../../src/shared/dto';
import { ordersOf } from '../../src/core/domain/planner';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU2700001';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const shares = (s: Stack, symbol: string) =>
  s.gateway.positions(ACCOUNT).find((p) => p.symbol === symbol)?.quantity ?? 0;

async function enqueue(s: Stack, command: EventRecord['command'], payload: Record<string, unknown>) {
  const result = await s.runtime.queue.enqueue({ accountId: ACCOUNT, command, source: 'manual', payload });
  if (result.status !== 'queued') throw new Error(`duplicate of ${result.existingId}`);
  return result.event.id;
}
const planOf = (e: EventRecord) => (e.result as { plan: Plan }).plan;
const liveOrders = (s: Stack) =>
  s.gateway
    .orders({ accountId: ACCOUNT })
    .filter((o) => !o.whatIf)
    .map((o) => `${o.action} ${o.totalQuantity} ${o.symbol}`);

const strategies = {
  'cash-a': {
    allocations: [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'TLT', weight: 0.5 },
    ],
  },
};

describe('cash flows against the simulator', () => {
  it('Invest cash buys the underweight symbol with the deposit, sells nothing, as its preview said', async () => {
    stack = await startStack({
      strategies,
      // SPY 100 × 672 ≈ 67 000 is far over half; TLT 100 × ~90 under; 20 000 just deposited.
      accounts: [
        {
          accountId: ACCOUNT,
          cash: 20_000,
          strategy: 'cash-a',
          positions: [
            { symbol: 'SPY', quantity: 100, avgCost: 500 },
            { symbol: 'TLT', quantity: 100, avgCost: 90 },
          ],
        },
      ],
    });
    const preview = await stack.waitFor(await enqueue(stack, 'print-rebalance', { mode: 'buy-only' }), 'done');
    const planned = ordersOf(planOf(preview)).map((o) => `${o.side} ${o.quantity} ${o.symbol}`);
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatch(/^BUY \d+ TLT$/);

    const id = await enqueue(stack, 'rebalance', { mode: 'buy-only' });
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(planOf(done).mode).toBe('buy-only');
    expect(liveOrders(stack)).toEqual(planned);
    expect(shares(stack, 'SPY')).toBe(100);
    expect(shares(stack, 'TLT')).toBeGreaterThan(100);
    // The 1 % reserve stays in cash; no margin.
    expect(stack.gateway.cash(ACCOUNT)).toBeGreaterThan(0);
    expect((done.result as { report?: unknown }).report).toBeDefined();
  });

  it('Raise cash sells the overweight symbol until cash covers the amount and the reserve, once', async () => {
    stack = await startStack({
      strategies,
      accounts: [
        {
          accountId: ACCOUNT,
          cash: 1_000,
          strategy: 'cash-a',
          cashReservePercent: 5,
          approval: 'confirm',
          positions: [
            { symbol: 'SPY', quantity: 100, avgCost: 500 },
            { symbol: 'TLT', quantity: 300, avgCost: 90 },
          ],
        },
      ],
    });
    const equity = await stack.waitFor(await stack.run(ACCOUNT, 'print-equity'), 'done');
    const nav = (equity.result as { equity: AccountEquity }).equity.netLiquidation;

    // Through §19 approval like a rebalance: it waits with its plan, then trades once approved.
    const id = await enqueue(stack, 'raise-cash', { amount: 15_000 });
    const awaiting = await stack.waitFor(id, 'awaiting', 30_000);
    const plan = planOf(awaiting);
    expect(plan.mode).toBe('raise-cash');
    expect(ordersOf(plan).every((o) => o.side === 'SELL')).toBe(true);
    expect(ordersOf(plan).map((o) => o.symbol)).toEqual(['SPY']);
    expect(liveOrders(stack)).toEqual([]);

    await stack.runtime.queue.approve(id);
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(liveOrders(stack).every((o) => o.startsWith('SELL'))).toBe(true);
    expect(stack.gateway.cash(ACCOUNT)).toBeGreaterThanOrEqual(15_000 + nav * 0.05);
    expect((done.result as { report?: unknown }).report).toBeDefined();

    // The same amount again finds the cash there and sells nothing more.
    const sent = liveOrders(stack).length;
    const again = await stack.waitFor(await enqueue(stack, 'raise-cash', { amount: 15_000 }), 'done', 30_000);
    expect(ordersOf(planOf(again))).toEqual([]);
    expect(liveOrders(stack)).toHaveLength(sent);
  });

  it('fails a queued raise-cash with a bad amount as invalid, sending nothing', async () => {
    stack = await startStack({
      strategies,
      accounts: [{ accountId: ACCOUNT, cash: 1_000, strategy: 'cash-a' }],
      settings: { queue: { holdOn: ['invalid'] } },
    });
    const id = await enqueue(stack, 'raise-cash', { amount: -100 });
    const held = await stack.waitFor(id, (e) => e.lastError !== null, 30_000);
    expect(held.lastError).toMatchObject({ kind: 'invalid' });
    expect(held.lastError?.message).toContain('payload.amount must be more than 0');
    expect(held.status).toBe('held');
    expect(liveOrders(stack)).toEqual([]);
  });
});
