/**
 * Catch-up (PRODUCT.md §6): after start-up, a gap in a channel, new accounts or a failed enqueue, compares each
 * strategy's allocation `as_of` with what its accounts last rebalanced to, marks the accounts that probably missed a
 * signal and, with `zehnlabs.autoCatchUp`, queues their `rebalance`. Runs one at a time, in call order; an
 * allocation API that is down is retried after `retryMs` while the feed runs. Owns the missed-signal marks.
 */
import { randomUUID } from 'node:crypto';
import type { FeedLogEntry, MissedSignal } from '../../shared/contract';
import type { AllocationSet, EnqueueResult, NewEvent } from '../../shared/dto';
import type { Settings } from '../config/schema';
import { errorText } from '../domain/errors';
import { accountEventId } from '../domain/event-id';
import type { Logger } from '../log/logger';
import { feedLogEntry } from './feed-state';
import { accountsInMode } from './subscriptions';
import { InvalidEventError } from './validate';

export interface CatchUpDeps {
  sink: { enqueue(event: NewEvent, by?: string): Promise<EnqueueResult> };
  allocations: { getAllocations(strategy: string): Promise<AllocationSet> };
  rebalanceMemory: { lastAsOf(accountId: string): Promise<string | null> };
  log: Logger;
  /** Wait before re-running a catch-up that failed while the feed runs. */
  retryMs: number;
  /** The feed's settings (null before the first start). */
  settings(): Settings | null;
  /** False once the feed is stopped: a run in progress ends, no retry is set. */
  running(): boolean;
  addLog(entry: Omit<FeedLogEntry, 'at'>): void;
  /** The missed-signal marks changed. */
  missedChanged(): void;
  /** Catch-up read these strategies' allocations: their channels' possible-gap marks can go. */
  gapsChecked(strategies: string[]): void;
}

/** Which accounts a run checks: those of these strategies and / or these account ids (default: all in mode). */
export interface CatchUpScope {
  strategies?: Set<string>;
  accounts?: Set<string>;
}

/** True when allocation `asOf` is newer than what the account last rebalanced to (or it never rebalanced). */
export function isNewerAsOf(asOf: string, lastAsOf: string | null): boolean {
  if (lastAsOf === null || lastAsOf === '') return true;
  const a = Date.parse(asOf);
  const b = Date.parse(lastAsOf);
  if (Number.isFinite(a) && Number.isFinite(b)) return a > b;
  return asOf > lastAsOf;
}

/** The catch-up `rebalance` of an account: eventId `catch-up:<asOf>`, id `${eventId}:${accountId}` (§4). */
export function catchUpEvent(accountId: string, mark: MissedSignal): NewEvent {
  const eventId = `catch-up:${mark.asOf ?? randomUUID()}`;
  return {
    id: accountEventId(eventId, accountId),
    eventId,
    accountId,
    command: 'rebalance',
    strategy: mark.strategy,
    source: 'catch-up',
    payload: { exec: 'rebalance', eventId, asOf: mark.asOf, lastAsOf: mark.lastAsOf },
  };
}

