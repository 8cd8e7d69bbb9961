/**
 * PRODUCT.md §21 schedules through the whole core against the simulated gateway, on an injected clock: a firing
 * enqueues with `source: "schedule"` and its id, runs to done, shows as the Accounts card's next firing, and a
 * restart of the core does not fire it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU1600001';
let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

describe('schedules through the core', () => {
  it('a firing enqueues once with its id, runs, and a restarted core does not fire it again', async () => {
    let t = Date.parse('2026-12-01T14:34:00Z');
    stack = await startStack({
      now: () => new Date(t),
      strategies: { 'growth-a': { allocations: [{ symbol: 'SPY', weight: 1 }] } },
      accounts: [{ accountId: ACCOUNT, cash: 50_000, strategy: 'growth-a' }],
      settings: {
        schedules: [
          {
            id: 'open',
            cron: '35 9 * * 1-5',
            timezone: 'America/New_York',
            accounts: 'all',
            command: 'print-rebalance',
          },
        ],
      },
    });
    const handlers = stack.runtime.handlers;
    const card = async () => (await handlers.accounts({})).accounts.find((a) => a.accountId === ACCOUNT);
    expect((await card())?.nextScheduledRun).toEqual({
      scheduleId: 'open',
      command: 'print-rebalance',
      at: '2026-12-01T14:35:00.000Z',
    });

    t = Date.parse('2026-12-01T14:35:02Z');
    const outcomes = await stack.runtime.scheduler.check();
    const id = 'schedule:open:2026-12-01T14:35:00.000Z:DU1600001';
    expect(outcomes).toEqual([
      { scheduleId: 'open', accountId: ACCOUNT, at: '2026-12-01T14:35:00.000Z', outcome: 'queued', eventId: id },
    ]);
    const done = await stack.waitFor(id, 'done');
    expect(done).toMatchObject({ source: 'schedule', command: 'print-rebalance', accountId: ACCOUNT });
    expect(done.result).toHaveProperty('plan');
    expect((await card())?.nextScheduledRun?.at).toBe('2026-12-02T14:35:00.000Z');

    // A second core (or this one after a restart) that checks the same firing finds the same id: a duplicate.
    await stack.restartRuntime();
    const again = await stack.runtime.queue.enqueue(
      { id, eventId: id, accountId: ACCOUNT, command: 'print-rebalance', source: 'schedule' },
      'schedule',
    );
    expect(again).toEqual({ status: 'duplicate', existingId: id });
    // … and the restarted scheduler starts from now, so the 14:35 firing is not replayed.
    t = Date.parse('2026-12-01T14:40:00Z');
    expect(await stack.runtime.scheduler.check()).toEqual([]);
  });
});
