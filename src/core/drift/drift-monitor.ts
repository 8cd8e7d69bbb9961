/**
 * §20 drift monitor. Every `drift.checkMinutes` (fractions allowed; 0 = off) the core reads each enabled account of
 * the current trading mode — positions and net liquidation from the shared All-accounts subscriptions, target weights
 * as a preview gets them (the allocation API with the replacement set applied; the last rebalanced-to weights when the
 * API cannot be read) — prices every symbol of every account with ONE quote request per symbol for the whole check,
 * and stores `drift: {percent, at, bySymbol, cash}` on each account — against the effective targets (§24: after the
 * account's cash reserve; cash a line of its own). Read-only: no queued event, no order.
 *
 * - Liquid hours: an account is checked while at least one of its symbols is in its liquid hours (market-hours code
 *   of the domain on IB's contract details); with none open nothing is read or priced.
 * - IB down, or this core standing by (§22, another core owns the processing lease): the check is skipped, logged
 *   once per outage rather than every time. §28: with several gateways each gateway's accounts are read and priced
 *   through their own; a gateway that is down skips only its own accounts.
 * - A failed read of one account is logged and shown (kept as the account's `driftError`, on its card) and does not
 *   stop the others; its last reading stays.
 * - Above `drift.alertPercent`: ONE notification per crossing ("NAME drifted X.X % from target"); the alert re-arms
 *   only when the drift is back at or below the threshold. The armed state lives in Redis with the account's state,
 *   so a restart or a takeover by another core does not notify again. With `drift.autoRebalance` the crossing also
 *   enqueues a `rebalance` with `source: "drift"` (deduplicated like any other; it goes through §19 approval).
 */
import type { Logger } from 'pino';
import type { DriftReading, EnqueueResult, NewEvent, Position, Quote } from '../../shared/dto';
import type { AccountSettings, Settings } from '../config/schema';
import { currentDrift } from '../domain/drift';
import { effectiveTargets } from '../domain/effective-targets';
import { isOpen } from '../domain/market-hours';
import type { PriceSnapshot } from '../domain/planner';
import type { IbPort } from '../ib/ib-client';
import { NoContractError } from '../ib/ib-errors';
import type { Notifier } from '../notify/notifier';
import type { AccountState } from '../records/account-state';

/** What a drift check reads of one IB Gateway. */
export type DriftIb = Pick<IbPort, 'status' | 'getEquity' | 'getPositions' | 'getQuotes' | 'resolveContract'>;

export interface DriftMonitorOptions {
  settings: () => Settings;
  /** The one gateway's IB client (every account's, unless `gatewayOf` says otherwise). */
  ib: DriftIb;
  /**
   * §28: the gateway of an account (its id, how the log names it, its IB client); throws when the account's gateway
   * has no connection. Accounts are read and priced per gateway; a gateway that is down skips only its accounts.
   */
  gatewayOf?: (accountId: string) => { id: string; name: string; ib: DriftIb };
  /** Symbol → target weight 0..1 of an account, replacement set applied (as a preview plans to). */
  targets: (account: AccountSettings) => Promise<Record<string, number>>;
  accountState: {
    get(accountId: string): Promise<AccountState>;
    setDrift(accountId: string, drift: DriftReading): Promise<void>;
    setDriftAlerted(accountId: string, alerted: boolean): Promise<void>;
    setDriftError(accountId: string, error: { at: string; message: string }): Promise<void>;
  };
  notifier: Notifier;
  enqueue: (event: NewEvent) => Promise<EnqueueResult>;
  /** False on a standby core (§22): only the core that owns processing checks, notifies and enqueues. */
  isOwner: () => boolean;
  now: () => Date;
  log: Logger;
  /** §25: each account's net liquidation and drift at this check, for its history (records/account-history.ts). */
  onSample?: (sample: { accountId: string; at: string; nav: number; drift: number }) => void;
  /** Called after a check stored anything (the window refreshes the Accounts page). */
  onChecked?: () => void;
}

export type AccountCheck =
  | { accountId: string; outcome: 'checked'; percent: number; alerted: boolean; enqueued: string | null }
  | { accountId: string; outcome: 'skipped'; reason: string }
  | { accountId: string; outcome: 'failed'; error: string };

