/**
 * §19 approval before trading, end to end through the core against the simulated gateway: confirm, timer, reject,
 * and a plan that changed between approval and the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord, Plan } from '../../src/shared/dto';
import { createHttpApp } from '../../src/server/http-app';
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

const liveOrders = (s: Stack, accountId: string) => s.gateway.orders({ accountId }).filter((o) => !o.whatIf);

const planOf = (e: EventRecord): Plan => (e.result as { plan: Plan }).plan;

/** POSTs `/api/queue/events/:id/<action>` through the HTTP app generated from the contract. */
async function post(s: Stack, id: string, action: 'approve' | 'reject', body: object = {}) {
  const app = createHttpApp({ handlers: s.runtime.handlers, token: 't', subscribe: () => () => {} });
  const res = await app.request(`http://x/api/queue/events/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function actions(s: Stack, id: string): Promise<string[]> {
  return ((await s.runtime.queue.get(id))?.history ?? []).map(
    (h) => `${h.action}:${h.by.replace(/^.*:w\d+$/, 'worker')}`,
  );
}

describe('approval before trading', () => {
  it('confirm: the plan waits in awaiting with no order sent, and trades once approved', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU2000101', cash: 100_000, strategy: 'growth-a', approval: 'confirm' }],
    });
    // a preview never waits
    const previewId = await stack.run('DU2000101', 'print-rebalance');
    const preview = await stack.waitFor(previewId, 'done');

    const id = await stack.run('DU2000101', 'rebalance');
    const waiting = await stack.waitFor(id, 'awaiting');
    expect(planOf(waiting).rows.map((r) => r.order)).toEqual(planOf(preview).rows.map((r) => r.order));
    expect(waiting.approval).toMatchObject({ autoApproveAt: null, approvedAt: null });
    expect(waiting.approval?.planHash).toMatch(/^[0-9a-f]{16}$/);
    expect(liveOrders(stack, 'DU2000101')).toHaveLength(0);
    expect((await stack.runtime.queue.status()).counts.awaiting).toBe(1);
    // deduplication holds while it waits
    expect(
      (await stack.runtime.queue.enqueue({ accountId: 'DU2000101', command: 'rebalance', source: 'manual' })).status,
    ).toBe('duplicate');

    const approved = await post(stack, id, 'approve', { expectedStatus: 'awaiting' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'pending' });
    const again = await post(stack, id, 'approve', { expectedStatus: 'awaiting' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'conflict' });
    const done = await stack.waitFor(id, 'done', 30_000);
    expect((done.result as { orders: unknown[] }).orders.length).toBeGreaterThan(0);
    expect(await remainingOrders(stack, 'DU2000101')).toEqual([]);
    expect(await actions(stack, id)).toEqual(
      expect.arrayContaining(['awaiting-approval:worker', 'approved:operator', 'completed:worker']),
    );
  });

  it('timer: trades by itself once approvalMinutes have passed, history auto-approved', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [
        { accountId: 'DU2000201', cash: 50_000, strategy: 'growth-a', approval: 'timer', approvalMinutes: 0.05 },
      ],
    });
    const id = await stack.run('DU2000201', 'rebalance');
    const waiting = await stack.waitFor(id, 'awaiting');
    const autoAt = Date.parse(waiting.approval!.autoApproveAt!);
    expect(autoAt - Date.parse(waiting.approval!.requestedAt)).toBe(3_000);
    expect(liveOrders(stack, 'DU2000201')).toHaveLength(0);
    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.approval).toMatchObject({ approvedBy: 'timer' });
    expect(await actions(stack, id)).toContain('auto-approved:timer');
    expect(await remainingOrders(stack, 'DU2000201')).toEqual([]);
  });

  it('reject: done with rejectedByTrader and the plan, nothing traded, the account free for the next signal', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU2000301', cash: 50_000, strategy: 'growth-a', approval: 'confirm' }],
    });
    const id = await stack.run('DU2000301', 'rebalance');
    const waiting = await stack.waitFor(id, 'awaiting');
    const res = await post(stack, id, 'reject');
    expect(res.status).toBe(200);
    const rejected = res.body as unknown as EventRecord;
    expect(rejected.status).toBe('done');
    expect((await post(stack, id, 'approve')).status).toBe(409);
    expect(rejected.result).toMatchObject({ rejectedByTrader: true, plan: planOf(waiting) });
    expect(liveOrders(stack, 'DU2000301')).toHaveLength(0);
    const next = await stack.run('DU2000301', 'rebalance');
    await stack.waitFor(next, 'awaiting');
  });

  it('returns to awaiting with the new plan when a quote moved after approval, then trades the new one', async () => {
    stack = await startStack({
      strategies: STRATEGIES,
      accounts: [{ accountId: 'DU2000401', cash: 100_000, strategy: 'growth-a', approval: 'confirm' }],
    });
    const id = await stack.run('DU2000401', 'rebalance');
    const waiting = await stack.waitFor(id, 'awaiting');
    const spy = planOf(waiting).rows.find((r) => r.symbol === 'SPY')!;

    // approve while paused, move SPY up 25 %, then let the approved run re-plan
    await stack.runtime.queue.pause();
    await stack.runtime.queue.approve(id, 'awaiting');
    const up = Math.round(spy.price * 125) / 100;
    stack.gateway.setQuote('SPY', { bid: up - 0.02, ask: up + 0.02, last: up });
    // until the core's short-lived quote cache shows the new price
    for (;;) {
      const mark = (await stack.runtime.ib.getQuotes(['SPY'])).get('SPY')?.mark ?? 0;
      if (Math.abs(mark - up) < 0.05) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stack.runtime.queue.resume();
    stack.runtime.processor.wakeAll();

    const again = await stack.waitFor(id, (e) => e.status !== 'pending' && e.status !== 'active', 20_000);
    expect(again.status).toBe('awaiting');
    expect(again.approval?.note).toBe('plan changed since approval');
    expect(again.result).toMatchObject({ note: 'plan changed since approval' });
    const newSpy = planOf(again).rows.find((r) => r.symbol === 'SPY')!;
    expect(newSpy.order!.quantity).toBeLessThan(spy.order!.quantity);
    expect(again.approval?.planHash).not.toBe(waiting.approval?.planHash);
    expect(liveOrders(stack, 'DU2000401')).toHaveLength(0);
    const history = (await stack.runtime.queue.get(id))!.history;
    expect(history.find((h) => h.action === 'awaiting-approval' && h.note)?.note).toContain(
      'plan changed since approval',
    );

    await stack.runtime.queue.approve(id, 'awaiting');
    const done = await stack.waitFor(id, 'done', 30_000);
    const bought = liveOrders(stack, 'DU2000401').find((o) => o.symbol === 'SPY')!;
    expect(bought.totalQuantity).toBe(newSpy.order!.quantity);
    expect(done.approval?.approvedHash).toBe(again.approval?.planHash);
  });
});
