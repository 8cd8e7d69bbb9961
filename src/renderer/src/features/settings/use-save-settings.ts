import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InputOf } from '../../../../shared/contract';
import { useApi } from '../../api/ApiProvider';
import { queryKeys } from '../../queries/query-keys';

/**
 * Saving the settings (`putConfig`) as a mutation: on success the answer becomes the cached config, and accounts and
 * health are fetched again (they follow the settings). What the page shows on success or failure is up to the caller.
 */
export function useSaveSettings() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: InputOf<'putConfig'>) => api.call('putConfig', input),
    onSuccess: (next) => {
      client.setQueryData(queryKeys.config(), next);
      void client.invalidateQueries({ queryKey: queryKeys.accounts() });
      void client.invalidateQueries({ queryKey: queryKeys.health() });
    },
  });
}
