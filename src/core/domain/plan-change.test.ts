import { describe, expect, it } from 'vitest';
import { planChanges, type ApprovedOrder } from './plan-change';

const o = (symbol: string, side: 'BUY' | 'SELL', quantity: number): ApprovedOrder => ({ symbol, side, quantity });

describe('planChanges', () => {
  it.each([
    ['the same orders', [o('SPY', 'BUY', 10), o('TLT', 'SELL', 5)], [o('TLT', 'SELL', 5), o('SPY', 'BUY', 10)], []],
    ['one share off on a small order (max(1, 2 %) = 1)', [o('SPY', 'BUY', 10)], [o('SPY', 'BUY', 11)], []],
    ['two shares off on a small order', [o('SPY', 'BUY', 10)], [o('SPY', 'BUY', 12)], ['SPY: BUY 10 is now BUY 12']],
    ['2 % off on a large order', [o('SPY', 'BUY', 500)], [o('SPY', 'BUY', 510)], []],
    [
      'just over 2 % off on a large order',
      [o('SPY', 'BUY', 500)],
      [o('SPY', 'BUY', 489)],
      ['SPY: BUY 500 is now BUY 489'],
    ],
    ['a side flipped', [o('QQQ', 'SELL', 3)], [o('QQQ', 'BUY', 3)], ['QQQ: SELL 3 is now BUY 3']],
    [
      'a symbol removed',
      [o('SPY', 'BUY', 10), o('GLD', 'BUY', 4)],
      [o('SPY', 'BUY', 10)],
      ['GLD: BUY 4 no longer in the plan'],
    ],
    [
      'a symbol added',
      [o('SPY', 'BUY', 10)],
      [o('SPY', 'BUY', 10), o('IEF', 'SELL', 2)],
      ['IEF: SELL 2 added to the plan'],
    ],
    ['fractional shares within one share', [o('VTI', 'BUY', 0.5)], [o('VTI', 'BUY', 1.4)], []],
    ['everything gone', [o('SPY', 'BUY', 10)], [], ['SPY: BUY 10 no longer in the plan']],
  ])('%s', (_name, approved, fresh, expected) => {
    expect(planChanges(approved, fresh)).toEqual(expected);
  });
});
