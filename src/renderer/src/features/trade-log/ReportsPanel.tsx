import { useAccountName } from '../../queries/use-account-names';
import { Table, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import type { RebalanceReport } from '../../../../shared/dto';
import { EmptyState } from '../../components/EmptyState';
import { ExportButton, Panel } from '../../components/Panel';
import { ReportTable } from '../../components/ReportTable';
import { downloadText, fileStamp, toCsv } from '../../lib/csv';
import { formatExact, formatMoney } from '../../lib/format';
import { useReports } from '../../queries/use-queries';

/** Money, prices, basis points and drift points as the window shows them: two decimals (§26). */
const two = (value: number | null | undefined): string | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value.toFixed(2);

/** One CSV row per symbol of every report, with the rebalance's totals beside it, rounded as shown. */
export function reportsCsv(reports: RebalanceReport[]): string {
  return toCsv(
    [
      'finishedAt',
      'eventId',
      'account',
      'strategy',
      'asOf',
      'symbol',
      'targetShares',
      'finalShares',
      'residualShares',
      'planPrice',
      'avgFillPrice',
      'slippageBps',
      'commission',
      'ordersSent',
      'ordersFilled',
      'turnover',
      'commissions',
      'slippageCost',
      'driftBefore',
      'driftAfter',
    ],
    reports.flatMap((r) =>
      r.rows.map((row) => [
        r.finishedAt,
        r.eventId,
        r.accountId,
        r.strategy,
        r.asOf,
        row.symbol,
        row.targetShares,
        row.finalShares,
        row.residualShares,
        two(row.planPrice),
        two(row.avgFillPrice),
        two(row.slippageBps),
        two(row.commission),
        r.totals.ordersSent,
        r.totals.ordersFilled,
        two(r.totals.turnover),
        two(r.totals.commissions),
        two(r.totals.slippageCost),
        two(r.totals.driftBefore),
        two(r.totals.driftAfter),
      ]),
    ),
  );
}

/** Trade log › Reports (§20): one row per finished live rebalance or raise-cash (marked so, §27), its detail on click, CSV export. */
export function ReportsPanel({ accountId = null }: { accountId?: string | null }) {
  const reports = useReports();
  const list = (reports.data?.reports ?? []).filter((r) => !accountId || r.accountId === accountId);
  const [open, setOpen] = useState<string | null>(null);
  const shown = list.find((r) => r.eventId === open) ?? null;
  const nameOf = useAccountName();
  return (
    <Panel
      title="Reports"
      region
      actions={
        <ExportButton
          disabled={list.length === 0}
          onClick={() => downloadText(`reports-${fileStamp()}.csv`, reportsCsv(list))}
        >
          Export reports CSV
        </ExportButton>
      }
    >
      {list.length === 0 ? (
        <EmptyState>
          {reports.isPending
            ? 'Loading…'
            : 'No reports yet — every finished live rebalance adds one here: what it intended against what it achieved.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover withTableBorder fz="sm" verticalSpacing={2} aria-label="Rebalance reports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Finished</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>Strategy</Table.Th>
              <Table.Th className="num">Orders</Table.Th>
              <Table.Th className="num">Turnover</Table.Th>
              <Table.Th className="num">Slippage</Table.Th>
              <Table.Th className="num">Drift before → after</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((r) => (
              <Table.Tr key={r.eventId} data-event-id={r.eventId}>
                <Table.Td>
                  <UnstyledButton fz="sm" onClick={() => setOpen(open === r.eventId ? null : r.eventId)}>
                    {formatExact(r.finishedAt)}
                  </UnstyledButton>
                  {r.eventDeleted && (
                    <Text span size="xs" c="dimmed" data-testid="event-deleted">
                      {' '}
                      event deleted
                    </Text>
                  )}
                </Table.Td>
                <Table.Td title={r.accountId}>{nameOf(r.accountId)}</Table.Td>
                <Table.Td>
                  {r.strategy ?? '—'}
                  {r.command === 'raise-cash' && (
                    <Text span size="xs" c="dimmed" data-testid="raise-cash">
                      {' '}
                      raise cash
                    </Text>
                  )}
                </Table.Td>
                <Table.Td className="num">
                  {r.totals.ordersFilled}/{r.totals.ordersSent}
                </Table.Td>
                <Table.Td className="num">{formatMoney(r.totals.turnover)}</Table.Td>
                <Table.Td className="num">{formatMoney(r.totals.slippageCost)}</Table.Td>
                <Table.Td className="num">
                  {r.totals.driftBefore.toFixed(2)} → {r.totals.driftAfter.toFixed(2)} pp
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {shown && (
        <div style={{ marginTop: 12 }}>
          <Text size="sm" fw={600} mb={4}>
            {nameOf(shown.accountId)}{' '}
            <Text span size="xs" c="dimmed" className="mono">
              {shown.accountId}
            </Text>{' '}
            — {formatExact(shown.finishedAt)}
          </Text>
          <ReportTable report={shown} name={nameOf(shown.accountId)} />
        </div>
      )}
    </Panel>
  );
}
