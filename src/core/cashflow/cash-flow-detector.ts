/**
 * §27 cash-flow detection: each enabled account's cash (`TotalCashValue`) is compared with the detector's last
 * reading; what the executions since then (sells add, buys and commissions take) do not explain, from
 * `cashFlows.minAmount` up, is a deposit or withdrawal. It is recorded `{accountId, amount, at}`, notified (not with
 * `cashFlow: "ignore"`, which only records it), and with `cashFlow: "top-up"` a deposit queues a buy-only `rebalance` with `source: "cash-flow"` (through §19 approval like
 * any other). A fill is never a cash flow; an account with an event of this app running is not read (its fills and
 * cash may be half way), so the next check sees the whole of it.
 */
import type { Logger } from 'pino';
import type { AccountEquity, CashFlow, EnqueueResult, NewEvent } from '../../shared/dto';
import { moneyText as money } from '../../shared/money-text';
import type { Settings } from '../config/schema';
import { detectCashFlow } from '../domain/cash-flow';
import { wallClock } from '../domain/market-hours';
import type { FillRecord } from '../ib/orders';
import type { Notifier } from '../notify/notifier';
import type { CashBaseline, CashFlowStore } from '../records/cash-flow-store';

/** What the detector reads of one IB Gateway. */
export interface CashFlowIb {
  status(): { state: string };
  getEquity(accountId: string): Promise<AccountEquity>;
  executions(query: { accountId: string; since: string }): Promise<FillRecord[]>;
}

export interface CashFlowDetectorOptions {
  settings: () => Settings;
  /** The one gateway's IB client (every account's, unless `ibOf` says otherwise). */
  ib: CashFlowIb;
  /** §28: the IB client of an account's gateway (throws when it has none); an account is read through its own. */
  ibOf?: (accountId: string) => CashFlowIb;
  store: Pick<CashFlowStore, 'add' | 'baseline' | 'setBaseline'>;
  notifier: Notifier;
  enqueue(event: NewEvent): Promise<EnqueueResult>;
  /** True while an event of this account is being processed (its fills may be half way). */
  busy(accountId: string): Promise<boolean>;
  /** Only the core that owns processing checks (§22), so two cores never record one flow twice. */
  isOwner?: () => boolean;
  now: () => Date;
  log: Logger;
  /** How often every account is checked, ms (default 60 000). */
  intervalMs?: number;
  /**
   * How long after an execution is first seen the cash may still not show it, ms (default 180 000: IB sends the
   * account summary within three minutes of a change). Until then the account is not compared.
   */
  settleMs?: number;
  onRecorded?: (flow: CashFlow) => void;
}

const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_SETTLE_MS = 180_000;

export class CashFlowDetector {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** execId → when this detector first saw it (ms). */
  private readonly firstSeen = new Map<string, number>();
  /**
   * The last check of each account still running or queued. Checks of one account run one after another: the
   * periodic round, the check after a rebalance and a caller's could otherwise read the same baseline and record one
   * deposit twice (twice notified, and with "top-up" two buy-only rebalances).
   */
  private readonly checks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: CashFlowDetectorOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.checkAll(), this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private ibOf(accountId: string): CashFlowIb {
    return this.options.ibOf ? this.options.ibOf(accountId) : this.options.ib;
  }

