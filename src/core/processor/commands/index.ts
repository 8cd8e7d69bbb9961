import type { CommandHandlers } from '../processor';
import type { CommandDeps } from '../command-deps';
import { cancelOrders } from './cancel-orders';
import { printEquity } from './print-equity';
import { printOrders } from './print-orders';
import { printPositions } from './print-positions';
import { printRebalance } from './print-rebalance';
import { rebalance } from './rebalance';

/** One handler per command of §7; a missing one is a compile error. */
export function commandHandlers(deps: CommandDeps): CommandHandlers {
  return {
    rebalance: (run) => rebalance(deps, run),
    'print-rebalance': (run) => printRebalance(deps, run),
    'print-positions': (run) => printPositions(deps, run),
    'print-equity': (run) => printEquity(deps, run),
    'print-orders': (run) => printOrders(deps, run),
    'cancel-orders': (run) => cancelOrders(deps, run),
  };
}
