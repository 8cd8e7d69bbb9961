import { Alert, Group, Loader, SimpleGrid, Stack } from '@mantine/core';
import { EmptyState } from '../../components/EmptyState';
import { useAccounts, useHealth } from '../../queries/use-queries';
import { AccountCard } from './AccountCard';
import { DemoPanel } from './DemoPanel';
import { HouseholdStrip } from './HouseholdStrip';
import { RebalanceAllButton } from './RebalanceAll';

/** One card per account, with the simulator controls in demo mode. */
export function AccountsPage() {
  const accounts = useAccounts({ money: true });
  const health = useHealth();
  const list = accounts.data?.accounts ?? [];
  return (
    <Stack gap="sm">
      {health.data?.simulated && <DemoPanel accountStrategies={[...new Set(list.map((a) => a.strategy))]} />}
      {accounts.isPending ? (
        <Loader size="sm" />
      ) : accounts.error ? (
        <Alert color="red">Could not load the accounts: {accounts.error.message}</Alert>
      ) : list.length === 0 ? (
        <EmptyState>
          No accounts yet — add one in Settings (IB account id and the Zehnlabs strategy it follows); its card appears
          here.
        </EmptyState>
      ) : (
        <>
          {accounts.data.totals && <HouseholdStrip accounts={list} totals={accounts.data.totals} />}
          <Group justify="flex-end">
            <RebalanceAllButton accounts={list} tradingMode={health.data?.tradingMode ?? 'paper'} />
          </Group>
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
            {list.map((account) => (
              <AccountCard key={account.accountId} account={account} />
            ))}
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
