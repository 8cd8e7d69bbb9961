import { Badge, Group, Loader, Stack, Text } from '@mantine/core';
import type { AccountView } from '../../../../shared/contract';
import { HistoryChart } from '../../components/charts/Charts';
import { HISTORY_DAYS, useAccountHistory, useHealth } from '../../queries/use-queries';

/** Name first, id as secondary text: how an account is named in the window (§25). */
export function accountName(account: Pick<AccountView, 'name' | 'accountId'>): string {
  return account.name || account.accountId;
}

/**
 * §25: the account's NAV and drift over the last 90 days (a sample at each drift check and after each rebalance), the
 * drift with the alert line. In demo mode the history before the first start is made up, and says so.
 */
export function AccountHistoryCharts({ account }: { account: AccountView }) {
  const nav = useAccountHistory(account.accountId, 'nav');
  const drift = useAccountHistory(account.accountId, 'drift');
  const simulated = useHealth().data?.simulated ?? false;
  const name = accountName(account);
  const body = (kind: 'nav' | 'drift', query: typeof nav, empty: string): React.ReactNode => {
    if (query.isPending) return <Loader size="xs" />;
    if (query.error)
      return (
        <Text size="xs" c="red">
          History not read: {query.error.message}
        </Text>
      );
    if (query.data.points.length === 0)
      return (
        <Text size="xs" c="dimmed">
          {empty}
        </Text>
      );
    return (
      <HistoryChart
        name={name}
        kind={kind}
        points={query.data.points}
        alertPercent={account.driftAlertPercent}
        {...(account.money ? { currency: account.money.currency } : {})}
      />
    );
  };
  return (
    <Stack gap={4} data-testid="history-charts" w={460}>
      <Group gap={6}>
        <Text size="xs" fw={600}>
          NAV, last {HISTORY_DAYS} days
        </Text>
        {simulated && (
          <Badge
            size="xs"
            color="gray"
            variant="outline"
            title="Demo mode: the history before the first start is made up"
          >
            simulated
          </Badge>
        )}
      </Group>
      {body('nav', nav, 'No NAV samples yet — one is taken at each drift check and after each rebalance.')}
      <Text size="xs" fw={600}>
        Drift, last {HISTORY_DAYS} days (alert line at {account.driftAlertPercent}%)
      </Text>
      {body('drift', drift, 'No drift samples yet — one is taken at each drift check and after each rebalance.')}
    </Stack>
  );
}
