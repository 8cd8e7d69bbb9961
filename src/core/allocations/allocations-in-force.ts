/**
 * The allocations the feed, the commands and the drift monitor read (§5, §16): always through the allocation client in
 * force, so a new allocations URL in Settings applies at once. The symbols of every set read are remembered and their
 * contracts looked up ahead of a signal (`warm`), and again whenever IB reconnects (`symbols`).
 */
import type { AllocationClient } from './allocation-client';

export class AllocationsInForce {
  /** Symbols of the allocations read so far. */
  readonly symbols = new Set<string>();

  constructor(
    private readonly client: () => AllocationClient,
    private readonly warm: (symbols: string[]) => void,
  ) {}

  readonly getAllocations: AllocationClient['getAllocations'] = async (strategy) => {
    const set = await this.client().getAllocations(strategy);
    for (const a of set.allocations) this.symbols.add(a.symbol);
    this.warm(set.allocations.map((a) => a.symbol));
    return set;
  };
}
