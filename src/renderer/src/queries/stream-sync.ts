import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { StreamMessage } from '../../../shared/contract';
import { LOG_LEVELS, type LogLine } from '../../../shared/dto';
import { queryKeys, type LogFilters } from './query-keys';
import { LOG_LIMIT } from './use-queries';

/** Whether a pushed log line belongs in a log list fetched with these filters (level is a minimum). */
export function logMatches(line: LogLine, filters: LogFilters): boolean {
  if (filters.level && LOG_LEVELS.indexOf(line.level) < LOG_LEVELS.indexOf(filters.level)) return false;
  if (filters.accountId && line.accountId !== filters.accountId) return false;
  if (filters.eventId && line.eventId !== filters.eventId) return false;
  return true;
}

/**
 * Turns stream messages into query invalidations ("push notifies, queries fetch"). Invalidations are batched: one round
 * of refetches runs at a time, and keys invalidated meanwhile are refetched in the next round, so a burst of queue
 * changes costs a few refetches instead of one per message, and the last change is always fetched.
 */
export class StreamSync {
  private readonly pending = new Map<string, { queryKey: QueryKey; exact: boolean }>();
  private running = false;

  constructor(private readonly client: QueryClient) {}

  handle(message: StreamMessage): void {
    switch (message.type) {
      case 'queue': {
        const { change } = message;
        if (change.from) this.invalidate(queryKeys.events.listsOf(change.from));
        if (change.to) this.invalidate(queryKeys.events.listsOf(change.to));
        if (!change.from && !change.to) this.invalidate(queryKeys.events.lists());
        this.invalidate(queryKeys.events.detail(change.id));
        this.invalidate(queryKeys.queueStatus());
        if (change.to === 'done' || change.to === null) this.invalidate(queryKeys.accounts());
        if (change.to === 'done') this.invalidate(queryKeys.reports());
        break;
      }
      case 'health':
        this.client.setQueryData(queryKeys.health(), message.health);
        // Get started's "IB Gateway reachable" follows the IB light.
        this.invalidate(queryKeys.setupProgress());
        break;
      case 'setup':
        this.invalidate(queryKeys.setupProgress());
        break;
      case 'log':
        this.appendLog(message.line);
        if (message.line.eventId) this.invalidate(queryKeys.events.detail(message.line.eventId));
        break;
      case 'trade':
        this.invalidate(queryKeys.trades());
        // A fill moves the account's cash, NAV and day P&L: read the accounts again (not their history or cash
        // flows, which change only when a rebalance finishes or a cash flow is recorded).
        this.invalidate(queryKeys.accounts(), { exact: true });
        break;
      case 'accounts':
        this.invalidate(queryKeys.accounts());
        break;
      case 'config':
        this.invalidate(queryKeys.config());
        this.invalidate(queryKeys.setupProgress());
        this.invalidate(queryKeys.accounts());
        this.invalidate(queryKeys.strategies());
        break;
      case 'feed':
        this.invalidate(queryKeys.feedLog());
        break;
    }
  }

  /** After the stream was down, anything may have changed: refetch what is on screen. */
  resync(): void {
    void this.client.invalidateQueries();
  }

  private appendLog(line: LogLine): void {
    for (const query of this.client.getQueryCache().findAll({ queryKey: queryKeys.logs.all() })) {
      const filters = (query.queryKey[1] ?? {}) as LogFilters;
      if (!logMatches(line, filters)) continue;
      this.client.setQueryData<{ lines: LogLine[] }>(query.queryKey, (old) => {
        if (!old) return old;
        const lines = [...old.lines, line];
        return { lines: lines.length > LOG_LIMIT ? lines.slice(lines.length - LOG_LIMIT) : lines };
      });
    }
  }

  /** `exact`: only this key, not the keys under it (a wider invalidation of the same key wins). */
  private invalidate(queryKey: QueryKey, { exact = false } = {}): void {
    const id = JSON.stringify(queryKey);
    this.pending.set(id, { queryKey, exact: exact && (this.pending.get(id)?.exact ?? true) });
    if (!this.running) void this.flush();
  }

  /**
   * Invalidates (and refetches what is on screen). A query whose FIRST fetch is under way cannot be cancelled by
   * TanStack (it cancels only a query that has data): the invalidation joins that fetch, which may have read the state
   * before this change, and its answer then clears the invalidated mark. Such a key goes round once more, so its
   * answer is always read after the change (e.g. a plan shown as "planning…" although its event is done).
   */
  private async invalidateNow({ queryKey, exact }: { queryKey: QueryKey; exact: boolean }): Promise<void> {
    const firstFetchUnderWay = this.client
      .getQueryCache()
      .findAll({ queryKey, exact, fetchStatus: 'fetching' })
      .some((query) => query.state.data === undefined);
    await this.client.invalidateQueries({ queryKey, exact });
    if (firstFetchUnderWay) this.invalidate(queryKey, { exact });
  }

  private async flush(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending.values()];
        this.pending.clear();
        await Promise.all(batch.map((entry) => this.invalidateNow(entry)));
      }
    } finally {
      this.running = false;
    }
  }
}
