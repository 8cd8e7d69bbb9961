/**
 * Which commands may place or cancel orders for an account (PRODUCT.md §18): live trading needs
 * `tradingMode: live` and an account of type live; a paper account trades only in paper mode; a disabled account
 * never trades. Read-only commands (print-*) run for every account in the settings.
 */
export const ORDER_COMMANDS: readonly string[] = ['rebalance', 'cancel-orders', 'raise-cash'];

export interface GuardedAccount {
  accountId: string;
  type: 'paper' | 'live';
  enabled: boolean;
}

/** Why `command` may not run for `account` in `tradingMode`, or null when it may. */
export function tradingBlockReason(
  account: GuardedAccount,
  tradingMode: 'paper' | 'live',
  command: string,
): string | null {
  if (!ORDER_COMMANDS.includes(command)) return null;
  if (!account.enabled) return `${account.accountId} is disabled in Settings, so ${command} places no orders for it`;
  if (account.type !== tradingMode) {
    return account.type === 'live'
      ? `${account.accountId} is a live account but the app is in paper mode; switch Trading mode to live in Settings to trade it`
      : `${account.accountId} is a paper account but the app is in live mode; it trades only in paper mode`;
  }
  return null;
}
