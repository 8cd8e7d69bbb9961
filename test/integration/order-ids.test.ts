/**
 * PRODUCT.md §24 "order ids are never reused" through the whole core: after a nightly reboot restarts both the app
 * and IB Gateway on the same day, and the gateway answers `nextValidId` below the ids already used, the next rebalance
 * ends on its first attempt — no refused id, no retry delay, no duplicate fill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRecord, Plan } from '../../src/shared/dto';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU2400001';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

function resultOf(s: Stack, id: string) {
  return s.runtime.queue.get(id).then((r) => r!.event.result as { plan: Plan; orders: OrderRecord[] });
}

describe('order ids across a restart of the app and of IB Gateway (§24)', () => {
  it('the next rebalance ends on its first attempt with new ids and no duplicate fill', async () => {
    stack = await startStack({
      strategies: {
        'growth-a': {
          allocations: [
            { symbol: 'SPY', weight: 0.5 },
            { symbol: 'TLT', weight: 0.5 },
          ],
        },
      },
      accounts: [{ accountId: ACCOUNT, cash: 100_000, strategy: 'growth-a' }],
      settings: { orders: { whatIf: false } },
    });
    const first = await stack.run(ACCOUNT, 'rebalance');
    await stack.waitFor(first, 'done', 30_000);
    const before = await resultOf(stack, first);
    const usedIds = before.orders.map((o) => o.orderId);
    expect(usedIds.length).toBeGreaterThan(0);

    // The nightly reboot: the app stops, IB Gateway restarts and rolls its ids back to the first one used today.
    await stack.stopRuntime();
    stack.gateway.simulateRestart({ rollBackOrderIdsTo: Math.min(...usedIds) });
    // New money arrives overnight, so the next rebalance buys.
    stack.gateway.setCash(ACCOUNT, stack.gateway.cash(ACCOUNT) + 50_000);
    await stack.restartRuntime();
    await stack.runtime.ib.whenConnected(10_000);
    const sentBefore = stack.gateway.messageStats().byMsgId[3] ?? 0;

    const second = await stack.run(ACCOUNT, 'rebalance');
    const done = await stack.waitFor(second, 'done', 30_000);
    expect(done.timesQueued).toBe(1);
    expect(done.lastError ?? null).toBeNull();
    const after = await resultOf(stack, second);
    expect(after.orders.length).toBeGreaterThan(0);
    // Every new order under an id above those used before the reboot; each sent exactly once (no refused id).
    for (const o of after.orders) expect(o.orderId).toBeGreaterThan(Math.max(...usedIds));
    expect((stack.gateway.messageStats().byMsgId[3] ?? 0) - sentBefore).toBe(after.orders.length);
    const all = stack.gateway.orders({ accountId: ACCOUNT });
    expect(new Set(all.map((o) => `${o.clientId}:${o.orderId}`)).size).toBe(all.length);
    // No duplicate fill: never more of a symbol than the plan's target.
    for (const row of after.plan.rows) {
      const held = stack.gateway.positions(ACCOUNT).find((p) => p.symbol === row.symbol)?.quantity ?? 0;
      expect(held, row.symbol).toBeLessThanOrEqual(row.targetShares);
    }
  });
});
