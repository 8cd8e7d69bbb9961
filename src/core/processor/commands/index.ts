import type { CommandHandler, CommandHandlers, CommandRun } from '../processor';
import { depsForEvent, type CommandDeps } from '../command-deps';
import { gatewayName } from '../../../shared/gateways';
import { IbError } from '../../ib/ib-errors';
import type { Plan } from '../../../shared/dto';
import { DeskError, partialError, toDeskError } from '../../domain/errors';
import { parseTradingHours } from '../../domain/market-hours';
import { nextSessionOpen, PDT_NOTE, pdtHeldSymbols } from '../../domain/pdt';
import { cancelOrders } from './cancel-orders';
import { printEquity } from './print-equity';
import { printOrders } from './print-orders';
import { printPositions } from './print-positions';
import { printRebalance } from './print-rebalance';
import { raiseCash } from './raise-cash';
import { rebalance } from './rebalance';

/** One handler per command of §7; a missing one is a compile error. */
export function commandHandlers(deps: CommandDeps): CommandHandlers {
  // §28: each event runs against its own account's gateway.
  const of = (run: CommandRun) => depsForEvent(deps, run.event);
  const handlers: CommandHandlers = {
    rebalance: (run) => {
      const d = of(run);
      return rebalance(d, run).then((result) => endPartialIfPdtHeld(d, result));
    },
    'print-rebalance': (run) => printRebalance(of(run), run),
    'print-positions': (run) => printPositions(of(run), run),
    'print-equity': (run) => printEquity(of(run), run),
    'print-orders': (run) => printOrders(of(run), run),
    'cancel-orders': (run) => cancelOrders(of(run), run),
    'raise-cash': (run) => {
      const d = of(run);
      return raiseCash(d, run).then((result) => endPartialIfPdtHeld(d, result));
    },
  };
  for (const command of Object.keys(handlers) as (keyof CommandHandlers)[]) {
    handlers[command] = withGatewayName(deps, withGatewayReason(deps, handlers[command]));
  }
  return handlers;
}

/**
 * A live rebalance whose plan left sells out for the PDT guard (§21) ends `partial`, delayed to the next session
 * open of those symbols, where the retry sells them (no longer bought "today") and finishes the job.
 */
async function endPartialIfPdtHeld(
  deps: CommandDeps,
  result: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const plan = result.plan as Plan | undefined;
  const held = plan ? pdtHeldSymbols(plan) : [];
  if (held.length === 0) return result;
  const now = deps.now();
  let retryAt: Date | null = null;
  for (const symbol of held) {
    const contract = await deps.ib.resolveContract(symbol);
    const open = nextSessionOpen(parseTradingHours(contract.liquidHours, contract.timeZoneId), now);
    if (open && (!retryAt || open > retryAt)) retryAt = open;
  }
  const sent = ((result.orders as unknown[] | undefined) ?? []).length;
  throw partialError(
    `sell of ${held.join(', ')} left out: ${PDT_NOTE}; ${sent} order(s) filled, the rest at the next session open${
      retryAt ? ` (${retryAt.toISOString()})` : ''
    }`,
    retryAt ? { retryAt } : {},
  );
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
      const problem = depsForEvent(deps, run.event).ib.status().problem;
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

/**
 * §28: with several gateways, an event's IB error names its gateway ("IB Gateway spouse (127.0.0.1:4012): …"), so
 * the trader knows which login to look at. IB errors are the IB client's, those with an IB code, and the gateway's
 * own troubles (restart window, not logged in); an allocation or planning error stays as it is.
 */
function withGatewayName(deps: CommandDeps, handler: CommandHandler): CommandHandler {
  if (!deps.gatewayFor) return handler;
  return async (run) => {
    try {
      return await handler(run);
    } catch (error) {
      const route = deps.gatewayFor?.(run.event.accountId);
      const failure = toDeskError(error);
      if (!route?.several) throw error;
      const name = gatewayName(route.spec);
      const fromIb = error instanceof IbError || failure.code !== undefined || failure.message.includes('IB Gateway');
      if (!fromIb || failure.message.includes(`IB Gateway ${route.spec.id}`)) throw error;
      throw new DeskError(failure.kind, `${name}: ${failure.message}`, {
        ...(failure.code === undefined ? {} : { code: failure.code }),
        ...(failure.retryAt === undefined ? {} : { retryAt: failure.retryAt }),
        cause: error,
      });
    }
  };
}
