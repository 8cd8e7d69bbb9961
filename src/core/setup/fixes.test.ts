import { describe, expect, it } from 'vitest';
import { isPrecautionRefusal } from './fixes';
import { isPaperAccountId, largestPlannedOrder } from './check-setup';

describe('isPrecautionRefusal', () => {
  it('takes 451 and 109, and a 201 whose reason names a precaution or limit', () => {
    expect(isPrecautionRefusal(451, 'value estimate exceeds the Total Value Limit')).toBe(true);
    expect(isPrecautionRefusal(109, 'Price is out of the price range defined by the Percentage setting')).toBe(true);
    expect(isPrecautionRefusal(201, 'Order rejected - reason:The order size exceeds the Size Limit of 500')).toBe(true);
    expect(isPrecautionRefusal(201, 'Order rejected - reason: precautionary setting')).toBe(true);
  });

  it('leaves other refusals (buying power, permissions, read-only) to their own fixes', () => {
    expect(isPrecautionRefusal(201, 'Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. INSUFFICIENT EQUITY')).toBe(
      false,
    );
    expect(isPrecautionRefusal(201, 'Order rejected - reason:No trading permissions')).toBe(false);
    expect(isPrecautionRefusal(321, 'The API interface is currently in Read-Only mode.')).toBe(false);
    expect(isPrecautionRefusal(null, 'timeout')).toBe(false);
  });
});

describe('largestPlannedOrder', () => {
  it('is the largest |target − held| at the mark, after the reserve', () => {
    const order = largestPlannedOrder(
      { SPY: 0.594, TLT: 0.396 },
      100_000,
      new Map([['TLT', 500]]),
      new Map([
        ['SPY', 600],
        ['TLT', 90],
      ]),
    );
    // SPY: floor(59 400 / 600) = 99 to buy (59 400 USD); TLT: floor(39 600 / 90) = 440, sell 60 (5 400 USD).
    expect(order).toEqual({ symbol: 'SPY', side: 'BUY', quantity: 99, value: 59_400 });
  });

  it('is null when the account is at target', () => {
    expect(largestPlannedOrder({ SPY: 0.5 }, 1_000, new Map([['SPY', 5]]), new Map([['SPY', 100]]))).toBeNull();
  });
});

describe('isPaperAccountId', () => {
  it('knows paper ids by their DU / DF prefix', () => {
    expect(isPaperAccountId('DU1234567')).toBe(true);
    expect(isPaperAccountId('DF1234567')).toBe(true);
    expect(isPaperAccountId('U1234567')).toBe(false);
  });
});
