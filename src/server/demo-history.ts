import type { HistorySample } from '../core/records/account-history';

const DAY_MS = 86_400_000;

/** A small seeded generator (mulberry32), so every demo start shows the same made-up past. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Demo mode (§25): a made-up past of `days` days for each account — two NAV and drift samples a day ending at the
 * account's NAV now, the drift creeping up between rebalances every two to four weeks — so the NAV and drift charts
 * are not empty on the first start. The window labels demo history "simulated".
 */
export function simulatedHistory(options: {
  accounts: { accountId: string; netLiquidation: number }[];
  now: number;
  days?: number;
}): HistorySample[] {
  const days = options.days ?? 90;
  const samples: HistorySample[] = [];
  options.accounts.forEach(({ accountId, netLiquidation }, index) => {
    const next = random(1_000 + index);
    const steps = days * 2;
    // NAV walked backwards from today's, about 0.6 % a day up or down
    const navs: number[] = [netLiquidation];
    for (let i = 1; i < steps; i++) navs.push(navs[i - 1]! / (1 + (next() - 0.48) * 0.012));
    navs.reverse();
    let drift = 0.4;
    let untilRebalance = 28 + Math.floor(next() * 28);
    for (let i = 0; i < steps; i++) {
      const at = options.now - (steps - i) * (DAY_MS / 2) + 10 * 60_000;
      if (--untilRebalance <= 0) {
        drift = 0.3 + next() * 0.5;
        untilRebalance = 28 + Math.floor(next() * 28);
      } else {
        drift = Math.max(0, drift + (next() - 0.35) * 0.45);
      }
      samples.push({
        accountId,
        at: new Date(at).toISOString(),
        nav: Math.round(navs[i]! * 100) / 100,
        drift: Math.round(drift * 100) / 100,
      });
    }
  });
  return samples;
}
