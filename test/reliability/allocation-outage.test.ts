/**
 * §17 / §10: the allocation API fails in each way the simulator can (HTTP 500, no answer, a body cut off, a page
 * that is not JSON, a refused key). The rebalance is delayed with a reason that names the problem, nothing is
 * traded meanwhile, and once the API answers again the event finishes at target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAllocationFailure } from '../../src/sim/allocations/server';
import { remainingOrders, startStack, type Stack } from '../support/stack';
import { beyondOneShare } from './support';

const ACCOUNT = 'DU6100001';
let stack: Stack;
let version = 0;

beforeAll(async () => {
  stack = await startStack({
    strategies: {
      'outage-a': {
        allocations: [
          { symbol: 'SPY', weight: 0.5 },
          { symbol: 'IEF', weight: 0.5 },
        ],
      },
    },
    accounts: [{ accountId: ACCOUNT, cash: 60_000, strategy: 'outage-a' }],
    // The allocation client's timeout is ib.requestTimeoutMs.
    settings: { queue: { retryDelayMs: 400 }, ib: { requestTimeoutMs: 1_500 } },
  });
}, 30_000);

afterAll(async () => {
  await stack?.stop();
});

const CASES: { mode: Exclude<SimAllocationFailure, null>; kind: string; message: RegExp }[] = [
  { mode: '500', kind: 'transient', message: /HTTP 500/ },
  { mode: 'timeout', kind: 'transient', message: /did not answer .* within 1500 ms/ },
  { mode: 'truncated', kind: 'transient', message: /answer for .* was cut off before the end/ },
  { mode: 'garbage', kind: 'invalid', message: /not JSON \(starts with "<html>/ },
  { mode: '401', kind: 'rejected', message: /refused the API key \(HTTP 401\)/ },
];

describe('allocation API outage and garbage', () => {
  it.each(CASES)(
    '$mode: delayed as $kind naming the problem, then done once the API is back',
    async ({ mode, kind, message }) => {
      // New weights each time, so the rebalance has something to trade once the API is back.
      version += 1;
      const weights = version % 2 === 0 ? [0.5, 0.5] : [0.3, 0.7];
      stack.allocations.setAllocations('outage-a', [
        { symbol: 'SPY', weight: weights[0]! },
        { symbol: 'IEF', weight: weights[1]! },
      ]);
      stack.allocations.setFailure(mode);
      const ordersBefore = stack.gateway.orders().length;
      const id = await stack.run(ACCOUNT, 'rebalance');
      const failed = await stack.waitFor(id, (e) => e.lastError !== null, 15_000);
      expect(failed.lastError?.kind).toBe(kind);
      expect(failed.lastError?.message).toMatch(/allocations of "outage-a"/);
      expect(failed.lastError?.message).toMatch(message);
      expect(['delayed', 'pending', 'active']).toContain(failed.status);
      expect(stack.gateway.orders().length).toBe(ordersBefore);
      // The API key never shows in the reason.
      expect(failed.lastError?.message).not.toContain('test-key');

      stack.allocations.setFailure(null);
      const done = await stack.waitFor(id, 'done', 20_000);
      expect(done.timesQueued).toBeGreaterThanOrEqual(2);
      expect(stack.gateway.orders().length).toBeGreaterThan(ordersBefore);
      expect(beyondOneShare(await remainingOrders(stack, ACCOUNT))).toEqual([]);
    },
  );
});
