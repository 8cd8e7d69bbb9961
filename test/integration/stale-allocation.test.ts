import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/shared/dto';
import { startStack, type Stack } from '../support/stack';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const ALLOCATIONS = [
  { symbol: 'SPY', weight: 0.6 },
  { symbol: 'TLT', weight: 0.4 },
];

describe('stale allocation (§25) through the simulated allocation API', () => {
  it('warns on a plan whose allocation is older than zehnlabs.staleAllocationDays, and not on a recent one', async () => {
    const today = new Date().toISOString().slice(0, 10);
    stack = await startStack({
      strategies: {
        old: { allocations: ALLOCATIONS, asOf: '2025-06-24' },
        fresh: { allocations: ALLOCATIONS, asOf: today },
      },
      accounts: [
        { accountId: 'DU1000701', cash: 50_000, strategy: 'old' },
        { accountId: 'DU1000702', cash: 50_000, strategy: 'fresh' },
      ],
      settings: { zehnlabs: { staleAllocationDays: 45 } },
    });
    const planOf = async (accountId: string) => {
      const id = await stack!.run(accountId, 'print-rebalance');
      return ((await stack!.waitFor(id, 'done', 30_000)).result as { plan: Plan }).plan;
    };
    const old = await planOf('DU1000701');
    expect(old.warnings.filter((w) => w.startsWith('allocation is stale'))).toEqual([
      expect.stringMatching(
        /^allocation is stale: as of 2025-06-24, \d+ days old \(more than zehnlabs\.staleAllocationDays 45\)/,
      ),
    ]);
    const fresh = await planOf('DU1000702');
    expect(fresh.warnings.some((w) => w.startsWith('allocation is stale'))).toBe(false);
  }, 60_000);
});
