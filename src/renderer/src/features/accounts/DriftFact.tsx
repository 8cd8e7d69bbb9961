import { Badge, Popover, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { AccountView } from '../../../../shared/contract';
import { RelativeTime } from '../../components/RelativeTime';
import { formatExact, formatPercentValue } from '../../lib/format';
import { AccountHistoryCharts } from './AccountHistoryCharts';

/** Percentage points with a sign ("+2.50 pp", "−1.00 pp"). */
function signedPoints(value: number): string {
  const text = `${Math.abs(value).toFixed(2)} pp`;
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** §20: the **Drifted** badge, shown while the account's drift is above `drift.alertPercent`. */
export function DriftedBadge({ account }: { account: AccountView }) {
  if (!account.drifted || !account.drift) return null;
  return (
    <Tooltip
      label={`Drift ${formatPercentValue(account.drift.percent)} is above the alert threshold ${formatPercentValue(account.driftAlertPercent)} (Settings › Drift monitor).`}
    >
      <Badge color="red" variant="light" data-testid="drifted-badge">
        Drifted
      </Badge>
    </Tooltip>
  );
}

/**
 * The card's drift: the largest |current − target| weight over symbols and cash in percentage points (targets after
 * the cash reserve, §24) and when it was measured; a click shows each symbol's and cash's current and target weight.
 */
export function DriftValue({ account }: { account: AccountView }) {
  const drift = account.drift;
  const error = account.driftError && (
    <Text span size="xs" c="red" data-testid="drift-error" title={formatExact(account.driftError.at)}>
      {' '}
      not read: {account.driftError.message}
    </Text>
  );
  if (!drift) {
    return (
      <>
        <span title="Measured by the drift monitor during market hours, and after every rebalance">
          not measured yet
        </span>
        {error}
      </>
    );
  }
  const symbols = Object.entries(drift.bySymbol);
  return (
    <Popover position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton
          data-testid="drift-value"
          title={`Drift by symbol of ${account.accountId}`}
          style={{ fontSize: 'inherit' }}
        >
          <Text span size="sm" className="num" c={account.drifted ? 'red' : undefined}>
            {formatPercentValue(drift.percent)}
          </Text>{' '}
          <Text span size="xs" c="dimmed">
            <RelativeTime iso={drift.at} />
          </Text>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        {symbols.length === 0 ? (
          <Text size="xs">No per-symbol detail for this reading (stored before the drift monitor).</Text>
        ) : (
          <Table withRowBorders={false} verticalSpacing={2} fz="xs" aria-label="Drift by symbol">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Symbol</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Current</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Target</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Diff</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {symbols.map(([symbol, s]) => (
                <Table.Tr key={symbol} data-symbol={symbol}>
                  <Table.Td className="mono">{symbol}</Table.Td>
                  <Table.Td className="num">{formatPercentValue(s.current)}</Table.Td>
                  <Table.Td className="num">{formatPercentValue(s.target)}</Table.Td>
                  <Table.Td className="num">{signedPoints(s.diff)}</Table.Td>
                </Table.Tr>
              ))}
              {drift.cash && (
                <Table.Tr data-symbol="cash" title="The reserve plus what the allocation leaves unallocated">
                  <Table.Td>Cash</Table.Td>
                  <Table.Td className="num">{formatPercentValue(drift.cash.current)}</Table.Td>
                  <Table.Td className="num">{formatPercentValue(drift.cash.target)}</Table.Td>
                  <Table.Td className="num">{signedPoints(drift.cash.diff)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
        <AccountHistoryCharts account={account} />
      </Popover.Dropdown>
      {error}
    </Popover>
  );
}
