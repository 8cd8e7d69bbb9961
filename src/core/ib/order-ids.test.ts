/**
 * §24 "order ids are never reused", against the simulator: after IB Gateway restarts and answers `nextValidId` below
 * ids already used, a client with the persisted highest id sends no refused id at all, and a client without it moves
 * past each 103 "Duplicate order id" within the same call instead of failing the attempt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIdStore } from './connection';
import type { PlaceOrderRequest } from './orders';
import { ACCOUNT, closeHarness, startHarness, type Harness } from './test-harness.test-support';

let harness: Harness | null = null;
afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

const CLIENT_ID = 1234;

class MemoryOrderIdStore implements OrderIdStore {
  readonly byClient = new Map<number, number>();
  async highest(clientId: number): Promise<number | null> {
    return this.byClient.get(clientId) ?? null;
  }
  async used(clientId: number, orderId: number): Promise<void> {
    this.byClient.set(clientId, Math.max(orderId, this.byClient.get(clientId) ?? 0));
  }
}

function buy(symbol: string, quantity: number): PlaceOrderRequest {
  return {
    accountId: ACCOUNT,
    symbol,
    side: 'BUY',
    quantity,
    type: 'MKT',
    tif: 'DAY',
    outsideRth: false,
    orderRef: 'rd:evt-ids',
  };
}

/** Places three filled orders as one app run, stops it, and restarts the gateway with its ids rolled back. */
async function usedThenRolledBack(h: Harness, store?: OrderIdStore): Promise<number[]> {
  const first = await h.connect({ clientId: CLIENT_ID, ...(store ? { orderIdStore: store } : {}) });
  const ids: number[] = [];
  for (const symbol of ['SPY', 'TLT', 'GLD']) {
    const placed = await first.placeOrder(buy(symbol, 1));
    await first.waitForFills([placed.orderId], 3_000);
    ids.push(placed.orderId);
  }
  await first.stop();
  h.gw.simulateRestart({ rollBackOrderIdsTo: Math.min(...ids) });
  return ids;
}

describe('order ids across restarts of the app and of IB Gateway (§24)', () => {
  it('with the persisted highest id: the next order takes the id after it, and the gateway refuses nothing', async () => {
    harness = await startHarness();
    const store = new MemoryOrderIdStore();
    const used = await usedThenRolledBack(harness, store);
    expect(store.byClient.get(CLIENT_ID)).toBe(Math.max(...used));

    const restarted = await harness.connect({ clientId: CLIENT_ID, orderIdStore: store });
    const placed = await restarted.placeOrder(buy('SPY', 2));
    const [final] = await restarted.waitForFills([placed.orderId], 3_000);
    expect(placed.orderId).toBe(Math.max(...used) + 1);
    expect(final).toMatchObject({ status: 'Filled', filled: 2 });
    expect(harness.messages.filter((m) => m.code === 103)).toEqual([]);
    expect(store.byClient.get(CLIENT_ID)).toBe(placed.orderId);
  });

  it('without it: each 103 makes the client ask for fresh ids and send again in the same call; one fill only', async () => {
    harness = await startHarness();
    const used = await usedThenRolledBack(harness);

    const restarted = await harness.connect({ clientId: CLIENT_ID });
    const placed = await restarted.placeOrder(buy('SPY', 2));
    const [final] = await restarted.waitForFills([placed.orderId], 3_000);
    expect(final).toMatchObject({ status: 'Filled', filled: 2 });
    expect(placed.orderId).toBeGreaterThan(Math.max(...used));
    // The gateway refused the reused ids; the order went out once, under a new id.
    expect(harness.messages.some((m) => m.code === 103)).toBe(true);
    const mine = harness.gw.orders({ clientId: CLIENT_ID });
    expect(new Set(mine.map((o) => o.orderId)).size).toBe(mine.length);
    expect(mine.filter((o) => o.symbol === 'SPY' && o.filled === 2)).toHaveLength(1);
  });
});
