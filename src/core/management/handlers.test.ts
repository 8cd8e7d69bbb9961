import { describe, expect, it } from 'vitest';
import { EVENT_STATUSES, type EventRecord } from '../../shared/dto';
import { parseSettings } from '../config/settings-store';
import { createManagementHandlers } from './handlers';
import type { ManagementPorts } from './ports';

const settings = (() => {
  const parsed = parseSettings({
    accounts: [
      { accountId: 'DU111111', name: 'Paper IRA', strategy: 'etf-blend-200-35', cashReservePercent: 1 },
      { accountId: 'U2222222', name: 'Live', type: 'live', strategy: 'etf-blend-200-35', cashReservePercent: 1 },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.settings;
})();

/** Ports over plain objects, recording what management asks of the core. */
function portsWith(overrides: Partial<ManagementPorts> = {}) {
  const asked: string[] = [];
  const queue = {
    pause: async () => void asked.push('queue.pause'),
    resume: async () => void asked.push('queue.resume'),
    status: async () => ({ paused: asked.at(-1) === 'queue.pause' }),
    enqueue: async (event: { accountId: string; command: string }, by: string) => {
      asked.push(`enqueue ${event.accountId} ${event.command} by ${by}`);
      return { status: 'queued', event: { id: `e-${event.accountId}`, ...event } as unknown as EventRecord };
    },
  };
  const ports = {
    queue,
    settings: {
      current: () => settings,
      loadIssues: () => [],
      saveAndApply: async () => {},
      dataDir: '/d',
      simulated: false,
    },
    processing: { wake: () => asked.push('wake'), healthChanged: () => asked.push('health') },
    accountStates: { all: async () => new Map() },
    money: async () => new Map(),
    nextScheduledRun: () => null,
    feed: {
      missedSignals: () => new Map(),
      enqueueCatchUp: async () => {
        throw new Error('not used');
      },
      feedLog: () => [],
    },
    ...overrides,
  } as unknown as ManagementPorts;
  return { ports, asked };
}

describe('management over its ports', () => {
  it('resumes the queue, wakes the processor and refreshes the status strip', async () => {
    const { ports, asked } = portsWith();
    const handlers = createManagementHandlers(ports);
    await handlers.pause({});
    expect(asked).toEqual(['queue.pause', 'health']);
    await handlers.resume({});
    expect(asked).toEqual(['queue.pause', 'health', 'queue.resume', 'wake', 'health']);
  });

  it('answers the Queue page in one call: what health, queueStatus, listEvents and setupProgress answer (§16)', async () => {
    const lists: unknown[] = [];
    const health = { status: 'ok', ib: { state: 'green', detail: 'connected' } };
    let healthReads = 0;
    const { ports } = portsWith({
      health: async () => {
        healthReads += 1;
        return health as never;
      },
      setup: {
        read: async () => ({ lastCheck: null, firstPreview: null, completedAt: null }),
        noteComplete: async () => undefined,
      },
    });
    Object.assign(ports.queue, {
      list: async (input: { state: string; limit: number; offset: number }) => {
        lists.push(input);
        return { events: [], total: input.state === 'done' ? 7 : 0 };
      },
    });
    const handlers = createManagementHandlers(ports);
    const page = await handlers.queuePage({ limit: 50 });
    // the status strip's health and the checklist's are one read
    expect(healthReads).toBe(1);
    expect(lists).toEqual(EVENT_STATUSES.map((state) => ({ state, limit: 50, offset: 0 })));
    expect(page.lists.done).toEqual({ events: [], total: 7 });
    expect(page.health).toBe(health);
    expect(page.status).toEqual(await handlers.queueStatus({}));
    expect(page.setup).toEqual(await handlers.setupProgress({}));
    // a core without Get started's record (not running) cannot say: null, and the page still answers
    const bare = await createManagementHandlers({ ...ports, setup: undefined }).queuePage({ limit: 50 });
    expect(bare.setup).toBeNull();
  });

  it('runs a command on every enabled account of the trading mode only', async () => {
    const { ports, asked } = portsWith();
    const { results } = await createManagementHandlers(ports).runCommandAll({ command: 'rebalance' });
    expect(results.map((r) => [r.accountId, r.status])).toEqual([['DU111111', 'queued']]);
    expect(asked).toEqual(['enqueue DU111111 rebalance by operator']);
  });

  it('shows each account with its schedule and no missed signal when the feed knows none', async () => {
    const { ports } = portsWith({
      nextScheduledRun: (accountId) =>
        accountId === 'U2222222'
          ? { scheduleId: 'weekly', command: 'rebalance', at: '2026-12-07T14:00:00.000Z' }
          : null,
    });
    const { accounts } = await createManagementHandlers(ports).accounts({});
    expect(
      accounts.map((a) => [a.accountId, a.active, a.missedSignal, a.nextScheduledRun?.scheduleId ?? null]),
    ).toEqual([
      ['DU111111', true, null, null],
      ['U2222222', false, null, 'weekly'],
    ]);
  });

  it('totals the money of the enabled accounts of the trading mode only, saying how many it counted', async () => {
    const money = (netLiquidation: number, cash: number, dayPnl: number | null) => ({
      netLiquidation,
      cash,
      dayPnl,
      unrealizedPnl: null,
      currency: 'USD',
      at: '2026-12-04T14:00:00.000Z',
    });
    const { ports } = portsWith({
      money: async () =>
        new Map([
          ['DU111111', money(100_000.1, 2_500.05, -120.5)],
          ['U2222222', money(900_000, 1, 5)], // live account in paper mode: not in the totals
        ]),
    });
    const { accounts, totals } = await createManagementHandlers(ports).accounts({});
    expect(accounts.map((a) => a.money?.netLiquidation)).toEqual([100_000.1, 900_000]);
    expect(totals).toEqual({
      netLiquidation: 100_000.1,
      cash: 2_500.05,
      dayPnl: -120.5,
      currency: 'USD',
      accounts: 1,
      of: 1,
    });
  });

  it('answers that the simulator exists only in demo mode when no simulator port is given', async () => {
    const { ports } = portsWith();
    await expect(createManagementHandlers(ports).simulatorControl({ action: 'stop', gateway: 'default' })).rejects.toMatchObject({
      code: 'not-found',
      message: 'the simulator is only available in demo mode',
    });
  });
});

describe('raise-cash and buy-only at enqueue (§27)', () => {
  const withNav = (nav: number | null) => portsWith({ netLiquidation: async () => nav });

  it.each([
    [{ amount: -5 }, /payload\.amount: payload\.amount must be more than 0/],
    [{ amount: 0 }, /payload\.amount: payload\.amount must be more than 0/],
    [{ amount: 'lots' }, /payload\.amount: payload\.amount must be a number/],
    [{}, /payload\.amount: payload\.amount must be a number/],
    [{ amount: 100_001 }, /more than the account's net liquidation USD 100,000.00/],
  ])('refuses raise-cash %j with a 400 naming payload.amount and queues nothing', async (payload, words) => {
    const { ports, asked } = withNav(100_000);
    const handlers = createManagementHandlers(ports);
    const call = handlers.runCommand({ accountId: 'DU111111', command: 'raise-cash', payload });
    await expect(call).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(words) as string });
    await expect(call).rejects.toMatchObject({ extra: { issues: [{ path: 'payload.amount' }] } });
    expect(asked).toEqual([]);
  });

  it('queues a raise-cash within the account, and one whose account size the gateway cannot tell', async () => {
    const { ports, asked } = withNav(100_000);
    await createManagementHandlers(ports).runCommand({
      accountId: 'DU111111',
      command: 'raise-cash',
      payload: { amount: 2_500 },
    });
    const unknown = withNav(null);
    await createManagementHandlers(unknown.ports).enqueue({
      accountId: 'DU111111',
      command: 'raise-cash',
      payload: { amount: 2_500 },
    });
    expect([...asked, ...unknown.asked]).toEqual([
      'enqueue DU111111 raise-cash by operator',
      'enqueue DU111111 raise-cash by api',
    ]);
  });

  it('takes payload.mode buy-only for a rebalance and refuses any other mode, naming payload.mode', async () => {
    const { ports, asked } = withNav(100_000);
    const handlers = createManagementHandlers(ports);
    await handlers.runCommand({ accountId: 'DU111111', command: 'rebalance', payload: { mode: 'buy-only' } });
    await expect(
      handlers.runCommand({ accountId: 'DU111111', command: 'rebalance', payload: { mode: 'sell-all' } }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('payload.mode') as string });
    await expect(
      handlers.runCommand({ accountId: 'DU111111', command: 'print-rebalance', payload: { mode: 'raise-cash' } }),
    ).rejects.toMatchObject({ message: expect.stringContaining('payload.amount') as string });
    expect(asked).toEqual(['enqueue DU111111 rebalance by operator']);
  });
});
