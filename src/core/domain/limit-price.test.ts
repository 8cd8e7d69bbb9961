import { describe, expect, it } from 'vitest';
import { limitPrice, type LimitPriceInput } from './limit-price';

const base: LimitPriceInput = { symbol: 'SPY', side: 'BUY', bid: 100, ask: 100, offsetPercent: 0.5, minTick: 0.01 };

describe('limitPrice', () => {
  it.each([
    { name: 'a buy at the ask plus the offset', input: { ask: 100 }, price: 100.5 },
    { name: 'a buy rounded down to the tick', input: { ask: 100.03 }, price: 100.53 },
    { name: 'a sell at the bid minus the offset', input: { side: 'SELL' as const, bid: 100 }, price: 99.5 },
    { name: 'a sell rounded up to the tick', input: { side: 'SELL' as const, bid: 100.03 }, price: 99.53 },
    { name: 'a buy on a 0.05 tick', input: { ask: 12.34, minTick: 0.05 }, price: 12.4 },
    { name: 'a buy with no offset that stays on the tick', input: { ask: 100.05, offsetPercent: 0 }, price: 100.05 },
    { name: 'a sub-dollar buy on a 0.0001 tick', input: { ask: 0.8123, minTick: 0.0001 }, price: 0.8163 },
  ])('prices $name', ({ input, price }) => {
    expect(limitPrice({ ...base, ...input })).toBe(price);
  });

  it('refuses to price a buy without an ask (transient)', () => {
    expect(() => limitPrice({ ...base, ask: null })).toThrow(expect.objectContaining({ kind: 'transient' }));
  });

  it('refuses to price a sell without a bid (transient)', () => {
    expect(() => limitPrice({ ...base, side: 'SELL', bid: 0 })).toThrow(expect.objectContaining({ kind: 'transient' }));
  });
});