  /** Checks every enabled account once (one check at a time; a call during one waits for it). */
  checkAll(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        if (this.options.isOwner && !this.options.isOwner()) return;
        for (const account of this.options.settings().accounts.filter((a) => a.enabled)) {
          // §28: a gateway that is down skips only its own accounts.
          let ib: CashFlowIb;
          try {
            ib = this.ibOf(account.accountId);
          } catch (error) {
            this.options.log.warn(
              { accountId: account.accountId, err: (error as Error).message },
              'cash-flow check failed',
            );
            continue;
          }
          if (ib.status().state !== 'connected') continue;
          await this.check(account.accountId).catch((error: Error) =>
            this.options.log.warn({ accountId: account.accountId, err: error.message }, 'cash-flow check failed'),
          );
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * Checks one account: the cash flow recorded, or null. The first reading of an account only sets its baseline; a
   * reading with executions newer than `settleMs` is left for a later check (the cash may not show them yet).
   */
  check(accountId: string, opts: { settleMs?: number } = {}): Promise<CashFlow | null> {
    const earlier = this.checks.get(accountId);
    const run = earlier ? earlier.then(() => this.checkNow(accountId, opts)) : this.checkNow(accountId, opts);
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.checks.set(accountId, done);
    void done.then(() => {
      if (this.checks.get(accountId) === done) this.checks.delete(accountId);
    });
    return run;
  }

  private async checkNow(accountId: string, opts: { settleMs?: number }): Promise<CashFlow | null> {
    const { store, log } = this.options;
    const settings = this.options.settings();
    const account = settings.accounts.find((a) => a.accountId === accountId);
    if (!account || (await this.options.busy(accountId))) return null;
    const ib = this.ibOf(accountId);
    const now = this.options.now();
    const day = wallClock('America/New_York', now.getTime()).date;
    const executions = await ib.executions({ accountId, since: `${day} 00:00:00 US/Eastern` });
    const equity = await ib.getEquity(accountId);
    if (!Number.isFinite(equity.totalCashValue)) return null;
    const base = await store.baseline(accountId);
    const counted = new Set(base && base.day === day ? base.execIds : []);
    const fresh = executions.filter((e) => e.accountId === accountId && !counted.has(e.execId));
    const settleMs = opts.settleMs ?? this.options.settleMs ?? DEFAULT_SETTLE_MS;
    for (const e of fresh) if (!this.firstSeen.has(e.execId)) this.firstSeen.set(e.execId, now.getTime());
    if (base && fresh.some((e) => now.getTime() - (this.firstSeen.get(e.execId) ?? 0) < settleMs)) return null;
    for (const e of fresh) this.firstSeen.delete(e.execId);
    const next: CashBaseline = {
      cash: equity.totalCashValue,
      at: now.toISOString(),
      day,
      execIds: executions.filter((e) => e.accountId === accountId).map((e) => e.execId),
    };
    if (!base) {
      await store.setBaseline(accountId, next);
      return null;
    }
    const amount = detectCashFlow(base.cash, equity.totalCashValue, fresh, settings.cashFlows.minAmount);
    await store.setBaseline(accountId, next);
    if (amount === null) return null;

    const flow: CashFlow = {
      accountId,
      amount,
      at: next.at,
      cashBefore: base.cash,
      cashAfter: equity.totalCashValue,
      eventId: null,
    };
    if (account.cashFlow === 'top-up' && amount > 0) {
      const id = `cash-flow:${accountId}:${next.at}`;
      const result = await this.options.enqueue({
        id,
        eventId: id,
        accountId,
        command: 'rebalance',
        strategy: account.strategy,
        source: 'cash-flow',
        payload: { mode: 'buy-only', cashFlow: amount },
      });
      flow.eventId = result.status === 'queued' ? result.event.id : result.existingId;
    }
    await store.add(flow);
    log.info({ accountId, amount, eventId: flow.eventId }, `cash flow of ${amount} USD on ${accountId}`);
    // "ignore": kept on the card and in Trade log like any other, but nobody is told.
    if (account.cashFlow === 'ignore') {
      this.options.onRecorded?.(flow);
      return flow;
    }
    const name = account.name || accountId;
    const words = amount > 0 ? `${money(amount)} added to` : `${money(-amount)} taken out of`;
    await this.options.notifier
      .notify({
        title: amount > 0 ? `Deposit on ${name}` : `Withdrawal from ${name}`,
        body: `${words} ${name}${flow.eventId ? '; a buy-only rebalance is queued (Invest cash)' : ''}.`,
        level: 'info',
        accountId,
        ...(flow.eventId ? { eventId: flow.eventId } : {}),
      })
      .catch((error: Error) => log.warn({ err: error.message }, 'cash-flow notification failed'));
    this.options.onRecorded?.(flow);
    return flow;
  }
}
