import { describe, expect, it } from 'vitest';
import { staleAllocationWarning } from './stale-allocation';

const NOW = '2026-12-04T15:00:00.000Z';

describe('staleAllocationWarning (§25)', () => {
  it('warns about an allocation older than the limit, naming its date, its age and the setting', () => {
    expect(staleAllocationWarning('2025-06-01T20:00:00Z', NOW, 45)).toBe(
      'allocation is stale: as of 2025-06-01, 550 days old (more than zehnlabs.staleAllocationDays 45); ' +
        'check that the strategy still publishes before trading on it',
    );
  });

  it('says nothing of an allocation within the limit, exactly at it, or without a date', () => {
    expect(staleAllocationWarning('2026-11-30T20:00:00Z', NOW, 45)).toBeNull();
    expect(staleAllocationWarning('2026-10-20T15:00:00Z', NOW, 45)).toBeNull();
    expect(staleAllocationWarning(null, NOW, 45)).toBeNull();
    expect(staleAllocationWarning('2026-10-18T15:00:00Z', NOW, 45)).toMatch(/47 days old/);
  });
});
