import type { AccountView } from '../../shared/contract';
import type { ManagementPorts } from './ports';

/** `accounts` (§11): each account's settings with its last rebalance, last result, drift, missed signal and schedule. */
export async function listAccounts(
  ports: Pick<ManagementPorts, 'settings' | 'accountStates' | 'feed' | 'nextScheduledRun' | 'cashFlows'>,
): Promise<{ accounts: AccountView[] }> {
  const settings = ports.settings.current();
  const states = await ports.accountStates.all();
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
      nextScheduledRun: ports.nextScheduledRun(a.accountId),
      lastCashFlow: cashFlows.get(a.accountId) ?? null,
      cashFlow: a.cashFlow,
      rebalanceMode: a.rebalanceMode,
    };
  });
  return { accounts };
}
