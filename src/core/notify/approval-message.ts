import type { EventApproval, Plan } from '../../shared/dto';
import type { Notification } from './notifier';

/** A thousands-separated amount with cents; no currency is guessed (the plan is in the account's currency). */
function amount(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/**
 * §19: "Rebalance of NAME awaits approval", with the number of orders, their value, and when the timer approves it
 * (desktop + ntfy through the runtime's notifier).
 */
export function awaitingApprovalNotification(
  name: string,
  plan: Plan,
  approval: EventApproval,
  eventId: string,
  note?: string,
): Notification {
  const orders = plan.rows.filter((r) => r.order);
  const value = orders.reduce((sum, r) => sum + Math.abs(r.estimatedValue), 0);
  const when = approval.autoApproveAt
    ? `It trades by itself at ${approval.autoApproveAt} unless you hold or reject it.`
    : 'It trades only when you approve it.';
  return {
    title: `Rebalance of ${name} awaits approval`,
    body: `${orders.length} order${orders.length === 1 ? '' : 's'} worth ${amount(value)} in total${note ? ` (${note})` : ''}. ${when}`,
    level: 'warn',
    eventId,
    accountId: plan.accountId,
  };
}
