/**
 * §4 the one rule of a queued event's id when a signal fans out to accounts: `<eventId>:<accountId>`. The feed (a
 * Zehnlabs signal), the catch-up (`catch-up:<asOf>`) and the queue's own input check (a `zehnlabs` event given no
 * id) all name an account's event this way, so the same signal for the same account is one event, queued once.
 */
export function accountEventId(eventId: string, accountId: string): string {
  return `${eventId}:${accountId}`;
}
