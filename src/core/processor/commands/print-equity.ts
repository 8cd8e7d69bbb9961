import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';

/** Net liquidation, cash and buying power of the account. */
export async function printEquity(deps: CommandDeps, { event }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  await connected(deps);
  return { command: 'print-equity', equity: await deps.ib.getEquity(account.accountId) };
}
