/**
 * PRODUCT.md §21 PDT guard through the whole core against the simulated gateway: with no day trades left under
 * $25 000, a symbol bought today is not sold today — the preview shows it, the live run leaves it out and ends
 * `partial`, delayed to the next session open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/shared/dto';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU1700001';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const shares = (s: Stack, symbol: string) =>
  s.gateway.positions(ACCOUNT).find((p) => p.symbol === symbol)?.quantity ?? 0;

describe('the PDT guard', () => {
  it('never sells today what was bought today, and ends partial until the next session open', async () => {
    stack = await startStack({
      strategies: { 'pdt-a': { allocations: [{ symbol: 'SPY', weight: 1 }] } },
      accounts: [
        {
          accountId: ACCOUNT,
          cash: 20_000,
          strategy: 'pdt-a',
          positions: [{ symbol: 'TLT', quantity: 20, avgCost: 90 }],
        },
      ],
    });
    stack.gateway.setDayTradesRemaining(ACCOUNT, 0);
    // Buys SPY today (and sells TLT, held overnight: no day trade).
    await stack.waitFor(await stack.run(ACCOUNT, 'rebalance'), 'done', 30_000);
    const spy = shares(stack, 'SPY');
    expect(spy).toBeGreaterThan(0);
    expect(shares(stack, 'TLT')).toBe(0);

    // The strategy moves to GLD: selling SPY today would be a day trade.
    stack.allocations.setAllocations('pdt-a', [{ symbol: 'GLD', weight: 1 }]);
    const preview = await stack.waitFor(await stack.run(ACCOUNT, 'print-rebalance'), 'done');
    const plan = (preview.result as { plan: Plan }).plan;
    const row = plan.rows.find((r) => r.symbol === 'SPY');
    expect(row).toMatchObject({ order: null, currentShares: spy });
    expect(row?.note).toContain('would be a day trade (PDT)');
    expect(plan.warnings.join(' ')).toContain('PDT guard');

    const id = await stack.run(ACCOUNT, 'rebalance');
    const delayed = await stack.waitFor(id, 'delayed', 30_000);
    expect(delayed.lastError?.kind).toBe('partial');
    expect(delayed.lastError?.message).toContain('sell of SPY left out: would be a day trade (PDT)');
    expect(Date.parse(delayed.nextAttemptAt!)).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(shares(stack, 'SPY')).toBe(spy);
    // No SPY sell was ever sent; the buys used only the cash there was.
    expect(
      stack.gateway.orders({ accountId: ACCOUNT }).filter((o) => o.symbol === 'SPY' && o.action === 'SELL'),
    ).toEqual([]);
    expect(stack.gateway.cash(ACCOUNT)).toBeGreaterThanOrEqual(0);

    // With day trades available again (or on the next day) the retry finishes the job.
    stack.gateway.setDayTradesRemaining(ACCOUNT, -1);
    await stack.runtime.queue.retryNow(id);
    await stack.waitFor(id, 'done', 30_000);
    expect(shares(stack, 'SPY')).toBe(0);
    expect(shares(stack, 'GLD')).toBeGreaterThan(0);
  });

  it('leaves an account with pdtGuard off alone', async () => {
    stack = await startStack({
      strategies: { 'pdt-b': { allocations: [{ symbol: 'SPY', weight: 1 }] } },
      accounts: [{ accountId: ACCOUNT, cash: 20_000, strategy: 'pdt-b' }],
      settings: { accounts: [{ accountId: ACCOUNT, strategy: 'pdt-b', pdtGuard: false }] },
    });
    stack.gateway.setDayTradesRemaining(ACCOUNT, 0);
    await stack.waitFor(await stack.run(ACCOUNT, 'rebalance'), 'done', 30_000);
    stack.allocations.setAllocations('pdt-b', [{ symbol: 'GLD', weight: 1 }]);
    await stack.waitFor(await stack.run(ACCOUNT, 'rebalance'), 'done', 30_000);
    expect(shares(stack, 'SPY')).toBe(0);
  });
});