export type DriftCheck =
  | { outcome: 'off' | 'standby' | 'ib-down' | 'no-accounts' | 'closed' }
  | { outcome: 'checked'; accounts: AccountCheck[] };

interface AccountRead {
  account: AccountSettings;
  positions: Position[];
  netLiquidation: number;
  targets: Record<string, number>;
  symbols: string[];
}

export class DriftMonitor {
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private running: Promise<DriftCheck> = Promise.resolve({ outcome: 'off' });
  /** The reason the last check did not run, so an outage is logged once, not at every check. */
  private lastSkip: string | null = null;

  constructor(private readonly options: DriftMonitorOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.arm();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  /** Settings were saved: the next check follows the new `drift.checkMinutes` (0 stops the checks). */
  settingsChanged(): void {
    if (this.started) this.arm();
  }

  /** Runs one check now (checks never overlap). Called by the timer; tests call it directly. */
  check(): Promise<DriftCheck> {
    const next = this.running.then(
      () => this.checkNow(),
      () => this.checkNow(),
    );
    this.running = next.catch((error: Error) => {
      this.options.log.error({ err: error.message }, 'drift check failed');
      return { outcome: 'off' } as const;
    });
    return next;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const minutes = this.options.settings().drift.checkMinutes;
    if (!this.started || !(minutes > 0)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check()
        .catch((error: Error) => this.options.log.warn({ err: error.message }, 'drift check failed'))
        .finally(() => {
          if (this.started && !this.timer) this.arm();
        });
    }, minutes * 60_000);
    this.timer.unref();
  }

  private skip(outcome: 'standby' | 'ib-down' | 'closed', reason: string): DriftCheck {
    if (this.lastSkip !== reason) this.options.log.info(`drift check skipped: ${reason}`);
    this.lastSkip = reason;
    return { outcome };
  }

  private async checkNow(): Promise<DriftCheck> {
    const { settings: settingsOf, log } = this.options;
    const settings = settingsOf();
    if (!(settings.drift.checkMinutes > 0)) return { outcome: 'off' };
    if (!this.options.isOwner()) return this.skip('standby', 'this core stands by; the owning core checks drift');
    const accounts = settings.accounts.filter((a) => a.enabled && a.type === settings.tradingMode);
    if (accounts.length === 0 && !this.options.gatewayOf) {
      const down = this.downReason('IB Gateway', this.options.ib.status());
      if (down) return this.skip('ib-down', down);
    }
    if (accounts.length === 0) return { outcome: 'no-accounts' };

    // §28: each gateway's accounts are read and priced through their own gateway; a gateway that is down skips
    // only its own accounts.
    const results: AccountCheck[] = [];
    const groups = new Map<string, { name: string; ib: DriftIb; accounts: AccountSettings[] }>();
    for (const account of accounts) {
      let gateway: { id: string; name: string; ib: DriftIb };
      try {
        gateway = this.options.gatewayOf?.(account.accountId) ?? {
          id: 'default',
          name: 'IB Gateway',
          ib: this.options.ib,
        };
      } catch (error) {
        results.push(await this.failed(account, error));
        continue;
      }
      const group = groups.get(gateway.id) ?? { name: gateway.name, ib: gateway.ib, accounts: [] };
      group.accounts.push(account);
      groups.set(gateway.id, group);
    }
    const up: { ib: DriftIb; accounts: AccountSettings[] }[] = [];
    const downReasons: string[] = [];
    for (const group of groups.values()) {
      const down = this.downReason(group.name, group.ib.status());
      if (!down) {
        up.push(group);
        continue;
      }
      downReasons.push(down);
      for (const a of group.accounts) results.push({ accountId: a.accountId, outcome: 'skipped', reason: down });
    }
    if (up.length === 0 && results.every((r) => r.outcome === 'skipped')) {
      return this.skip('ib-down', downReasons.join('; '));
    }
    if (downReasons.length > 0) {
      const reason = downReasons.join('; ');
      if (this.lastSkip !== reason) log.info(`drift check skipped for some accounts: ${reason}`);
      this.lastSkip = reason;
    }

    const now = this.options.now();
    let anyDue = false;
    for (const group of up) {
      const checked = await this.checkGroup(group.ib, group.accounts, settings, now);
      anyDue ||= checked.anyDue;
      results.push(...checked.results);
    }
    if (!anyDue && results.every((r) => r.outcome === 'skipped')) {
      return this.skip('closed', 'outside the liquid hours of every symbol');
    }
    if (downReasons.length === 0) this.lastSkip = null;
    this.options.onChecked?.();
    return { outcome: 'checked', accounts: results };
  }

