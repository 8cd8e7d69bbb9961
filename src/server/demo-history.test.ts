import { describe, expect, it } from 'vitest';
import { simulatedHistory } from './demo-history';

const NOW = Date.parse('2026-12-04T15:00:00Z');

describe('demo history (§25)', () => {
  it("covers 90 days for each account, twice a day, ending at the account's NAV now, the same at every start", () => {
    const accounts = [
      { accountId: 'DU1', netLiquidation: 150_000 },
      { accountId: 'DU2', netLiquidation: 40_000 },
    ];
    const samples = simulatedHistory({ accounts, now: NOW });
    const first = samples.filter((s) => s.accountId === 'DU1');
    expect(first).toHaveLength(180);
    expect(Date.parse(first[0]!.at)).toBeGreaterThan(NOW - 90 * 86_400_000);
    expect(Date.parse(first[0]!.at)).toBeLessThan(NOW - 89 * 86_400_000);
    expect(first.at(-1)!.nav).toBe(150_000);
    expect(first.every((s) => (s.drift ?? -1) >= 0 && (s.nav ?? 0) > 0)).toBe(true);
    expect(simulatedHistory({ accounts, now: NOW })).toEqual(samples);
  });
});
