import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';
import { planFor, targetsFor } from '../planning';

/** Dry run: the same planning as a live rebalance (§8), no orders. */
export async function printRebalance(deps: CommandDeps, { event, log }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  await connected(deps);
  const targets = await targetsFor(deps, account);
  const { plan } = await planFor(deps, event, account, targets, 'all', log);
  return { command: 'print-rebalance', plan };
}