/** The feed's catch-up runs and missed-signal marks. */
export class CatchUp {
  private readonly missed = new Map<string, MissedSignal>();
  private runs: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: CatchUpDeps) {}

  /** The chain of scheduled runs as it is now (a run scheduled later makes a new one). */
  get pending(): Promise<void> {
    return this.runs;
  }

  /** Queues a run after those already scheduled; `why` goes into the log lines. */
  schedule(why: string, scope: CatchUpScope = {}): void {
    this.runs = this.runs
      .then(() => this.run(why, scope))
      .catch((error: unknown) => {
        this.deps.log.error({ err: errorText(error) }, 'catch-up failed');
      });
  }

  /** Cancels a pending retry (the feed stops). */
  cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Accounts whose strategy has allocations newer than their last rebalance (a signal was probably missed). */
  signals(): Map<string, MissedSignal> {
    return new Map([...this.missed].map(([id, m]) => [id, { ...m }]));
  }

  clear(accountId: string): void {
    if (this.missed.delete(accountId)) this.deps.missedChanged();
  }

  /** Drops the marks of accounts no longer in `strategyOf` or that switched strategy. */
  dropStale(strategyOf: ReadonlyMap<string, string>): void {
    const stale = [...this.missed].filter(([id, mark]) => strategyOf.get(id) !== mark.strategy).map(([id]) => id);
    for (const accountId of stale) this.missed.delete(accountId);
    if (stale.length > 0) this.deps.missedChanged();
  }

  /** An account rebalanced to `asOf`: its mark goes once it is caught up. */
  noteRebalanced(accountId: string, asOf: string | null): void {
    const mark = this.missed.get(accountId);
    if (!mark || asOf === null) return;
    if (mark.asOf === null || !isNewerAsOf(mark.asOf, asOf)) this.clear(accountId);
  }

  /** Re-reads the last rebalanced `as_of` of marked accounts and clears the marks that are caught up. */
  async refresh(): Promise<Map<string, MissedSignal>> {
    let changed = false;
    for (const [accountId, mark] of [...this.missed]) {
      try {
        const last = await this.deps.rebalanceMemory.lastAsOf(accountId);
        if (last !== null && (mark.asOf === null || !isNewerAsOf(mark.asOf, last))) {
          this.missed.delete(accountId);
          changed = true;
        }
      } catch (error) {
        this.deps.log.warn({ accountId, err: errorText(error) }, 'could not read the last rebalance of an account');
      }
    }
    if (changed) this.deps.missedChanged();
    return this.signals();
  }

  /**
   * The one-click catch-up: enqueues a `rebalance` (`source: catch-up`, eventId `catch-up:<asOf>`, so a second
   * click for the same allocations is a duplicate). Throws `InvalidEventError` for an account not in the settings.
   */
  async enqueueFor(accountId: string, by: string): Promise<EnqueueResult> {
    const settings = this.deps.settings();
    const account = settings?.accounts.find((a) => a.accountId === accountId);
    if (!settings || !account) throw new InvalidEventError(`account ${accountId} is not in the settings`);
    let mark = this.missed.get(accountId);
    if (!mark || mark.strategy !== account.strategy) {
      const set = await this.deps.allocations.getAllocations(account.strategy);
      const lastAsOf = await this.deps.rebalanceMemory.lastAsOf(accountId);
      mark = { strategy: account.strategy, asOf: set.asOf, lastAsOf };
    }
    return this.deps.sink.enqueue(catchUpEvent(accountId, mark), by);
  }

  private async run(why: string, scope: CatchUpScope): Promise<void> {
    const { log, addLog } = this.deps;
    const settings = this.deps.settings();
    if (!settings || !this.deps.running()) return;
    const accounts = accountsInMode(settings).filter(
      (a) =>
        (!scope.strategies || scope.strategies.has(a.strategy)) && (!scope.accounts || scope.accounts.has(a.accountId)),
    );
    const strategies = [...new Set(accounts.map((a) => a.strategy))];
    const failedStrategies = new Set<string>();
    let changed = false;
    for (const strategy of strategies) {
      let set: AllocationSet;
      try {
        set = await this.deps.allocations.getAllocations(strategy);
      } catch (error) {
        failedStrategies.add(strategy);
        const reason = `catch-up (${why}) could not read the allocations of ${strategy}: ${errorText(error)}`;
        log.warn({ strategy, err: errorText(error) }, 'catch-up could not read allocations');
        addLog(feedLogEntry(strategy, 'state', reason));
        continue;
      }
      if (!this.deps.running()) return;
      const asOf = set.asOf;
      if (asOf === null) {
        log.info({ strategy }, 'catch-up: allocations carry no as_of; cannot compare');
        continue;
      }
      for (const account of accounts.filter((a) => a.strategy === strategy)) {
        let lastAsOf: string | null;
        try {
          lastAsOf = await this.deps.rebalanceMemory.lastAsOf(account.accountId);
        } catch (error) {
          failedStrategies.add(strategy);
          log.warn(
            { accountId: account.accountId, err: errorText(error) },
            'catch-up could not read the last rebalance',
          );
          continue;
        }
        if (!isNewerAsOf(asOf, lastAsOf)) {
          if (this.missed.delete(account.accountId)) changed = true;
          continue;
        }
        const mark: MissedSignal = { strategy, asOf, lastAsOf };
        const before = this.missed.get(account.accountId);
        if (!before || before.asOf !== asOf || before.lastAsOf !== lastAsOf || before.strategy !== strategy) {
          this.missed.set(account.accountId, mark);
          changed = true;
          log.warn({ accountId: account.accountId, strategy, asOf, lastAsOf }, 'missed signal');
          const reason = `missed signal for ${account.accountId}: allocations as of ${asOf}, last rebalanced to ${lastAsOf ?? 'never'}`;
          addLog(feedLogEntry(strategy, 'state', reason, { accounts: [account.accountId] }));
        }
        if (settings.zehnlabs.autoCatchUp) await this.enqueueAuto(strategy, account.accountId, mark);
      }
    }
    if (changed) this.deps.missedChanged();
    this.deps.gapsChecked(strategies.filter((s) => !failedStrategies.has(s)));
    if (failedStrategies.size > 0 && this.deps.running() && !this.retryTimer) {
      const retry = [...failedStrategies];
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.schedule(`retry after ${why}`, { strategies: new Set(retry) });
      }, this.deps.retryMs);
      this.retryTimer.unref();
    }
  }

  /** `autoCatchUp`: queues the account's catch-up rebalance and logs the outcome; never throws. */
  private async enqueueAuto(strategy: string, accountId: string, mark: MissedSignal): Promise<void> {
    const event = catchUpEvent(accountId, mark);
    const more = { eventId: event.eventId ?? null, accounts: [accountId] };
    try {
      const result = await this.deps.sink.enqueue(event, 'catch-up');
      this.deps.log.info({ eventId: event.eventId, accountId, status: result.status }, 'catch-up rebalance');
      const queued = result.status === 'queued';
      this.deps.addLog(
        feedLogEntry(
          strategy,
          queued ? 'accepted' : 'duplicate',
          queued ? 'catch-up rebalance queued' : 'catch-up rebalance already queued',
          more,
        ),
      );
    } catch (error) {
      this.deps.log.error({ eventId: event.eventId, accountId, err: errorText(error) }, 'catch-up enqueue failed');
      const reason = `catch-up rebalance could not be queued: ${errorText(error)}`;
      this.deps.addLog(feedLogEntry(strategy, 'rejected', reason, more));
    }
  }
}
