import type { EventStatus, HistoryMetric, LogLevel } from '../../../shared/dto';

export interface LogFilters {
  level?: LogLevel;
  accountId?: string;
  eventId?: string;
}

/** Every TanStack Query key of the window; stream messages invalidate these and nothing else holds server data. */
export const queryKeys = {
  health: () => ['health'] as const,
  queueStatus: () => ['queue-status'] as const,
  events: {
    all: () => ['events'] as const,
    lists: () => ['events', 'list'] as const,
    listsOf: (state: EventStatus) => ['events', 'list', state] as const,
    list: (state: EventStatus, q: string, limit: number) => ['events', 'list', state, q, limit] as const,
    detail: (id: string) => ['events', 'detail', id] as const,
  },
  accounts: () => ['accounts'] as const,
  /** Under `accounts`, so whatever refreshes the accounts (a drift check, a rebalance) refreshes the history too. */
  accountHistory: (accountId: string, metric: HistoryMetric) => ['accounts', 'history', accountId, metric] as const,
  /** Under `accounts`: the stream's accounts message (a cash flow recorded) refreshes it too. */
  cashFlows: () => ['accounts', 'cash-flows'] as const,
  logs: {
    all: () => ['logs'] as const,
    list: (filters: LogFilters) => ['logs', filters] as const,
  },
  trades: () => ['trades'] as const,
  reports: () => ['reports'] as const,
  feedLog: () => ['feed-log'] as const,
  strategies: () => ['strategies'] as const,
  config: () => ['config'] as const,
  /** §26 Get started: refreshed by the stream's setup, health and config messages. */
  setupProgress: () => ['setup-progress'] as const,
};
