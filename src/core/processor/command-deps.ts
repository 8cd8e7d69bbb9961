import type { AllocationSet, EventRecord, TradeRecord } from '../../shared/dto';
import type { AccountSettings, Settings } from '../config/schema';
import { invalidError, transientError } from '../domain/errors';
import { restartWindowError } from '../domain/restart-window';
import { tradingBlockReason } from '../domain/trading-guard';
import type { IbPort } from '../ib/ib-client';
import { gatewayName, type GatewaySpec } from '../../shared/gateways';
import type { AccountState } from '../records/account-state';

/** §28: the gateway one event's account is on, and the IB client of that gateway. */
export interface GatewayRoute {
  spec: GatewaySpec;
  ib: IbPort;
  clientId(): number | null;
  /** More than one gateway is configured: the event's IB errors name this one. */
  several: boolean;
}

/** What the commands need from the rest of the core; plain interfaces so commands can be tested with fakes. */
export interface CommandDeps {
  /** The IB client of the event's gateway (with `gatewayFor`, set per event by `commandHandlers`). */
  ib: IbPort;
  /**
   * §28: routes an event to its account's gateway. Without it every event goes to `ib` (one gateway, as in tests of
   * single commands).
   */
  gatewayFor?: (accountId: string) => GatewayRoute;
  /** The gateway of the event being run and its account (set per event from `gatewayFor`). */
  gateway?: { route: GatewayRoute; accountId: string };
  allocations: { getAllocations(strategy: string): Promise<AllocationSet> };
  settings: () => Settings;
  /** Own client id, to tell this app's open orders from other clients'. */
  ownClientId: () => number | null;
  accountState: {
    get(accountId: string): Promise<AccountState>;
    update(accountId: string, change: Partial<AccountState>): Promise<unknown>;
  };
  /**
   * Links an order placed for an event to it, so its trade records carry the event id; `gateway` (§28, set per event
   * by `depsForEvent`) is the gateway whose order id it is.
   */
  trackOrder: (orderId: number, eventId: string, gateway?: string) => void;
  trades?: { add(trade: TradeRecord): Promise<void> };
  now: () => Date;
}

/**
 * The account an event is for, from the settings in force. An unknown account, or an order command the trading mode
 * does not allow for it (§18: a live account trades only in live mode), fails the event as invalid.
 */
export function accountOf(event: EventRecord, settings: Settings): AccountSettings {
  const account = settings.accounts.find((a) => a.accountId === event.accountId);
  if (!account)
    throw invalidError(`account ${event.accountId} is not in the settings; add it under Settings → Accounts`);
  const blocked = tradingBlockReason(account, settings.tradingMode, event.command);
  if (blocked) throw invalidError(blocked);
  return account;
}

/**
 * Waits briefly for the gateway (at start-up or after a reconnect) so an event is not failed during a connect that is
 * about to succeed; a gateway that stays down fails the event within `ib.connectTimeoutMs` (fast failure, §9).
 * Inside IB Gateway's daily restart window (§21) the event is delayed to the window's end instead, and a gateway that
 * is connected but cannot serve (connectivity to IB lost, not logged in) fails it with that plain reason.
 */
export async function connected(deps: CommandDeps): Promise<void> {
  const window = deps.gateway ? deps.gateway.route.spec.restartWindow : deps.settings().ib.restartWindow;
  const inWindow = restartWindowError(window, deps.now());
  if (inWindow) throw inWindow;
  await deps.ib.whenConnected(deps.settings().ib.connectTimeoutMs);
  const status = deps.ib.status();
  const problem = status.problem;
  if (problem?.blocking) throw transientError(problem.reason, problem.code === null ? {} : { code: problem.code });
  const gateway = deps.gateway;
  if (gateway && status.accounts.length > 0) {
    const managed = status.accounts.map((a) => a.toUpperCase());
    if (!managed.includes(gateway.accountId.toUpperCase())) {
      throw invalidError(
        `account ${gateway.accountId} is not managed by ${gatewayName(gateway.route.spec)}, which manages ` +
          `${status.accounts.join(', ')}: pick the account's gateway in Settings › Accounts, or log that gateway in ` +
          `with the login that holds ${gateway.accountId}`,
      );
    }
  }
}

/** The deps of one event: its account's gateway's IB client and client id (§28), when the core routes. */
export function depsForEvent(deps: CommandDeps, event: EventRecord): CommandDeps {
  if (!deps.gatewayFor) return deps;
  const route = deps.gatewayFor(event.accountId);
  return {
    ...deps,
    ib: route.ib,
    ownClientId: () => route.clientId(),
    trackOrder: (orderId, eventId) => deps.trackOrder(orderId, eventId, route.spec.id),
    gateway: { route, accountId: event.accountId },
  };
}

/** `rd:` + the event id, truncated to fit IB's orderRef field (§8 step 9). */
export function orderRefOf(eventId: string): string {
  return `rd:${eventId}`.slice(0, 64);
}
