import type { Logger } from 'pino';
import type { EventRecord, OrderRecord, OrderSide, OrderType, Plan, Quote } from '../../../shared/dto';
import type { AccountSettings, OrderSettings } from '../../config/schema';
import { DeskError, marketClosedError, partialError, rejectedError } from '../../domain/errors';
import { describeIbCode } from '../../domain/ib-codes';
import { limitPrice } from '../../domain/limit-price';
import { isOpen, nextOpen } from '../../domain/market-hours';
import { driftOfPlan } from '../../domain/drift';
import { ordersOf, type PlannedOrder } from '../../domain/planner';
import type { PlaceOrderRequest, TrackedOrder } from '../../ib/orders';
import type { CommandRun } from '../processor';
import { accountOf, connected, orderRefOf, type CommandDeps } from '../command-deps';
import { approvalGate } from '../approval';
import { planRequestOf } from '../../domain/cash-commands';
import { planFor, targetsFor, weightsByTarget } from '../planning';
import { reportFor } from '../report';

/** Weights per symbol of a plan's current holdings. */
function weightsOf(plan: Plan): Record<string, number> {
  return Object.fromEntries(plan.rows.filter((r) => r.currentShares !== 0).map((r) => [r.symbol, r.currentWeight]));
}

/**
 * §8 step 11: a live rebalance outside the liquid hours of the symbols it trades is delayed to the next open
 * (`market-closed`), unless `orders.outsideRth`.
 */
async function checkMarketHours(deps: CommandDeps, symbols: string[]): Promise<void> {
  if (deps.settings().orders.outsideRth || symbols.length === 0) return;
  const now = deps.now();
  let reopen: Date | null = null;
  const closed: string[] = [];
  for (const symbol of symbols) {
    const c = await deps.ib.resolveContract(symbol);
    if (isOpen(c.liquidHours, c.timeZoneId, now)) continue;
    closed.push(symbol);
    const next = nextOpen(c.liquidHours, c.timeZoneId, now);
    if (next && (!reopen || next > reopen)) reopen = next;
  }
  if (closed.length > 0) {
    throw marketClosedError(
      `market closed for ${closed.join(', ')}${reopen ? `; next open ${reopen.toISOString()}` : ''}`,
      reopen,
    );
  }
}

/** The order type of a side (§23): `orders.buyType` / `orders.sellType`, else `orders.type`. */
export function orderTypeOf(o: OrderSettings, side: OrderSide): OrderType {
  return (side === 'BUY' ? o.buyType : o.sellType) ?? o.type;
}

/**
 * A plan with a risk-limit breach (§23) is never traded: the event fails `rejected` ("needs attention") naming the
 * limit, before any order of it is sent.
 */
function refuseBreaches(plan: Plan): void {
  const breaches = plan.limitBreaches ?? [];
  if (breaches.length > 0) throw rejectedError(`risk limit breached, no order sent: ${breaches.join('; ')}`);
}

/**
 * The orders of a batch as IB requests, each side with its order type; LMT prices (§8.9) from the quotes the plan
 * used, on each contract's tick.
 */
async function requestsFor(
  deps: CommandDeps,
  event: EventRecord,
  account: AccountSettings,
  orders: PlannedOrder[],
  quotes: Map<string, Quote>,
): Promise<PlaceOrderRequest[]> {
  const o = deps.settings().orders;
  const minTicks = new Map<string, number>();
  for (const order of orders) {
    if (orderTypeOf(o, order.side) === 'LMT' && !minTicks.has(order.symbol)) {
      minTicks.set(order.symbol, (await deps.ib.resolveContract(order.symbol)).minTick);
    }
  }
  return orders.map((order) => {
    const q = quotes.get(order.symbol);
    const type = orderTypeOf(o, order.side);
    return {
      accountId: account.accountId,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      type,
      limitPrice:
        type === 'LMT'
          ? limitPrice({
              symbol: order.symbol,
              side: order.side,
              bid: q?.bid ?? null,
              ask: q?.ask ?? null,
              offsetPercent: o.limitOffsetPercent,
              minTick: minTicks.get(order.symbol) ?? 0.01,
            })
          : null,
      tif: o.timeInForce,
      outsideRth: o.outsideRth,
      orderRef: orderRefOf(event.id),
    };
  });
}

/**
 * One batch (§8 steps 7–9): what-if every order first when enabled (any refusal fails the event before an order of
 * the batch is sent), place them, then wait for fills; on timeout cancel what is still working and fail `partial`.
 */
