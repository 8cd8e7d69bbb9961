/** Which accounts and strategy channels the settings call for (PRODUCT.md §6). Pure functions. */
import type { AccountSettings, Settings } from '../config/schema';

/** Enabled accounts that trade in the current mode (§6: only these are subscribed and fanned out to). */
export function accountsInMode(settings: Settings): AccountSettings[] {
  return settings.accounts.filter((a) => a.enabled && a.type === settings.tradingMode);
}

/** The channels (strategy slugs) the settings call for, each with its accounts. */
export function channelsFor(settings: Settings): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const account of accountsInMode(settings)) {
    const list = out.get(account.strategy) ?? [];
    list.push(account.accountId);
    out.set(account.strategy, list);
  }
  return out;
}
