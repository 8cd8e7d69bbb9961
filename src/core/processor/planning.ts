import { staleAllocationWarning } from '../domain/stale-allocation';
import type { Logger } from 'pino';
import type { EventRecord, Plan, Quote } from '../../shared/dto';
import type { AccountSettings } from '../config/schema';
import { validateAllocations } from '../domain/allocations';
import { invalidError } from '../domain/errors';
import { planBuyOnly } from '../domain/buy-only-planner';
import type { PlanRequest } from '../domain/cash-commands';
import { planRebalance, type PlanInput, type PlanPhase, type PriceSnapshot } from '../domain/planner';
import { planRaiseCash } from '../domain/raise-cash-planner';
import { applyReplacements } from '../domain/replacement';
import type { CommandDeps } from './command-deps';
import { pdtNoSell } from './pdt-guard';

/**
 * Planning counts other clients' open orders (§8 step 4) from a read made for it: accounts planning at the same time
 * share one `reqAllOpenOrders` while it is under way, but a finished answer is never reused. Another client's order
 * that fills after an earlier answer would otherwise count twice (in the position and as still working), and the
 * plan would sell what that fill bought.
 */
const OPEN_ORDERS_MAX_AGE_MS = 0;

export interface Targets {
  allocations: { symbol: string; weight: number }[];
  asOf: string | null;
  warnings: string[];
  /** The target weights of the account's last finished rebalance (§23 `limits.maxAllocationChangePercent`). */
  lastTargetWeights: Record<string, number> | null;
}

/** Symbol → weight of a target list, duplicates added up: what a finished rebalance stores as its baseline. */
export function weightsByTarget(allocations: readonly { symbol: string; weight: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of allocations) out[a.symbol] = (out[a.symbol] ?? 0) + a.weight;
  return out;
}

/**
 * §8 steps 1–2: the strategy's allocations, validated, with the account's replacement set applied; with the weights
 * the account was last rebalanced to.
 */
export async function targetsFor(
  deps: Pick<CommandDeps, 'allocations' | 'settings' | 'accountState'>,
  account: AccountSettings,
): Promise<Targets> {
  const set = await deps.allocations.getAllocations(account.strategy);
  const validated = validateAllocations(set.allocations);
  const rules = account.replacementSet ? deps.settings().replacementSets[account.replacementSet] : [];
  if (rules === undefined) {
    throw invalidError(`replacement set "${account.replacementSet}" of ${account.accountId} is not defined`);
  }
  const replaced = applyReplacements(validated.allocations, rules);
  const state = await deps.accountState.get(account.accountId);
  return {
    allocations: replaced.allocations,
    asOf: set.asOf,
    warnings: [...validated.warnings, ...replaced.notes],
    lastTargetWeights: state.lastTargetWeights,
  };
}

/**
 * THE planning step (§8 step 10): reads live equity, positions, other clients' open orders and prices, then plans.
 * `print-rebalance` and every phase of a live `rebalance` come through here, so a preview shows exactly what a live
 * run would send first.
 */
export async function planFor(
  deps: CommandDeps,
  event: EventRecord,
  account: AccountSettings,
  targets: Targets,
  phase: PlanPhase,
  log: Logger,
  request: PlanRequest = { mode: 'full' },
): Promise<{ plan: Plan; quotes: Map<string, Quote>; ownOpenOrders: number }> {
  const { ib } = deps;
  const accountData = Promise.all([
    ib.getEquity(account.accountId),
    ib.listOpenOrders(account.accountId, { maxAgeMs: OPEN_ORDERS_MAX_AGE_MS }),
  ]);
  accountData.catch(() => undefined);
  const positions = await ib.getPositions(account.accountId);
  const held: Record<string, number> = {};
  for (const p of positions) held[p.symbol] = (held[p.symbol] ?? 0) + p.quantity;
  // Prices are asked for beside the account data, held symbols first (their sells come first).
  const symbols = [...new Set([...Object.keys(held), ...targets.allocations.map((a) => a.symbol)])].filter(
    (s) => (held[s] ?? 0) !== 0 || targets.allocations.some((a) => a.symbol === s && a.weight > 0),
  );
  const quotes = await ib.getQuotes(symbols, { allowMissing: true });
  const [equity, openOrders] = await accountData;
  const own = deps.ownClientId();
  const foreign = openOrders.filter((o) => o.clientId !== own && o.remaining > 0);
  // This app's orders still working when the state was read: an earlier attempt's, about to be cancelled (§8.4).
  const ownOpenOrders = openOrders.filter((o) => o.clientId === own).length;
  const pdt = await pdtNoSell(deps, account, equity, log);
  const prices: Record<string, PriceSnapshot> = {};
  for (const [symbol, q] of quotes) prices[symbol] = { bid: q.bid, ask: q.ask, last: q.last, close: q.close };
  const input: PlanInput = {
    accountId: account.accountId,
    strategy: account.strategy,
    asOf: targets.asOf,
    allocations: targets.allocations,
    netLiquidation: equity.netLiquidation,
    cash: equity.totalCashValue,
    positions: held,
    prices,
    openOrdersOfOtherClients: foreign.map((o) => ({ symbol: o.symbol, side: o.side, remaining: o.remaining })),
    cashReservePercent: account.cashReservePercent,
    minTradeValue: deps.settings().orders.minTradeValue,
    phase,
    now: deps.now().toISOString(),
    warnings: [...targets.warnings, ...pdt.warnings, ...staleWarning(targets.asOf, deps)],
    limits: deps.settings().limits,
    lastTargetWeights: targets.lastTargetWeights,
    ...(pdt.noSell.size > 0 ? { noSell: pdt.noSell } : {}),
  };
  // §27: the buy-only and raise-cash planners take the same input and return the same Plan.
  const plan =
    request.mode === 'buy-only'
      ? planBuyOnly(input)
      : request.mode === 'raise-cash'
        ? planRaiseCash({ ...input, amount: request.amount })
        : planRebalance(input);
  log.info(
    {
      phase,
      mode: request.mode,
      nav: equity.netLiquidation,
      cash: equity.totalCashValue,
      orders: plan.rows.filter((r) => r.order).length,
    },
    `planned ${phase} for ${event.accountId}`,
  );
  for (const breach of plan.limitBreaches ?? []) log.warn({ phase }, `risk limit: ${breach}`);
  return { plan, quotes, ownOpenOrders };
}

/** §25: the stale-allocation warning of the plan, if its `as_of` is older than `zehnlabs.staleAllocationDays`. */
function staleWarning(
  asOf: string | null,
  deps: { settings: () => { zehnlabs: { staleAllocationDays: number } }; now: () => Date },
): string[] {
  const warning = staleAllocationWarning(asOf, deps.now().toISOString(), deps.settings().zehnlabs.staleAllocationDays);
  return warning ? [warning] : [];
}
