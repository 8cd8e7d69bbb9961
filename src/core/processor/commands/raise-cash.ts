import type { CommandRun } from '../processor';
import type { CommandDeps } from '../command-deps';
import { rebalance } from './rebalance';

/**
 * `raise-cash` (§27): sells the most overweight symbols until cash ≥ `payload.amount` + reserve, through the live
 * rebalance's run (approval, limits, guards, report; a retry re-plans from live cash, so it never sells twice).
 */
export function raiseCash(deps: CommandDeps, run: CommandRun): Promise<Record<string, unknown>> {
  return rebalance(deps, run);
}
