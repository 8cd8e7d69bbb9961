import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { EmptyState } from '../../components/EmptyState';
import { Panel } from '../../components/Panel';
import { formatExact, formatMoney } from '../../lib/format';
import { useAccountName } from '../../queries/use-account-names';
import { queries } from '../../queries/use-queries';

/** Trade log › Cash flows (§27): every detected deposit and withdrawal, newest first. */
export function CashFlowsPanel({ accountId = null }: { accountId?: string | null }) {
  const flows = useQuery(queries.cashFlows(useApi()));
  const all = flows.data?.cashFlows ?? [];
  // The Trade log's account filter narrows this list as it does Log, Trades and Reports.
  const list = accountId ? all.filter((f) => f.accountId === accountId) : all;
  const nameOf = useAccountName();
  return (
    <Panel title="Cash flows" region>
      {list.length === 0 ? (
        <EmptyState>
          {flows.isPending
            ? 'Loading…'
            : accountId && all.length > 0
              ? 'No cash flows on this account.'
              : 'No cash flows yet — a deposit or withdrawal of at least cashFlows.minAmount shows here.'}
        </EmptyState>
      ) : (
        <Table striped withTableBorder fz="sm" verticalSpacing={2} aria-label="Cash flows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Seen</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th className="num">Amount</Table.Th>
              <Table.Th>Invested by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((f) => (
              <Table.Tr key={`${f.accountId}:${f.at}`}>
                <Table.Td>{formatExact(f.at)}</Table.Td>
                <Table.Td title={f.accountId}>{nameOf(f.accountId)}</Table.Td>
                <Table.Td className="num">
                  <Text span size="sm" c={f.amount > 0 ? 'teal' : 'orange'}>
                    {f.amount > 0 ? '+' : '−'}
                    {formatMoney(Math.abs(f.amount))}
                  </Text>
                </Table.Td>
                <Table.Td className="mono">{f.eventId ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Panel>
  );
}
