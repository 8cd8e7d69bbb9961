import { useCallback } from 'react';
import { useAccounts } from './use-queries';

/**
 * §25 names: `(accountId) → the account's name` from the accounts in the settings (the id when it has no name or is
 * no longer configured). The id stays the secondary text beside it. `{ afterFirstRows: true }` on the Queue: the
 * accounts are not read before its first rows are in (§16); the ids stand until the names fill in.
 */
export function useAccountName(options: { afterFirstRows?: boolean } = {}): (accountId: string) => string {
  const accounts = useAccounts({ afterFirstRows: options.afterFirstRows }).data?.accounts;
  return useCallback(
    (accountId: string) => accounts?.find((a) => a.accountId === accountId)?.name || accountId,
    [accounts],
  );
}