  /** Why a gateway cannot be read now (not connected, or a blocking problem), or null. */
  private downReason(name: string, status: ReturnType<DriftIb['status']>): string | null {
    if (status.state !== 'connected') return `${name} is ${status.state}`;
    if (status.problem?.blocking) return `${name}: ${status.problem.reason}`;
    return null;
  }

  /** Reads, prices and stores the drift of the accounts of one gateway (its own quotes and contract details). */
  private async checkGroup(
    ib: DriftIb,
    accounts: readonly AccountSettings[],
    settings: Settings,
    now: Date,
  ): Promise<{ results: AccountCheck[]; anyDue: boolean }> {
    const log = this.options.log;
    // Accounts read side by side; one strategy's targets are read once per check.
    const targetsOf = new Map<string, Promise<Record<string, number>>>();
    const reads = await Promise.allSettled(
      accounts.map(async (account): Promise<AccountRead> => {
        const key = `${account.strategy}\n${account.replacementSet ?? ''}`;
        let targets = targetsOf.get(key);
        if (!targets) {
          targets = this.options.targets(account);
          targetsOf.set(key, targets);
        }
        const [positions, equity, weights] = await Promise.all([
          ib.getPositions(account.accountId),
          ib.getEquity(account.accountId),
          targets,
        ]);
        const symbols = new Set<string>();
        for (const [symbol, weight] of Object.entries(weights)) if (weight > 0) symbols.add(symbol);
        for (const p of positions) if (p.quantity !== 0) symbols.add(p.symbol);
        return { account, positions, netLiquidation: equity.netLiquidation, targets: weights, symbols: [...symbols] };
      }),
    );

    const results: AccountCheck[] = [];
    const ok: AccountRead[] = [];
    for (const [i, r] of reads.entries()) {
      if (r.status === 'fulfilled') ok.push(r.value);
      else results.push(await this.failed(accounts[i]!, r.reason));
    }

    // Liquid hours, from each symbol's contract details (cached by the IB client for the day).
    const allSymbols = [...new Set(ok.flatMap((r) => r.symbols))];
    const open = new Map<string, boolean>();
    await Promise.all(
      allSymbols.map(async (symbol) => {
        try {
          const c = await ib.resolveContract(symbol);
          open.set(symbol, isOpen(c.liquidHours, c.timeZoneId, now));
        } catch (error) {
          log.warn({ symbol, err: (error as Error).message }, `drift check: no contract details for ${symbol}`);
          open.set(symbol, false);
        }
      }),
    );
    let due = ok.filter((r) => r.symbols.length === 0 || r.symbols.some((s) => open.get(s)));
    for (const r of ok) {
      if (!due.includes(r)) {
        results.push({ accountId: r.account.accountId, outcome: 'skipped', reason: 'outside liquid hours' });
      }
    }
    const anyDue = due.length > 0;
    if (!anyDue) return { results, anyDue };

    // ONE quote request per symbol for the whole check, shared by every account of this gateway.
    const symbols = [...new Set(due.flatMap((r) => r.symbols))];
    let quotes = new Map<string, Quote>();
    if (symbols.length > 0) {
      try {
        quotes = await ib.getQuotes(symbols, { allowMissing: true });
      } catch (error) {
        // A symbol IB has no contract for (§24) fails only the accounts that hold or target it.
        const unknown = error instanceof NoContractError ? new Set(error.symbols) : null;
        const rest = unknown ? symbols.filter((s) => !unknown.has(s)) : [];
        const broken = unknown ? due.filter((r) => r.symbols.some((s) => unknown.has(s))) : due;
        for (const r of broken) results.push(await this.failed(r.account, error));
        if (!unknown || broken.length === due.length) return { results, anyDue };
        due = due.filter((r) => !broken.includes(r));
        try {
          quotes = rest.length > 0 ? await ib.getQuotes(rest, { allowMissing: true }) : quotes;
        } catch (again) {
          for (const r of due) results.push(await this.failed(r.account, again));
          return { results, anyDue };
        }
      }
    }
    const prices: Record<string, PriceSnapshot> = {};
    for (const [symbol, q] of quotes) prices[symbol] = { bid: q.bid, ask: q.ask, last: q.last, close: q.close };

    const at = now.toISOString();
    for (const r of due) {
      try {
        const held: Record<string, number> = {};
        for (const p of r.positions) held[p.symbol] = (held[p.symbol] ?? 0) + p.quantity;
        // §24: measured against the effective targets (after the account's cash reserve), cash a line of its own.
        const allocations = Object.entries(r.targets).map(([symbol, weight]) => ({ symbol, weight }));
        const targets = effectiveTargets(allocations, r.account.cashReservePercent);
        const reading = currentDrift({
          positions: held,
          netLiquidation: r.netLiquidation,
          targets: targets.weights,
          cashTarget: targets.cash,
          prices,
          at,
        });
        results.push(await this.store(r.account, reading, settings));
        this.options.onSample?.({
          accountId: r.account.accountId,
          at,
          nav: r.netLiquidation,
          drift: reading.percent,
        });
      } catch (error) {
        results.push(await this.failed(r.account, error));
      }
    }
    return { results, anyDue };
  }

