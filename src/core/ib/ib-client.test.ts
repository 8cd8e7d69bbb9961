import { afterEach, describe, expect, it } from 'vitest';
import type { PlaceOrderRequest } from './orders';
import { closeHarness, ACCOUNT, OTHER_ACCOUNT, startHarness, type Harness } from './test-harness.test-support';

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

function order(accountId: string, symbol: string, overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  return {
    accountId,
    symbol,
    side: 'BUY',
    quantity: 1,
    type: 'MKT',
    tif: 'DAY',
    outsideRth: false,
    orderRef: `rd:${accountId}`,
    ...overrides,
  };
}

describe('what-if batches of several accounts', () => {
  it("send one batch's first order before the checks of a batch asked for at the same time, ids rising", async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const big = ['SPY', 'QQQ', 'TLT', 'GLD', 'SPY', 'QQQ'].map((s) => order(ACCOUNT, s));
    const small = [order(OTHER_ACCOUNT, 'QQQ', { side: 'SELL', quantity: 5 })];
    const runBatch = async (requests: PlaceOrderRequest[]) => {
      await client.whatIf(requests);
      for (const request of requests) await client.placeOrder(request);
    };
    await Promise.all([runBatch(big), runBatch(small)]);
    const seen = harness.gw
      .orders()
      .map((o) => ({ id: o.orderId, what: `${o.accountId}:${o.whatIf ? 'check' : 'order'}` }));
    // the small batch (asked for second) checks, then orders, before the big batch's checks
    expect(seen.map((o) => o.what).slice(0, 2)).toEqual([`${OTHER_ACCOUNT}:check`, `${OTHER_ACCOUNT}:order`]);
    expect(seen.filter((o) => o.what === `${ACCOUNT}:check`)).toHaveLength(6);
    expect(seen.filter((o) => o.what === `${ACCOUNT}:order`)).toHaveLength(6);
    const ids = seen.map((o) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
