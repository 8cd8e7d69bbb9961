/**
 * PRODUCT.md §20 drift monitor through the whole core against the simulated gateway: read-only checks with one quote
 * request per symbol per check shared by the accounts, the drift on GET /api/accounts, one notification per crossing
 * (also across a restart), the re-arm, `autoRebalance`, `checkMinutes: 0` and the liquid hours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DriftCheck } from '../../src/core/drift/drift-monitor';
import type { Notification, Notifier } from '../../src/core/notify/notifier';
import type { SettingsInput } from '../../src/core/config/schema';
import { startStack, type Stack, type StackOptions } from '../support/stack';

const NEAR = 'DU2100001';
const FAR = 'DU2100002';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

/** Two accounts on one strategy (SPY 60 %, TLT 40 %) at marks 500 and 70. */
async function driftStack(drift: SettingsInput['drift'], extra: Partial<StackOptions> = {}): Promise<Stack> {
  const s = await startStack({
    strategies: {
      'growth-a': {
        allocations: [
          { symbol: 'SPY', weight: 0.6 },
          { symbol: 'TLT', weight: 0.4 },
        ],
      },
    },
    accounts: [
      // NAV 15 000 + 100 × 500 + 500 × 70 = 100 000: SPY 50 % (10 points under), TLT 35 %.
      {
        accountId: NEAR,
        cash: 15_000,
        strategy: 'growth-a',
        positions: [
          { symbol: 'SPY', quantity: 100, avgCost: 480 },
          { symbol: 'TLT', quantity: 500, avgCost: 72 },
        ],
      },
      // All cash: SPY 0 % against 60 %.
      { accountId: FAR, cash: 100_000, strategy: 'growth-a' },
    ],
    settings: { drift, notifications: { desktop: true } },
    ...extra,
  });
  s.gateway.setQuote('SPY', { bid: 499.99, ask: 500.01, last: 500, close: 500 });
  s.gateway.setQuote('TLT', { bid: 69.99, ask: 70.01, last: 70, close: 70 });
  // A check while the core is still connecting is skipped as "IB down" (asserted on its own below): wait for it.
  await s.runtime.ib.whenConnected(10_000);
  return s;
}

function percentOf(check: DriftCheck, accountId: string): number | null {
  if (check.outcome !== 'checked') return null;
  const a = check.accounts.find((x) => x.accountId === accountId);
  return a?.outcome === 'checked' ? a.percent : null;
}

async function card(s: Stack, accountId: string) {
  return (await s.runtime.handlers.accounts({})).accounts.find((a) => a.accountId === accountId)!;
}