  /** Logs a failed read and keeps its reason on the account (the card shows it); the last reading stays. */
  private async failed(account: AccountSettings, error: unknown): Promise<AccountCheck> {
    const message = error instanceof Error ? error.message : String(error);
    const accountId = account.accountId;
    this.options.log.warn({ accountId, err: message }, `drift of ${accountId} not read: ${message}`);
    await this.options.accountState
      .setDriftError(accountId, { at: this.options.now().toISOString(), message })
      .catch((e: Error) => this.options.log.warn({ accountId, err: e.message }, 'drift error not saved'));
    return { accountId, outcome: 'failed', error: message };
  }

  /** Stores the reading; notifies (and with autoRebalance enqueues) once per crossing of the alert threshold. */
  private async store(account: AccountSettings, reading: DriftReading, settings: Settings): Promise<AccountCheck> {
    const { accountState, log } = this.options;
    const accountId = account.accountId;
    const before = await accountState.get(accountId);
    await accountState.setDrift(accountId, reading);
    const above = reading.percent > settings.drift.alertPercent;
    let enqueued: string | null = null;
    if (above && !before.driftAlerted) {
      await accountState.setDriftAlerted(accountId, true);
      const name = account.name || accountId;
      log.warn(
        { accountId, drift: reading.percent, alertPercent: settings.drift.alertPercent },
        `${name} drifted ${reading.percent.toFixed(1)} % from target`,
      );
      await this.options.notifier
        .notify({
          title: 'Drift',
          body: `${name} drifted ${reading.percent.toFixed(1)} % from target`,
          level: 'warn',
          accountId,
        })
        .catch((error: Error) => log.warn({ err: error.message }, 'drift notification failed'));
      if (settings.drift.autoRebalance) {
        const result = await this.options.enqueue({ accountId, command: 'rebalance', source: 'drift' });
        enqueued = result.status === 'queued' ? result.event.id : result.existingId;
        log.info({ accountId, eventId: enqueued }, `drift rebalance of ${accountId}: ${result.status}`);
      }
    } else if (!above && before.driftAlerted) {
      await accountState.setDriftAlerted(accountId, false);
      log.info(
        { accountId, drift: reading.percent },
        `drift of ${accountId} back within ${settings.drift.alertPercent} %`,
      );
    }
    return {
      accountId,
      outcome: 'checked',
      percent: reading.percent,
      alerted: above && !before.driftAlerted,
      enqueued,
    };
  }
}
