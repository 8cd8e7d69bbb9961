/**
 * What the core keeps when an event finishes (done, or failed for good), so the Accounts page and the reports show it:
 * - §26 the account's last result (a lookup, print-*, never replaces it), then the window is told;
 * - §20 a done event with a report goes into the reports index;
 * - §25 after a done rebalance on the owning core, its drift after and the NAV IB reports after its fills;
 * - §27 after an order command, the cash-flow baseline is taken (the app's own fills are never a cash flow);
 * - §26 the first finished preview (print-rebalance) ticks Get started's "a first preview".
 * Each write that fails is logged, never thrown into the queue listener.
 */
import type { Logger } from 'pino';
import type { EventRecord } from '../../shared/dto';
import { lastResultOf } from '../../shared/result-summary';
import { ORDER_COMMANDS } from '../domain/trading-guard';
import type { AccountState } from './account-state';
import type { HistorySample } from './account-history';

export interface EventResultDeps {
  queue: { get(id: string): Promise<{ event: EventRecord } | null> };
  accountState: { update(accountId: string, change: Partial<AccountState>): Promise<unknown> };
  reports: { add(event: EventRecord): Promise<unknown> };
  history: { record(sample: HistorySample): Promise<void> };
  /** §27 the cash-flow check of an account; undefined before the detector is built. */
  cashFlowCheck: (accountId: string) => Promise<unknown> | undefined;
  /** The account's net liquidation as IB reports it once the fills are in (IbClient.getEquity). */
  netLiquidation: (accountId: string) => Promise<number>;
  /** True on the core that owns processing (§22): only it samples a rebalance, so one is never written twice. */
  isOwner: () => boolean;
  /** The Accounts page has news. */
  accountsChanged: () => void;
  /** §26 a finished preview; undefined before the setup record is built. */
  previewDone?: (preview: { at: string; accountId: string; eventId: string }) => Promise<unknown> | undefined;
  log: Pick<Logger, 'warn'>;
}

export class EventResults {
  constructor(private readonly deps: EventResultDeps) {}

  /** The queue's change listener calls this for an event that reached done or failed. */
  record(id: string): void {
    const { deps } = this;
    deps.queue.get(id).then(
      (detail) => {
        const event: EventRecord | undefined = detail?.event;
        if (!event) return;
        const ok = event.status === 'done';
        if (ORDER_COMMANDS.includes(event.command)) {
          // §27: the cash right after this app's own orders becomes the baseline, so its fills are never a cash flow.
          deps
            .cashFlowCheck(event.accountId)
            ?.catch((error: Error) => deps.log.warn({ err: error.message }, 'cash-flow check failed'));
        }
        if (ok && event.command === 'print-rebalance') {
          deps
            .previewDone?.({ at: event.updatedAt, accountId: event.accountId, eventId: event.id })
            ?.catch((error: Error) => deps.log.warn({ err: error.message }, 'first preview not remembered'));
        }
        if (ok) {
          deps.reports.add(event).catch((error: Error) => deps.log.warn({ err: error.message }, 'report not indexed'));
          this.sampleAfterRebalance(event);
        }
        // §26: a lookup (print-*) never replaces the card's last rebalance result.
        const lastResult = lastResultOf(event);
        if (!lastResult) return;
        void deps.accountState
          .update(event.accountId, { lastResult })
          .then(() => deps.accountsChanged())
          .catch((error: Error) => deps.log.warn({ err: error.message }, 'last result not saved'));
      },
      () => undefined,
    );
  }

  /** Stores a §25 history sample; a failed write is logged, never thrown into the check or the queue listener. */
  sample(sample: HistorySample): void {
    this.deps.history
      .record(sample)
      .catch((error: Error) =>
        this.deps.log.warn({ accountId: sample.accountId, err: error.message }, 'history sample not saved'),
      );
  }

  /**
   * §25: after a finished rebalance with a report, its drift after and the NAV IB reports after its fills. Only the
   * core that owns processing samples (the one that traded), so several cores do not write one rebalance twice.
   */
  private sampleAfterRebalance(event: EventRecord): void {
    if (event.command !== 'rebalance' || !this.deps.isOwner()) return;
    const report = (event.result as { report?: { totals?: { driftAfter?: unknown } } } | null)?.report;
    const drift = report?.totals?.driftAfter;
    if (typeof drift !== 'number') return;
    // getEquity waits for (or renews) a summary that reflects the fills, unlike the money cache.
    this.deps.netLiquidation(event.accountId).then(
      (nav) => this.sample({ accountId: event.accountId, at: event.updatedAt, drift, nav }),
      () => this.sample({ accountId: event.accountId, at: event.updatedAt, drift }),
    );
  }
}
