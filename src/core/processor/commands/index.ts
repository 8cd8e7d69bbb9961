import type { CommandHandler, CommandHandlers } from '../processor';
import type { CommandDeps } from '../command-deps';
import { DeskError, toDeskError } from '../../domain/errors';
import { cancelOrders } from './cancel-orders';
import { printEquity } from './print-equity';
import { printOrders } from './print-orders';
import { printPositions } from './print-positions';
import { printRebalance } from './print-rebalance';
import { rebalance } from './rebalance';

/** One handler per command of §7; a missing one is a compile error. */
export function commandHandlers(deps: CommandDeps): CommandHandlers {
  const handlers: CommandHandlers = {
    rebalance: (run) => rebalance(deps, run),
    'print-rebalance': (run) => printRebalance(deps, run),
    'print-positions': (run) => printPositions(deps, run),
    'print-equity': (run) => printEquity(deps, run),
    'print-orders': (run) => printOrders(deps, run),
    'cancel-orders': (run) => cancelOrders(deps, run),
  };
  for (const command of Object.keys(handlers) as (keyof CommandHandlers)[]) {
    handlers[command] = withGatewayReason(deps, handlers[command]);
  }
  return handlers;
}

/**
 * A transient failure while the gateway has a trouble of its own (§21: 2110, 10197, 1100 …) carries that trouble's
 * plain reason, so the event's error says why a request timed out or was refused, not only that it did.
 */
function withGatewayReason(deps: CommandDeps, handler: CommandHandler): CommandHandler {
  return async (run) => {
    try {
      return await handler(run);
    } catch (error) {
      const problem = deps.ib.status().problem;
      const failure = toDeskError(error);
      if (!problem || failure.kind !== 'transient' || failure.message.includes(problem.reason)) throw error;
      throw new DeskError('transient', `${failure.message}: ${problem.reason}`, {
        ...(failure.code === undefined ? {} : { code: failure.code }),
        ...(failure.retryAt === undefined ? {} : { retryAt: failure.retryAt }),
        cause: error,
      });
    }
  };
}
