import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from './schema';
import { parseSettingsText } from './settings-store';

const account = { accountId: 'DU123456', strategy: 'etf-blend-200-35' };

/** PRODUCT.md §27: `cashFlows.minAmount`, and per account `rebalanceMode` and `cashFlow`. */
describe('cash-flow settings', () => {
  it('default to 500 USD, full rebalances and a notification per cash flow', () => {
    expect(defaultSettings().cashFlows).toEqual({ minAmount: 500 });
    const parsed = settingsSchema.parse({ accounts: [account] });
    expect(parsed.accounts[0]).toMatchObject({ rebalanceMode: 'full', cashFlow: 'notify' });
  });

  it('take buy-only and top-up per account', () => {
    const parsed = settingsSchema.parse({
      cashFlows: { minAmount: 1000.5 },
      accounts: [{ ...account, rebalanceMode: 'buy-only', cashFlow: 'top-up' }],
    });
    expect(parsed.cashFlows.minAmount).toBe(1000.5);
    expect(parsed.accounts[0]).toMatchObject({ rebalanceMode: 'buy-only', cashFlow: 'top-up' });
  });

  it.each([
    ['cashFlows.minAmount', { cashFlows: { minAmount: 0 } }, 'must be an amount of USD above 0'],
    ['cashFlows.minAmount', { cashFlows: { minAmount: '500' } }, 'must be an amount of USD above 0'],
    [
      'accounts.0.rebalanceMode',
      { accounts: [{ ...account, rebalanceMode: 'sell-only' }] },
      'must be "full" or "buy-only"',
    ],
    [
      'accounts.0.cashFlow',
      { accounts: [{ ...account, cashFlow: 'invest' }] },
      'must be "notify", "top-up" or "ignore"',
    ],
  ])('refuses %s with a message naming the field', (path, file, message) => {
    const parsed = parseSettingsText(JSON.stringify(file));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([{ path, message }]);
  });
});
