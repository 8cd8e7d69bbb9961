import { useCallback } from 'react';
import { useAccounts } from './use-queries';

/**
 * §25 names: `(accountId) → the account's name` from the accounts in the settings (the id when it has no name or is
 * no longer configured). The id stays the secondary text beside it.
 */
export function useAccountName(): (accountId: string) => string {
  const accounts = useAccounts().data?.accounts;
  return useCallback(
    (accountId: string) => accounts?.find((a) => a.accountId === accountId)?.name || accountId,
    [accounts],
  );
}
