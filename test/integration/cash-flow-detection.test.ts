/**
 * PRODUCT.md §27 cash-flow detection against the simulated gateway: a deposit and a withdrawal (the simulator's
 * `setCash`) are recorded, listed and on the account; this app's own fills and their commissions never are; a change
 * below `cashFlows.minAmount` is not; `cashFlow: "top-up"` queues a buy-only rebalance with `source: "cash-flow"`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/shared/dto';
import type { Notification } from '../../src/core/notify/notifier';
import { ordersOf } from '../../src/core/domain/planner';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU2700002';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const strategies = {
  'flow-a': {
    allocations: [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'TLT', weight: 0.5 },
    ],
  },
};
const account = (cashFlow: 'notify' | 'top-up' | 'ignore', more: Record<string, unknown> = {}) => ({
  accountId: ACCOUNT,
  name: 'Flow',
  strategy: 'flow-a',
  cashReservePercent: 1,
  cashFlow,
  ...more,
});

/** A desktop notifier that records what it is asked to show. */
function recordingNotifier() {
  const sent: Notification[] = [];
  return { sent, notifier: { notify: async (n: Notification) => void sent.push(n) } };
}

/**
 * Sets the simulated account's cash and waits until the core's IB client shows it: the simulator pushes the new
 * account summary over the socket, and a check that reads before the push arrives compares the old cash.
 */
async function setCashSeen(cash: number): Promise<void> {
  stack!.gateway.setCash(ACCOUNT, cash);
  await cashSeen(cash);
}

/** Waits until the core's IB client shows `cash` for the account (checks here run with no settle time). */
async function cashSeen(cash: number): Promise<void> {
  await vi.waitFor(
    async () => expect((await stack!.runtime.ib.getEquity(ACCOUNT)).totalCashValue).toBeCloseTo(cash, 2),
    { timeout: 10_000, interval: 50 },
  );
}

