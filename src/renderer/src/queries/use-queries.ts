import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/ApiProvider';
import { queryKeys, type LogFilters } from './query-keys';

/** Events fetched per section; large enough that a section is one list, virtualized on the page. */
export const EVENT_LIST_LIMIT = 10_000;
export const LOG_LIMIT = 2_000;
export const TRADE_LIMIT = 10_000;

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