describe('drift monitor against the simulator', () => {
  it('checks both accounts with one quote request per symbol, stores drift, notifies once per crossing', async () => {
    const notifier = new RecordingNotifier();
    stack = await driftStack({ checkMinutes: 60, alertPercent: 20 }, { notifier });
    const monitor = stack.runtime.driftMonitor;

    // §24: against the effective targets (1 % reserve: SPY 59.4 %, TLT 39.6 %, cash 1 %), cash a line of its own —
    // NEAR holds 15 % cash (14 points over), FAR 100 % (99 points over).
    const first = await monitor.check();
    expect(percentOf(first, NEAR)).toBe(14);
    expect(percentOf(first, FAR)).toBe(99);
    // Two accounts, two symbols: one request each, shared.
    expect(stack.gateway.marketDataRequests()).toEqual({ SPY: 1, TLT: 1 });
    // Read-only: no order, no event.
    expect(stack.gateway.orders()).toEqual([]);
    expect((await stack.runtime.queue.list({})).total).toBe(0);

    const near = await card(stack, NEAR);
    expect(near.drift).toMatchObject({
      percent: 14,
      bySymbol: { SPY: { current: 50, target: 59.4, diff: -9.4 }, TLT: { current: 35, target: 39.6, diff: -4.6 } },
      cash: { current: 15, target: 1, diff: 14 },
    });
    expect(near.drifted).toBe(false);
    const far = await card(stack, FAR);
    expect(far.drift?.percent).toBe(99);
    expect(far.drifted).toBe(true);
    expect(far.driftAlertPercent).toBe(20);
    expect(notifier.sent).toEqual([
      expect.objectContaining({ body: `${FAR} drifted 99.0 % from target`, accountId: FAR }),
    ]);

    // Still above: no second notification, and no second request for a symbol whose line is still open.
    await monitor.check();
    expect(notifier.sent).toHaveLength(1);
    expect(stack.gateway.marketDataRequests()).toEqual({ SPY: 1, TLT: 1 });

    // A restarted core remembers that this crossing was notified.
    await stack.restartRuntime();
    await stack.runtime.ib.whenConnected(10_000);
    stack.gateway.setQuote('SPY', { bid: 499.99, ask: 500.01, last: 500, close: 500 });
    expect(percentOf(await stack.runtime.driftMonitor.check(), FAR)).toBe(99);
    expect(notifier.sent).toHaveLength(1);

    // Back near target: the alert re-arms (no notification) …
    stack.gateway.setCash(FAR, 1_000);
    stack.gateway.setPosition(FAR, { symbol: 'SPY', quantity: 118, avgCost: 500 });
    stack.gateway.setPosition(FAR, { symbol: 'TLT', quantity: 571, avgCost: 70 });
    await expect.poll(async () => percentOf(await stack!.runtime.driftMonitor.check(), FAR)).toBeLessThan(20);
    expect((await card(stack, FAR)).drifted).toBe(false);
    expect((await stack.runtime.accountState.get(FAR)).driftAlerted).toBe(false);
    expect(notifier.sent).toHaveLength(1);

    // … and the next crossing notifies again.
    stack.gateway.setPosition(FAR, { symbol: 'SPY', quantity: 0, avgCost: 500 });
    await expect.poll(async () => percentOf(await stack!.runtime.driftMonitor.check(), FAR)).toBeGreaterThan(20);
    expect(notifier.sent).toHaveLength(2);
    expect(notifier.sent[1]?.body).toMatch(new RegExp(`^${FAR} drifted \\d+\\.\\d % from target$`));
    expect(stack.gateway.orders()).toEqual([]);
  });

  it('with autoRebalance, a crossing enqueues a rebalance with source "drift"', async () => {
    stack = await driftStack({ checkMinutes: 60, alertPercent: 20, autoRebalance: true });
    const check = await stack.runtime.driftMonitor.check();
    expect(check.outcome).toBe('checked');
    const far = check.outcome === 'checked' ? check.accounts.find((a) => a.accountId === FAR) : undefined;
    expect(far).toMatchObject({ outcome: 'checked', alerted: true });
    const id = far?.outcome === 'checked' ? far.enqueued : null;
    expect(id).toEqual(expect.any(String));
    const event = await stack.waitFor(id!, 'done');
    expect(event).toMatchObject({ accountId: FAR, command: 'rebalance', source: 'drift' });
    // The account within the threshold got no event.
    expect((await stack.runtime.queue.list({ accountId: NEAR })).total).toBe(0);
  });

  it('with a 25 % reserve, a clean rebalance ends at target and autoRebalance then queues nothing (§24)', async () => {
    const RESERVED = 'DU2100003';
    const notifier = new RecordingNotifier();
    stack = await driftStack(
      { checkMinutes: 60, alertPercent: 5, autoRebalance: true },
      { notifier, accounts: [{ accountId: RESERVED, cash: 100_000, strategy: 'growth-a', cashReservePercent: 25 }] },
    );
    const id = await stack.run(RESERVED, 'rebalance');
    const done = await stack.waitFor(id, 'done');
    const report = (done.result as { report: { totals: { driftBefore: number; driftAfter: number } } }).report;
    // Before: all cash, 75 points over the 25 % cash target; after: at the effective targets within whole shares.
    expect(report.totals.driftBefore).toBe(75);
    expect(report.totals.driftAfter).toBeLessThanOrEqual(1);
    const stored = (await card(stack, RESERVED)).drift!;
    expect(stored.percent).toBeLessThanOrEqual(1);
    expect(stored.cash?.target).toBe(25);
    expect(stored.bySymbol.SPY?.target).toBe(45);
    expect(stored.bySymbol.TLT?.target).toBe(30);

    const check = await stack.runtime.driftMonitor.check();
    const reading = check.outcome === 'checked' ? check.accounts.find((a) => a.accountId === RESERVED) : undefined;
    expect(reading).toMatchObject({ outcome: 'checked', alerted: false, enqueued: null });
    expect(percentOf(check, RESERVED)).toBeLessThanOrEqual(1);
    const monitored = (await card(stack, RESERVED)).drift!;
    expect(monitored.cash).toMatchObject({ target: 25 });
    expect(Math.abs(monitored.cash!.diff)).toBeLessThanOrEqual(1);
    expect((await card(stack, RESERVED)).drifted).toBe(false);
    // Only the rebalance it ran itself: the monitor queued nothing and notified nothing.
    expect((await stack.runtime.queue.list({ accountId: RESERVED })).total).toBe(1);
    expect(notifier.sent).toEqual([]);
  });

  it('checkMinutes 0 turns the monitor off: nothing is read or priced', async () => {
    stack = await driftStack({ checkMinutes: 0 });
    expect(await stack.runtime.driftMonitor.check()).toEqual({ outcome: 'off' });
    expect(stack.gateway.marketDataRequests()).toEqual({});
    expect((await card(stack, NEAR)).drift).toBeNull();
  });

  it('outside the liquid hours of the symbols nothing is priced or stored', async () => {
    stack = await driftStack({ checkMinutes: 60 }, { gateway: { marketOpen: false } });
    expect(await stack.runtime.driftMonitor.check()).toEqual({ outcome: 'closed' });
    expect(stack.gateway.marketDataRequests()).toEqual({});
    expect((await card(stack, FAR)).drift).toBeNull();
  });

  it('on a weekend (injected clock) the liquid hours are closed: nothing is priced or stored', async () => {
    // Noon New York time on the next Saturday or Sunday 1 to 6 days ahead: inside the hours the gateway sends.
    const weekend = new Date();
    do weekend.setUTCDate(weekend.getUTCDate() + 1);
    while (weekend.getUTCDay() !== 0 && weekend.getUTCDay() !== 6);
    weekend.setUTCHours(17, 0, 0, 0);
    stack = await driftStack({ checkMinutes: 60 }, { now: () => weekend });
    expect(await stack.runtime.driftMonitor.check()).toEqual({ outcome: 'closed' });
    expect(stack.gateway.marketDataRequests()).toEqual({});
    expect((await card(stack, FAR)).drift).toBeNull();
  });

  it('skips while IB Gateway is down, and a failed account does not stop the others', async () => {
    stack = await driftStack({ checkMinutes: 60 });
    // An account unknown to the gateway fails its read; the known ones are still checked.
    const settings = stack.runtime.settings;
    await stack.runtime.saveSettings({
      ...settings,
      accounts: [...settings.accounts, { ...settings.accounts[0]!, accountId: 'DU2100009', name: 'Ghost' }],
    });
    const check = await stack.runtime.driftMonitor.check();
    expect(percentOf(check, NEAR)).toBe(14);
    expect(percentOf(check, FAR)).toBe(99);
    const ghost = check.outcome === 'checked' ? check.accounts.find((a) => a.accountId === 'DU2100009') : undefined;
    expect(ghost?.outcome).toBe('failed');
    const ghostCard = await card(stack, 'DU2100009');
    expect(ghostCard.drift).toBeNull();
    expect(ghostCard.driftError?.message).toBeTruthy();
    expect((await card(stack, NEAR)).driftError).toBeNull();

    await stack.gateway.stop();
    await expect.poll(() => stack!.runtime.ib.status().state).not.toBe('connected');
    expect(await stack.runtime.driftMonitor.check()).toEqual({ outcome: 'ib-down' });
  });
});
