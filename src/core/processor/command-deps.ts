import type { AllocationSet, EventRecord, TradeRecord } from '../../shared/dto';
import type { AccountSettings, Settings } from '../config/schema';
import { invalidError, transientError } from '../domain/errors';
import { restartWindowError } from '../domain/restart-window';
import { tradingBlockReason } from '../domain/trading-guard';
import type { IbPort } from '../ib/ib-client';
import type { AccountState } from '../records/account-state';

/** What the commands need from the rest of the core; plain interfaces so commands can be tested with fakes. */
export interface CommandDeps {
  ib: IbPort;
  allocations: { getAllocations(strategy: string): Promise<AllocationSet> };
  settings: () => Settings;
  /** Own client id, to tell this app's open orders from other clients'. */
  ownClientId: () => number | null;
  accountState: {
    get(accountId: string): Promise<AccountState>;
    update(accountId: string, change: Partial<AccountState>): Promise<unknown>;
  };
  /** Links an order placed for an event to it, so its trade records carry the event id. */
  trackOrder: (orderId: number, eventId: string) => void;
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
  const inWindow = restartWindowError(deps.settings().ib.restartWindow, deps.now());
  if (inWindow) throw inWindow;
  await deps.ib.whenConnected(deps.settings().ib.connectTimeoutMs);
  const problem = deps.ib.status().problem;
  if (problem?.blocking) throw transientError(problem.reason, problem.code === null ? {} : { code: problem.code });
}

/** `rd:` + the event id, truncated to fit IB's orderRef field (§8 step 9). */
export function orderRefOf(eventId: string): string {
  return `rd:${eventId}`.slice(0, 64);
}
