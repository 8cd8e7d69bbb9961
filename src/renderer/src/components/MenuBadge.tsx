import { Badge, VisuallyHidden } from '@mantine/core';
import { useAccounts, useQueueStatus } from '../queries/use-queries';

/** §26 Queue's badge: the events that wait on the trader or on a retry (awaiting approval + delayed). */
export function QueueMenuBadge() {
  const counts = useQueueStatus().data?.counts;
  const count = counts ? counts.awaiting + counts.delayed : 0;
  if (count === 0) return null;
  return (
    <Badge size="sm" color="yellow" variant="filled" circle={count < 10} data-testid="queue-menu-badge">
      <span aria-hidden>{count}</span>
      <VisuallyHidden>{`(${counts!.awaiting} awaiting approval, ${counts!.delayed} delayed)`}</VisuallyHidden>
    </Badge>
  );
}

/** §26 Accounts' badge: the trading accounts drifted past the alert or that missed a signal. */
export function AccountsMenuBadge() {
  const accounts = useAccounts().data?.accounts ?? [];
  const flagged = accounts.filter((a) => a.active && (a.drifted || a.missedSignal !== null));
  if (flagged.length === 0) return null;
  return (
    <Badge size="sm" color="red" variant="filled" circle={flagged.length < 10} data-testid="accounts-menu-badge">
      <span aria-hidden>{flagged.length}</span>
      <VisuallyHidden>{`(${flagged.length} drifted or missed a signal)`}</VisuallyHidden>
    </Badge>
  );
}
