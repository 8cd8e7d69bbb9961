/**
 * §17: the gateway connection drops in the middle of a rebalance, right after its sells fill. The event is delayed
 * (transient), retried once the client has reconnected, and finishes at target; the retry re-plans from the live
 * positions, so nothing is sold or bought twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { remainingOrders, startStack, type Stack } from '../support/stack';
import { beyondOneShare } from './support';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const ACCOUNT = 'DU6000001';
const START = [
  { symbol: 'QQQ', quantity: 80, avgCost: 500 },
  { symbol: 'TLT', quantity: 300, avgCost: 95 },
  { symbol: 'IWM', quantity: 50, avgCost: 200 },
];

describe('gateway connection dropped mid-rebalance', () => {
  it('delays the event, then finishes at target with no fill doubled', async () => {
    stack = await startStack({
      strategies: {
        'drop-a': {
          allocations: [
            { symbol: 'SPY', weight: 0.4 },
            { symbol: 'TLT', weight: 0.2 },
            { symbol: 'GLD', weight: 0.4 },
          ],
        },
      },
      accounts: [{ accountId: ACCOUNT, cash: 20_000, positions: START, strategy: 'drop-a' }],
      settings: { queue: { retryDelayMs: 500 } },
    });
    const gateway = stack.gateway;
    gateway.dropAfterNextFill('SELL');

    const id = await stack.run(ACCOUNT, 'rebalance');
    const delayed = await stack.waitFor(id, (e) => e.lastError !== null, 20_000);
    expect(delayed.lastError?.kind).toBe('transient');
    expect(delayed.lastError?.message).toMatch(/connection|disconnect|gateway/i);
    // The drop happened after a sell filled and before any buy was sent.
    const fillsAtDrop = gateway.fills({ accountId: ACCOUNT });
    expect(fillsAtDrop.some((f) => f.side === 'SLD')).toBe(true);
    expect(fillsAtDrop.some((f) => f.side === 'BOT')).toBe(false);

    const done = await stack.waitFor(id, 'done', 30_000);
    expect(done.timesQueued).toBeGreaterThanOrEqual(2);
    const { history } = (await stack.runtime.queue.get(id))!;
    expect(history.some((h) => h.to === 'delayed')).toBe(true);
    expect(history.filter((h) => h.action === 'completed')).toHaveLength(1);

    expect(beyondOneShare(await remainingOrders(stack, ACCOUNT))).toEqual([]);

    // Fills add up to exactly the change of each position, one direction per symbol: nothing was doubled and undone.
    const fills = gateway.fills({ accountId: ACCOUNT });
    const start = new Map(START.map((p) => [p.symbol, p.quantity]));
    const end = new Map(gateway.positions(ACCOUNT).map((p) => [p.symbol, p.quantity]));
    const symbols = new Set([...start.keys(), ...end.keys(), ...fills.map((f) => f.symbol)]);
    for (const symbol of symbols) {
      const bought = fills.filter((f) => f.symbol === symbol && f.side === 'BOT').reduce((s, f) => s + f.shares, 0);
      const sold = fills.filter((f) => f.symbol === symbol && f.side === 'SLD').reduce((s, f) => s + f.shares, 0);
      expect(bought - sold, symbol).toBe((end.get(symbol) ?? 0) - (start.get(symbol) ?? 0));
      expect(Math.min(bought, sold), `${symbol} was both bought and sold`).toBe(0);
    }
    // Every order the gateway saw carries this event's orderRef, and no sell was sent for a position already sold.
    const orders = gateway.orders({ accountId: ACCOUNT }).filter((o) => !o.whatIf);
    expect(orders.every((o) => o.orderRef === `rd:${id}`)).toBe(true);
    const sellsPerSymbol = new Map<string, number>();
    for (const o of orders.filter((o) => o.action === 'SELL' && o.filled > 0)) {
      sellsPerSymbol.set(o.symbol, (sellsPerSymbol.get(o.symbol) ?? 0) + o.filled);
    }
    for (const [symbol, sold] of sellsPerSymbol) expect(sold, symbol).toBeLessThanOrEqual(start.get(symbol) ?? 0);
  });
});