describe('cash-flow detection', () => {
  it('records deposits and withdrawals, never a fill or its commission, nothing below the minimum', async () => {
    stack = await startStack({
      strategies,
      accounts: [{ accountId: ACCOUNT, cash: 50_000, strategy: 'flow-a' }],
      // 1 USD: a commission left out of the sum would show up as a cash flow.
      settings: { accounts: [account('notify')], cashFlows: { minAmount: 1 } },
    });
    const detector = stack.runtime.cashFlowDetector;
    const check = () => detector.check(ACCOUNT, { settleMs: 0 });
    expect(await check()).toBeNull(); // the first reading is the baseline

    await setCashSeen(55_000);
    expect(await check()).toMatchObject({ accountId: ACCOUNT, amount: 5_000 });

    // A rebalance buys SPY and TLT with ~54 000: fills and commissions move the cash, no cash flow.
    await stack.waitFor(await stack.run(ACCOUNT, 'rebalance'), 'done', 30_000);
    expect(stack.gateway.fills({ accountId: ACCOUNT }).length).toBeGreaterThan(0);
    await cashSeen(stack.gateway.cash(ACCOUNT));
    expect(await check()).toBeNull();

    const cash = stack.gateway.cash(ACCOUNT);
    await setCashSeen(cash - 2_000);
    // The core checks the account itself once a rebalance is done; on a busy machine that check can read the cash
    // after this change and record the withdrawal first. Either way it is recorded once.
    const withdrawal = await check();
    expect(withdrawal === null ? null : withdrawal.amount).toBeOneOf([null, -2_000]);
    const listed = async () =>
      (await stack!.runtime.handlers.listCashFlows({ accountId: ACCOUNT, limit: 10 })).cashFlows;
    expect((await listed()).map((f) => f.amount)).toEqual([-2_000, 5_000]);
    await setCashSeen(cash - 2_000 + 0.5);
    expect(await check()).toBeNull();

    const handlers = stack.runtime.handlers;
    const { cashFlows } = await handlers.listCashFlows({ accountId: ACCOUNT, limit: 10 });
    expect(cashFlows.map((f) => f.amount)).toEqual([-2_000, 5_000]);
    const { accounts } = await handlers.accounts({});
    expect(accounts.find((a) => a.accountId === ACCOUNT)?.lastCashFlow).toMatchObject({ amount: -2_000 });
  });

  it('tops up a deposit with a buy-only rebalance from source cash-flow that sells nothing', async () => {
    stack = await startStack({
      strategies,
      accounts: [
        {
          accountId: ACCOUNT,
          cash: 100,
          strategy: 'flow-a',
          positions: [
            { symbol: 'SPY', quantity: 60, avgCost: 500 },
            { symbol: 'TLT', quantity: 100, avgCost: 90 },
          ],
        },
      ],
      settings: { accounts: [account('top-up')] },
    });
    const detector = stack.runtime.cashFlowDetector;
    await detector.check(ACCOUNT, { settleMs: 0 });
    await setCashSeen(20_100);
    const flow = await detector.check(ACCOUNT, { settleMs: 0 });
    expect(flow).toMatchObject({ amount: 20_000 });
    expect(flow?.eventId).toBeTruthy();
    const done = await stack.waitFor(flow!.eventId!, 'done', 30_000);
    expect(done).toMatchObject({ command: 'rebalance', source: 'cash-flow', payload: { mode: 'buy-only' } });
    const plan = (done.result as { plan: Plan }).plan;
    expect(plan.mode).toBe('buy-only');
    expect(ordersOf(plan).length).toBeGreaterThan(0);
    expect(stack.gateway.orders({ accountId: ACCOUNT }).filter((o) => o.action === 'SELL')).toEqual([]);
    expect(await detector.check(ACCOUNT, { settleMs: 0 })).toBeNull();
  });

  it('notifies a deposit and a withdrawal naming the account ("notify"); "ignore" records it without telling anyone', async () => {
    const { sent, notifier } = recordingNotifier();
    stack = await startStack({
      strategies,
      accounts: [{ accountId: ACCOUNT, cash: 50_000, strategy: 'flow-a' }],
      settings: { accounts: [account('notify')], notifications: { desktop: true } },
      notifier,
    });
    const detector = stack.runtime.cashFlowDetector;
    const check = () => detector.check(ACCOUNT, { settleMs: 0 });
    await check();
    await setCashSeen(52_500);
    await check();
    await setCashSeen(51_500);
    await check();
    const flows = sent.filter((n) => n.title.startsWith('Deposit') || n.title.startsWith('Withdrawal'));
    expect(flows.map((n) => [n.title, n.body])).toEqual([
      ['Deposit on Flow', 'USD 2,500.00 added to Flow.'],
      ['Withdrawal from Flow', 'USD 1,000.00 taken out of Flow.'],
    ]);

    expect(
      (await stack.runtime.handlers.listCashFlows({ accountId: ACCOUNT, limit: 10 })).cashFlows.map((f) => f.amount),
    ).toEqual([-1_000, 2_500]);
    await stack.stop();

    const ignoring = recordingNotifier();
    stack = await startStack({
      strategies,
      accounts: [{ accountId: ACCOUNT, cash: 50_000, strategy: 'flow-a' }],
      settings: { accounts: [account('ignore')], notifications: { desktop: true } },
      notifier: ignoring.notifier,
    });
    const quiet = () => stack!.runtime.cashFlowDetector.check(ACCOUNT, { settleMs: 0 });
    await quiet();
    await setCashSeen(60_000);
    expect(await quiet()).toMatchObject({ amount: 10_000, eventId: null });
    // kept on the card and in Trade log, told to nobody
    const kept = await stack.runtime.handlers.listCashFlows({ accountId: ACCOUNT, limit: 10 });
    expect(kept.cashFlows.map((f) => f.amount)).toEqual([10_000]);
    const { accounts } = await stack.runtime.handlers.accounts({});
    expect(accounts.find((a) => a.accountId === ACCOUNT)?.lastCashFlow).toMatchObject({ amount: 10_000 });
    expect(ignoring.sent.filter((n) => n.title.startsWith('Deposit'))).toEqual([]);
  });

  it('holds a top-up for approval like any other rebalance when the account is set to confirm (§19)', async () => {
    stack = await startStack({
      strategies,
      accounts: [{ accountId: ACCOUNT, cash: 100, strategy: 'flow-a' }],
      settings: { accounts: [account('top-up', { approval: 'confirm' })] },
    });
    const detector = stack.runtime.cashFlowDetector;
    await detector.check(ACCOUNT, { settleMs: 0 });
    await setCashSeen(10_100);
    const flow = await detector.check(ACCOUNT, { settleMs: 0 });
    const awaiting = await stack.waitFor(flow!.eventId!, 'awaiting', 30_000);
    expect(awaiting).toMatchObject({ source: 'cash-flow', payload: { mode: 'buy-only' } });
    expect(stack.gateway.orders({ accountId: ACCOUNT }).filter((o) => !o.whatIf)).toEqual([]);
  });
});
