import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { EVENT_STATUSES, type EventStatus, type HistoryMetric } from '../../../shared/dto';
import type { ApiClient } from '../api/api-client';
import { useApi } from '../api/ApiProvider';
import { EVENT_PAGE_SIZE, LOG_LIMIT, TRADE_LIMIT } from './page-sizes';
import { queryKeys, type LogFilters } from './query-keys';

/** How far back the NAV and drift charts look. */
export const HISTORY_DAYS = 90;

export { EVENT_LIST_MAX, EVENT_PAGE_SIZE, LOG_LIMIT, TRADE_LIMIT } from './page-sizes';

/**
 * Every query of the window, each pairing its key (from `queryKeys`, the keys stream-sync invalidates) with the
 * operation that fetches it, so a hook, a prefetch and a cache write all use the same pair (TanStack Query's
 * `queryOptions`).
 */
export const queries = {
  health: (api: ApiClient) => queryOptions({ queryKey: queryKeys.health(), queryFn: () => api.call('health') }),
  queueStatus: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.queueStatus(), queryFn: () => api.call('queueStatus') }),
  /** One Queue section (shared by the page and the start-up prefetch). */
  eventList: (api: ApiClient, state: EventStatus, q: string, limit: number) =>
    queryOptions({
      queryKey: queryKeys.events.list(state, q, limit),
      queryFn: () => api.call('listEvents', { state, q: q || undefined, limit }),
    }),
  eventDetail: (api: ApiClient, id: string) =>
    queryOptions({ queryKey: queryKeys.events.detail(id), queryFn: () => api.call('getEvent', { id }) }),
  accounts: (api: ApiClient) => queryOptions({ queryKey: queryKeys.accounts(), queryFn: () => api.call('accounts') }),
  /** Keeps the previous lines on screen while a changed filter fetches. */
  logs: (api: ApiClient, filters: LogFilters) =>
    queryOptions({
      queryKey: queryKeys.logs.list(filters),
      queryFn: () => api.call('logs', { ...filters, limit: LOG_LIMIT }),
      placeholderData: (previous) => previous,
    }),
  trades: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.trades(), queryFn: () => api.call('trades', { limit: TRADE_LIMIT }) }),
  strategies: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.strategies(), queryFn: () => api.call('strategies') }),
  config: (api: ApiClient) => queryOptions({ queryKey: queryKeys.config(), queryFn: () => api.call('getConfig') }),
  /** §26 the Get started checklist (also what decides the page the window opens on). */
  setupProgress: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.setupProgress(), queryFn: () => api.call('setupProgress') }),
  feedLog: (api: ApiClient) => queryOptions({ queryKey: queryKeys.feedLog(), queryFn: () => api.call('feedLog') }),
  /** §25: an account's NAV or drift samples of the last `days` days (the charts' window). */
  accountHistory: (api: ApiClient, accountId: string, metric: HistoryMetric, days = HISTORY_DAYS) =>
    queryOptions({
      queryKey: queryKeys.accountHistory(accountId, metric),
      queryFn: () =>
        api.call('accountHistory', {
          accountId,
          metric,
          since: new Date(Date.now() - days * 86_400_000).toISOString(),
        }),
    }),
  /** §27: detected deposits and withdrawals, newest first. */
  cashFlows: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.cashFlows(), queryFn: () => api.call('listCashFlows', { limit: 500 }) }),
  /** §20: the reports of finished live rebalances, newest first. */
  reports: (api: ApiClient) =>
    queryOptions({ queryKey: queryKeys.reports(), queryFn: () => api.call('reports', { limit: 500 }) }),
};

/**
 * Starts the Queue page's requests before React's first render; resolves when all have answered (or failed: the page
 * shows each error itself). boot.tsx waits for it, a little, so the first frame already holds the rows (§16 first
 * render).
 */
export async function prefetchQueuePage(api: ApiClient, client: QueryClient): Promise<void> {
  await Promise.all([
    client.prefetchQuery(queries.health(api)),
    client.prefetchQuery(queries.queueStatus(api)),
    ...EVENT_STATUSES.map((state) => client.prefetchQuery(queries.eventList(api, state, '', EVENT_PAGE_SIZE))),
  ]);
}

export const useHealth = () => useQuery(queries.health(useApi()));
export const useQueueStatus = () => useQuery(queries.queueStatus(useApi()));
export const useEventDetail = (id: string | null) =>
  useQuery({ ...queries.eventDetail(useApi(), id ?? ''), enabled: id !== null });
/**
 * How often a page that shows the money (NAV, cash, day P&L) reads the accounts again between pushes. IB re-sends the
 * account summary only every three minutes and streams P&L; a read a minute re-opens the core's idle summary
 * subscription (two messages), far inside IB's 50 messages a second.
 */
export const MONEY_REFRESH_MS = 60_000;

/** The accounts; `{ money: true }` on a page that shows the money also reads them every {@link MONEY_REFRESH_MS}. */
export const useAccounts = (options: { money?: boolean } = {}) =>
  useQuery({ ...queries.accounts(useApi()), ...(options.money ? { refetchInterval: MONEY_REFRESH_MS } : {}) });
export const useLogs = (filters: LogFilters) => useQuery(queries.logs(useApi(), filters));
export const useTrades = () => useQuery(queries.trades(useApi()));
export const useStrategies = () => useQuery(queries.strategies(useApi()));
export const useConfig = () => useQuery(queries.config(useApi()));
export const useSetupProgress = () => useQuery(queries.setupProgress(useApi()));
export const useFeedLog = () => useQuery(queries.feedLog(useApi()));
export const useReports = () => useQuery(queries.reports(useApi()));
export const useAccountHistory = (accountId: string, metric: HistoryMetric) =>
  useQuery(queries.accountHistory(useApi(), accountId, metric));