async function runBatch(
  deps: CommandDeps,
  event: EventRecord,
  requests: PlaceOrderRequest[],
  label: string,
  log: Logger,
  signal: AbortSignal,
): Promise<TrackedOrder[]> {
  if (requests.length === 0) return [];
  const settings = deps.settings().orders;
  if (settings.whatIf) {
    try {
      await deps.ib.whatIf(requests);
    } catch (error) {
      if (error instanceof DeskError && error.kind === 'rejected') {
        throw rejectedError(`what-if check of the ${label} refused: ${error.message}`, {
          code: error.code,
          cause: error,
        });
      }
      throw error;
    }
  }
  const placed: TrackedOrder[] = [];
  for (const request of requests) {
    // Checked before every order: an attempt whose lease was lost (or whose processor stops) sends nothing more.
    signal.throwIfAborted();
    const order = await deps.ib.placeOrder(request);
    deps.trackOrder(order.orderId, event.id);
    placed.push(order);
    log.info(
      { orderId: order.orderId, symbol: request.symbol, side: request.side, quantity: request.quantity },
      `${request.side} ${request.quantity} ${request.symbol} placed`,
    );
  }
  try {
    const done = await deps.ib.waitForFills(
      placed.map((o) => o.orderId),
      settings.fillTimeoutMs,
    );
    const refused = done.filter((o) => o.status !== 'Filled');
    if (refused.length > 0) {
      const first = refused[0]!;
      const error = first.lastError;
      // §24: the code table gives the kind and the trader's sentence (a precaution refusal says how to lift it).
      const described = error ? describeIbCode(error.code, error.message, first.symbol) : null;
      const why = error && described ? `${described.sentence} (IB error ${error.code})` : first.status;
      const filledAny = done.some((o) => o.filled > 0);
      const message = `${refused.length} of the ${label} did not fill: ${first.side} ${first.quantity} ${first.symbol}: ${why}`;
      // A cancel (202) after some fills stays `partial`: the retry re-plans from the new positions.
      if (error && described && described.kind !== 'transient' && !(error.code === 202 && filledAny)) {
        throw new DeskError(described.kind, message, { code: error.code });
      }
      throw filledAny ? partialError(message) : rejectedError(message, { code: error?.code });
    }
    return done;
  } catch (error) {
    if (error instanceof DeskError && error.kind === 'partial') {
      for (const o of placed) {
        await deps.ib.cancelOrder(o.orderId).catch(() => undefined);
      }
    }
    throw error;
  }
}

/**
 * The live rebalance of §8: cancel own orders → sells → wait → fresh cash and positions → buys → wait. The same run
 * serves a buy-only rebalance and `raise-cash` (§27): only the planner differs (`planRequestOf`), so approval, limits,
 * guards, the report and the retry's re-planning from live positions are the same.
 */
export async function rebalance(
  deps: CommandDeps,
  { event, log, signal }: CommandRun,
): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  const request = planRequestOf(event, account); // §27: full, buy-only or raise-cash; a bad payload fails invalid
  await connected(deps);
  const targets = await targetsFor(deps, account);

  // The preview a trader would have seen, from the same function, before anything is sent.
  const preview = await planFor(deps, event, account, targets, 'all', log, request);
  refuseBreaches(preview.plan);
  approvalGate(event, account, preview.plan, deps.now()); // §19: may wait for the trader instead of trading
  const traded = preview.plan.rows.filter((r) => r.order).map((r) => r.symbol);
  await checkMarketHours(deps, traded);

  const cancelled = await deps.ib.cancelOwnOpenOrders(account.accountId, 'rd:');
  if (cancelled.length > 0) log.info({ cancelled: cancelled.length }, 'cancelled earlier open orders of this app');
  signal.throwIfAborted();

  // Places one side of a phase's plan and waits until it has filled.
  const trade = async ({ plan, quotes }: { plan: Plan; quotes: Map<string, Quote> }, side: 'SELL' | 'BUY') => {
    refuseBreaches(plan);
    const orders = ordersOf(plan).filter((o) => o.side === side);
    const requests = await requestsFor(deps, event, account, orders, quotes);
    return runBatch(deps, event, requests, side === 'SELL' ? 'sells' : 'buys', log, signal);
  };

  // The preview's sells are the sells only when no order of ours was working as it read the account: such an order
  // (an earlier attempt's) can fill between that read and the cancel, which then finds nothing to cancel while the
  // preview still counts the shares it sold or bought.
  const untouched = cancelled.length === 0 && preview.ownOpenOrders === 0;
  const sold = await trade(
    untouched ? preview : await planFor(deps, event, account, targets, 'sells', log, request),
    'SELL',
  );
  signal.throwIfAborted();

  const bought = await trade(await planFor(deps, event, account, targets, 'buys', log, request), 'BUY');

  const after = await planFor(deps, event, account, targets, 'all', log, request);
  const now = deps.now().toISOString();
  // A raise-cash moves the account toward its targets but does not take a signal: only a rebalance marks one taken.
  await deps.accountState.update(
    account.accountId,
    event.command === 'rebalance'
      ? {
          lastRebalance: { at: now, eventId: event.id, asOf: targets.asOf },
          drift: driftOfPlan(after.plan),
          lastTargetWeights: weightsByTarget(targets.allocations),
        }
      : { drift: driftOfPlan(after.plan) },
  );
  const orders: OrderRecord[] = [...sold, ...bought].map(({ lastError: _lastError, ...o }) => o);
  log.info(
    { sells: sold.length, buys: bought.length, mode: request.mode },
    `${event.command} of ${account.accountId} finished`,
  );
  return {
    command: event.command,
    plan: preview.plan,
    orders,
    before: weightsOf(preview.plan),
    after: weightsOf(after.plan),
    remainingOrders: ordersOf(after.plan),
    // Fractions of a share whole-share orders cannot sell (§23), for the trader to close in TWS.
    residuals: after.plan.rows.flatMap((r) =>
      r.residualShares ? [{ symbol: r.symbol, shares: r.residualShares }] : [],
    ),
    report: await reportFor(deps, preview.plan, after.plan, orders, log), // §20
  };
}
