import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';

/** Open orders of the account, of every API client and TWS. */
export async function printOrders(deps: CommandDeps, { event }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  await connected(deps);
  return { command: 'print-orders', orders: await deps.ib.listOpenOrders(account.accountId) };
}
