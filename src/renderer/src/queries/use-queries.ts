import { useQuery, type QueryClient } from '@tanstack/react-query';
import { EVENT_STATUSES, type EventStatus } from '../../../shared/dto';
import type { ApiClient } from '../api/api-client';
import { useApi } from '../api/ApiProvider';
import { EVENT_PAGE_SIZE, LOG_LIMIT, TRADE_LIMIT } from './page-sizes';
import { queryKeys, type LogFilters } from './query-keys';

export { EVENT_LIST_MAX, EVENT_PAGE_SIZE, LOG_LIMIT, TRADE_LIMIT } from './page-sizes';

/** The query of one Queue section (shared by the page and the start-up prefetch, so both use the same key). */
export function eventListQuery(api: ApiClient, state: EventStatus, q: string, limit: number) {
  return {
    queryKey: queryKeys.events.list(state, q, limit),
    queryFn: () => api.call('listEvents', { state, q: q || undefined, limit }),
  };
}

/**
 * Starts the Queue page's requests before React's first render; resolves when all have answered (or failed: the page
 * shows each error itself). boot.tsx waits for it, a little, so the first frame already holds the rows (§16 first
 * render).
 */
export async function prefetchQueuePage(api: ApiClient, client: QueryClient): Promise<void> {
  await Promise.all([
    client.prefetchQuery({ queryKey: queryKeys.health(), queryFn: () => api.call('health') }),
    client.prefetchQuery({ queryKey: queryKeys.queueStatus(), queryFn: () => api.call('queueStatus') }),
    ...EVENT_STATUSES.map((state) => client.prefetchQuery(eventListQuery(api, state, '', EVENT_PAGE_SIZE))),
  ]);
}

export function useHealth() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.health(), queryFn: () => api.call('health') });
}

export function useQueueStatus() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.queueStatus(), queryFn: () => api.call('queueStatus') });
}

export function useEventDetail(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.events.detail(id ?? ''),
    queryFn: () => api.call('getEvent', { id: id ?? '' }),
    enabled: id !== null,
  });
}

export function useAccounts() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.accounts(), queryFn: () => api.call('accounts') });
}

export function useLogs(filters: LogFilters) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.logs.list(filters),
    queryFn: () => api.call('logs', { ...filters, limit: LOG_LIMIT }),
    placeholderData: (previous) => previous,
  });
}

export function useTrades() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.trades(), queryFn: () => api.call('trades', { limit: TRADE_LIMIT }) });
}

export function useStrategies() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.strategies(), queryFn: () => api.call('strategies') });
}

export function useConfig() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.config(), queryFn: () => api.call('getConfig') });
}

export function useFeedLog() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.feedLog(), queryFn: () => api.call('feedLog') });
}

/** §20: the reports of finished live rebalances, newest first. */
export function useReports() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.reports(), queryFn: () => api.call('reports', { limit: 500 }) });
}
