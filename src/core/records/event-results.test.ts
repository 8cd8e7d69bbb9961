import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../shared/dto';
import type { HistorySample } from './account-history';
import { EventResults } from './event-results';

const FINISHED = '2026-11-02T15:04:00.000Z';

function eventOf(overrides: Partial<EventRecord>): EventRecord {
  return {
    id: 'sig-1:DU1',
    eventId: 'sig-1',
    accountId: 'DU1',
    command: 'rebalance',
    strategy: 'growth-a',
    source: 'zehnlabs',
    payload: {},
    status: 'done',
    timesQueued: 1,
    createdAt: '2026-11-02T15:00:00.000Z',
    updatedAt: FINISHED,
    nextAttemptAt: null,
    lastError: null,
    result: {
      plan: { strategy: 'growth-a' },
      report: { rows: [], totals: { ordersSent: 2, ordersFilled: 2, driftAfter: 0.4, driftBefore: 7 } },
    },
    ...overrides,
  } as EventRecord;
}

/** EventResults over fakes: the event the queue answers, the NAV IB answers, and the samples written. */
function setup(event: EventRecord, options: { owner?: boolean; nav?: () => Promise<number> } = {}) {
  const samples: HistorySample[] = [];
  let wrote: () => void = () => undefined;
  const written = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const results = new EventResults({
    queue: { get: async () => ({ event }) },
    accountState: { update: async () => undefined },
    reports: { add: async () => undefined },
    history: {
      record: async (sample) => {
        samples.push(sample);
        wrote();
      },
    },
    cashFlowCheck: () => undefined,
    netLiquidation: options.nav ?? (async () => 101_234.56),
    isOwner: () => options.owner ?? true,
    accountsChanged: () => undefined,
    log: { warn: () => undefined },
  });
  return { results, samples, written };
}

/** Lets every pending promise callback run (the queue read, the NAV read, the write). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('event results: the §25 history sample after a finished rebalance', () => {
  it("writes the rebalance's drift after and the NAV IB reports after its fills, at the time it finished", async () => {
    const { results, samples, written } = setup(eventOf({}));
    results.record('sig-1:DU1');
    await written;
    expect(samples).toEqual([{ accountId: 'DU1', at: FINISHED, drift: 0.4, nav: 101_234.56 }]);
  });

  it('samples after a raise-cash too: its sells move the NAV and the weights (§27)', async () => {
    const { results, samples, written } = setup(eventOf({ command: 'raise-cash' }));
    results.record('sig-1:DU1');
    await written;
    expect(samples).toEqual([{ accountId: 'DU1', at: FINISHED, drift: 0.4, nav: 101_234.56 }]);
  });

  it('keeps the drift when IB does not answer the NAV', async () => {
    const { results, samples, written } = setup(eventOf({}), { nav: () => Promise.reject(new Error('IB down')) });
    results.record('sig-1:DU1');
    await written;
    expect(samples).toEqual([{ accountId: 'DU1', at: FINISHED, drift: 0.4 }]);
  });

  it('writes nothing for a preview, a rebalance without a report, a failed one, or on a core that does not own processing', async () => {
    const cases = [
      setup(eventOf({ command: 'print-rebalance' })),
      setup(eventOf({ result: { rejectedByTrader: true } })),
      setup(eventOf({ status: 'delayed' })),
      setup(eventOf({}), { owner: false }),
    ];
    for (const c of cases) c.results.record('sig-1:DU1');
    for (let i = 0; i < 5; i++) await settle();
    expect(cases.map((c) => c.samples)).toEqual([[], [], [], []]);
  });
});
