import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';
import { planFor, targetsFor } from '../planning';
import { planRequestOf } from '../../domain/cash-commands';

/** Dry run: the same planning as a live rebalance (§8) or raise-cash (§27, `payload.mode`), no orders. */
export async function printRebalance(deps: CommandDeps, { event, log }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  const request = planRequestOf(event, account); // §27: the preview of a buy-only rebalance or a raise-cash too
  await connected(deps);
  const targets = await targetsFor(deps, account);
  const { plan } = await planFor(deps, event, account, targets, 'all', log, request);
  return { command: 'print-rebalance', plan };
}
