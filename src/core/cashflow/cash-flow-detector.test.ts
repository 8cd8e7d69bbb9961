import { describe, expect, it } from 'vitest';
import type { CashFlow } from '../../shared/dto';
import { settingsSchema } from '../config/schema';
import { silentLogger } from '../log/logger';
import type { CashBaseline } from '../records/cash-flow-store';
import { CashFlowDetector } from './cash-flow-detector';

const ACCOUNT = 'DU123456';
const settings = settingsSchema.parse({
  cashFlows: { minAmount: 1 },
  accounts: [{ accountId: ACCOUNT, strategy: 'etf-blend-200-35', cashFlow: 'notify' }],
});

/** A detector over an account whose cash is `cash()`, with a baseline store whose reads take a few ms. */
function detectorWith(cash: () => number) {
  let baseline: CashBaseline | null = null;
  const flows: CashFlow[] = [];
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));
  const detector = new CashFlowDetector({
    settings: () => settings,
    ib: {
      status: () => ({ state: 'connected' }),
      getEquity: async () => ({
        accountId: ACCOUNT,
        netLiquidation: cash(),
        totalCashValue: cash(),
        buyingPower: null,
        availableFunds: null,
        currency: 'USD',
      }),
      executions: async () => [],
    },
    store: {
      baseline: async () => later(baseline),
      setBaseline: async (_id, next) => void (baseline = next),
      add: async (flow) => void flows.push(flow),
    },
    notifier: { notify: async () => undefined },
    enqueue: async () => {
      throw new Error('nothing is queued for "notify"');
    },
    busy: async () => false,
    now: () => new Date('2026-12-07T15:00:00Z'),
    log: silentLogger(),
  });
  return { detector, flows };
}

describe('CashFlowDetector', () => {
  it('records a deposit once when checks of one account overlap', async () => {
    let cash = 50_000;
    const { detector, flows } = detectorWith(() => cash);
    expect(await detector.check(ACCOUNT, { settleMs: 0 })).toBeNull(); // the baseline
    cash = 53_000;
    // the periodic round, the check after a rebalance and a caller's can start together
    const found = await Promise.all([1, 2, 3].map(() => detector.check(ACCOUNT, { settleMs: 0 })));
    expect(found.map((f) => f?.amount ?? null)).toEqual([3_000, null, null]);
    expect(flows.map((f) => f.amount)).toEqual([3_000]);
  });

  it('runs the next check of the account after one that failed', async () => {
    let cash = 50_000;
    let reads = 0;
    const { detector, flows } = detectorWith(() => {
      reads += 1;
      if (reads === 1) throw new Error('gateway went away');
      return cash;
    });
    const first = detector.check(ACCOUNT, { settleMs: 0 });
    const second = detector.check(ACCOUNT, { settleMs: 0 });
    await expect(first).rejects.toThrow('gateway went away');
    expect(await second).toBeNull(); // the baseline, read after the failed check
    cash = 49_000;
    expect(await detector.check(ACCOUNT, { settleMs: 0 })).toMatchObject({ amount: -1_000 });
    expect(flows).toHaveLength(1);
  });
});
