import { settingsSchema } from '../../../shared/settings-schema';
import type { AccountView, ConfigView } from '../../../shared/contract';
import type { EventRecord, Health, MoneyTotals, Plan } from '../../../shared/dto';

export function makeEvent(overrides: Partial<EventRecord> & { id: string }): EventRecord {
  return {
    eventId: overrides.id,
    accountId: 'DU123456',
    command: 'rebalance',
    strategy: 'etf-blend-200-35',
    source: 'zehnlabs',
    payload: { exec: 'rebalance' },
    status: 'pending',
    timesQueued: 1,
    createdAt: '2025-01-02T15:00:00.000Z',
    updatedAt: '2025-01-02T15:00:00.000Z',
    nextAttemptAt: null,
    lastError: null,
    result: null,
    ...overrides,
  };
}

export function makeHealth(overrides: Partial<Health> = {}): Health {
  return {
    status: 'ok',
    redis: { state: 'green', detail: 'embedded, 3 ms' },
    ib: { state: 'green', detail: 'connected to 127.0.0.1:4002' },
    feed: { state: 'green', detail: 'connected, 2 channels' },
    processor: { state: 'green', detail: '4 workers idle' },
    queue: { state: 'green', detail: 'empty' },
    tradingMode: 'paper',
    simulated: false,
    ...overrides,
  };
}

export function makeAccount(overrides: Partial<AccountView> = {}): AccountView {
  return {
    accountId: 'DU123456',
    name: 'Paper IRA',
    type: 'paper',
    enabled: true,
    strategy: 'etf-blend-200-35',
    cashReservePercent: 1,
    replacementSet: 'ira',
    replacements: [{ source: 'DBC', target: 'PDBC', scale: 1 }],
    approval: 'auto',
    approvalMinutes: 10,
    active: true,
    lastRebalance: null,
    lastResult: null,
    drift: {
      percent: 3.12,
      at: '2026-12-01T15:00:00.000Z',
      bySymbol: { SPY: { current: 63.12, target: 60, diff: 3.12 }, BND: { current: 36.88, target: 40, diff: -3.12 } },
    },
    drifted: false,
    driftAlertPercent: 5,
    driftError: null,
    missedSignal: null,
    money: null,
    nextScheduledRun: null,
    ...overrides,
  };
}

/** §25 totals of `GET /api/accounts` (none known unless given). */
export function makeTotals(overrides: Partial<MoneyTotals> = {}): MoneyTotals {
  return { netLiquidation: 0, cash: 0, dayPnl: 0, currency: 'USD', accounts: 0, of: 0, ...overrides };
}

export function makePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    accountId: 'DU123456',
    strategy: 'etf-blend-200-35',
    asOf: '2025-01-02T14:00:00.000Z',
    netLiquidation: 100_000,
    accountCash: 10_000,
    cashReservePercent: 1,
    investable: 99_000,
    rows: [
      {
        symbol: 'SPY',
        currentShares: 100,
        currentValue: 50_000,
        currentWeight: 0.5,
        targetWeight: 0.6,
        targetShares: 112,
        price: 500,
        delta: 12,
        order: { side: 'BUY', quantity: 12 },
        estimatedValue: 6_000,
      },
      {
        symbol: 'TLT',
        currentShares: 400,
        currentValue: 40_000,
        currentWeight: 0.4,
        targetWeight: 0.39,
        targetShares: 400,
        price: 100,
        delta: 0,
        order: null,
        estimatedValue: 0,
      },
    ],
    warnings: [],
    createdAt: '2025-01-02T15:00:00.000Z',
    ...overrides,
  };
}

/** The core's defaults (§14) with one paper account on an IRA replacement set, as the Settings page receives them. */
export function makeSettings(): Record<string, unknown> {
  return settingsSchema.parse({
    accounts: [
      {
        accountId: 'DU123456',
        name: 'Paper IRA',
        type: 'paper',
        enabled: true,
        strategy: 'etf-blend-200-35',
        cashReservePercent: 1,
        replacementSet: 'ira',
      },
    ],
    replacementSets: { ira: [{ source: 'DBC', target: 'PDBC', scale: 1 }] },
  });
}

export function makeConfig(overrides: Partial<ConfigView> = {}): ConfigView {
  return {
    settings: makeSettings(),
    secretsSet: { 'zehnlabs.realtimeApiKey': true, 'zehnlabs.allocationsApiKey': false, 'management.token': true },
    fileIssues: [],
    dataDir: '/home/trader/.rebalance-desk',
    simulated: false,
    ...overrides,
  };
}
