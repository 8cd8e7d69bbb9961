import { describe, expect, it } from 'vitest';
import { accountLabel } from './account-label';

describe('an account as the trader knows it', () => {
  it('is its name with the id, or the id alone when it has no name of its own', () => {
    expect(accountLabel({ accountId: 'DU1000001', name: 'Demo Taxable' })).toBe('Demo Taxable (DU1000001)');
    expect(accountLabel({ accountId: 'DU1000001', name: '' })).toBe('DU1000001');
    expect(accountLabel({ accountId: 'DU1000001', name: '  ' })).toBe('DU1000001');
    expect(accountLabel({ accountId: 'DU1000001' })).toBe('DU1000001');
    expect(accountLabel({ accountId: 'DU1000001', name: 'DU1000001' })).toBe('DU1000001');
  });
});
