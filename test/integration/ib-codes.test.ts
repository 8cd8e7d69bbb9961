/**
 * PRODUCT.md §24 through the whole core against the simulated gateway: IB's refusals classified by code from the one
 * table, with the sentence a trader acts on — a precaution refusal (451) and Read-Only API (321) are `rejected`
 * ("needs attention") with the fix; a symbol IB has no contract for (200) is `invalid`, never "no price".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../support/stack';

const STRATEGIES: StackOptions['strategies'] = {
  'growth-a': {
    allocations: [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'TLT', weight: 0.5 },
    ],
  },
  typo: {
    allocations: [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'ZZZQ', weight: 0.5 },
    ],
  },
};

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

async function refusedStack(accountId: string, strategy: string, whatIf: boolean): Promise<Stack> {
  return startStack({
    strategies: STRATEGIES,
    accounts: [{ accountId, cash: 60_000, strategy }],
    settings: { queue: { holdOn: ['rejected', 'invalid'] }, orders: { whatIf } },
  });
}

describe("IB's refusals by code (§24)", () => {
  it('451, the Total Value Limit of the Precautionary Settings: rejected, needs attention, says how to lift it', async () => {
    stack = await refusedStack('DU2300001', 'growth-a', false);
    stack.gateway.rejectNextOrder({
      code: 451,
      message:
        'The following order "ID:1" value estimate of 30,000.00 USD exceeds the Total Value Limit of 25,000 USD.',
    });
    const id = await stack.run('DU2300001', 'rebalance');
    const held = await stack.waitFor(id, 'held', 15_000);
    expect(held.lastError).toMatchObject({ kind: 'rejected', code: 451 });
    expect(held.needsAttention).toBe(true);
    expect(held.lastError?.message).toContain("tick 'Bypass Order Precautions for API Orders'");
    expect(held.lastError?.message).toContain('raise the limit');
    expect(stack.gateway.positions('DU2300001')).toEqual([]);
  });

  it('a what-if refused by a 201 naming a precaution limit: rejected with the same fix', async () => {
    stack = await refusedStack('DU2300002', 'growth-a', true);
    stack.gateway.rejectNextOrder({
      code: 201,
      message: 'Order rejected - reason:The order size exceeds the Size Limit set in Precautionary Settings',
    });
    const id = await stack.run('DU2300002', 'rebalance');
    const held = await stack.waitFor(id, 'held', 15_000);
    expect(held.lastError).toMatchObject({ kind: 'rejected', code: 201 });
    expect(held.needsAttention).toBe(true);
    expect(held.lastError?.message).toContain('Bypass Order Precautions for API Orders');
  });

  it('321 Read-Only API: rejected, needs attention, says to untick Read-Only API', async () => {
    stack = await refusedStack('DU2300003', 'growth-a', false);
    stack.gateway.rejectNextOrder({
      code: 321,
      message: "Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode.",
    });
    const id = await stack.run('DU2300003', 'rebalance');
    const held = await stack.waitFor(id, 'held', 15_000);
    expect(held.lastError).toMatchObject({ kind: 'rejected', code: 321 });
    expect(held.needsAttention).toBe(true);
    expect(held.lastError?.message).toContain("untick 'Read-Only API'");
  });

  it('200 No security definition: invalid, names the symbol and the fix, never "no price"', async () => {
    stack = await refusedStack('DU2300004', 'typo', false);
    const id = await stack.run('DU2300004', 'rebalance');
    const held = await stack.waitFor(id, 'held', 15_000);
    expect(held.lastError).toMatchObject({ kind: 'invalid', code: 200 });
    expect(held.lastError?.message).toContain('IB has no contract for ZZZQ: fix the strategy or add a replacement set');
    expect(held.lastError?.message).not.toMatch(/price/i);
    expect(stack.gateway.orders()).toEqual([]);
  });
});
