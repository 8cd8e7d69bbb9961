import type { AccountView } from '../../shared/contract';
import type { AccountMoney, MoneyTotals } from '../../shared/dto';
import type { ManagementPorts } from './ports';

/**
 * `accounts` (§11, §25): each account's settings with its last rebalance, last result, drift, missed signal, schedule
 * and money, and the totals over the enabled accounts of the trading mode.
 */
export async function listAccounts(
  ports: Pick<ManagementPorts, 'settings' | 'accountStates' | 'feed' | 'nextScheduledRun' | 'money' | 'cashFlows'>,
): Promise<{ accounts: AccountView[]; totals: MoneyTotals }> {
  const settings = ports.settings.current();
  const [states, money] = await Promise.all([
    ports.accountStates.all(),
    ports.money(settings.accounts.map((a) => a.accountId)),
  ]);
  const missed = ports.feed.missedSignals();
  const cashFlows = (await ports.cashFlows?.latest()) ?? new Map();
  const accounts: AccountView[] = settings.accounts.map((a) => {
    const state = states.get(a.accountId);
    return {
      accountId: a.accountId,
      name: a.name,
      type: a.type,
      enabled: a.enabled,
      strategy: a.strategy,
      cashReservePercent: a.cashReservePercent,
      replacementSet: a.replacementSet,
      approval: a.approval,
      approvalMinutes: a.approvalMinutes,
      replacements: a.replacementSet ? (settings.replacementSets[a.replacementSet] ?? []) : [],
      active: a.enabled && a.type === settings.tradingMode,
      lastRebalance: state?.lastRebalance ?? null,
      lastResult: state?.lastResult ?? null,
      drift: state?.drift ?? null,
      drifted: (state?.drift?.percent ?? 0) > settings.drift.alertPercent,
      driftAlertPercent: settings.drift.alertPercent,
      driftError: state?.driftError ?? null,
      missedSignal: missed.get(a.accountId) ?? null,
      money: money.get(a.accountId) ?? null,
      nextScheduledRun: ports.nextScheduledRun(a.accountId),
      lastCashFlow: cashFlows.get(a.accountId) ?? null,
      cashFlow: a.cashFlow,
      rebalanceMode: a.rebalanceMode,
      gateway: a.gateway ?? 'default',
    };
  });
  return { accounts, totals: moneyTotals(accounts.filter((a) => a.active).map((a) => a.money)) };
}

/** §25 totals: sums over the accounts whose money is known (a missing day P&L adds nothing), to the cent. */
export function moneyTotals(money: readonly (AccountMoney | null)[]): MoneyTotals {
  const known = money.filter((m): m is AccountMoney => m !== null);
  const cents = (pick: (m: AccountMoney) => number | null) =>
    known.reduce((sum, m) => sum + Math.round((pick(m) ?? 0) * 100), 0) / 100;
  return {
    netLiquidation: cents((m) => m.netLiquidation),
    cash: cents((m) => m.cash),
    dayPnl: cents((m) => m.dayPnl),
    currency: known[0]?.currency ?? 'USD',
    accounts: known.length,
    of: money.length,
  };
}
