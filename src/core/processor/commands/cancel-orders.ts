import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';

/** Cancels this app's open orders for the account and waits until they are gone; other clients' stay. */
export async function cancelOrders(deps: CommandDeps, { event, log }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  await connected(deps);
  const cancelled = await deps.ib.cancelOwnOpenOrders(account.accountId, 'rd:');
  log.info({ cancelled: cancelled.length }, `cancelled ${cancelled.length} open order(s)`);
  return { command: 'cancel-orders', orders: cancelled };
}
