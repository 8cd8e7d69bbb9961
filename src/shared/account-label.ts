/**
 * An account as the trader knows it: "Demo Taxable (DU1000001)", its name with the id IB uses, or the id alone when
 * it has no name (§25). Check setup, Get started and the window's lists all name accounts this way.
 */
export function accountLabel(account: { accountId: string; name?: string | null }): string {
  const name = account.name?.trim();
  return name && name !== account.accountId ? `${name} (${account.accountId})` : account.accountId;
}
