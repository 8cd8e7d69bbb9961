import { Group, Table, Text } from '@mantine/core';
import type { TradeReport } from '../../../shared/dto';
import { formatDecimal, formatInteger, formatMoney } from '../lib/format';
import { ReportChart } from './charts/Charts';

const bps = (value: number | null): string => (value === null ? '—' : `${value.toFixed(2)} bp`);
const points = (value: number): string => `${value.toFixed(2)} pp`;

/**
 * §20: what a rebalance achieved against what it intended, per symbol and in total; with `name` (the account's) also
 * as a chart of intended against achieved shares (§25).
 */
export function ReportTable({ report, name }: { report: TradeReport; name?: string }) {
  const t = report.totals;
  return (
    <>
      <Group gap="lg" mb="xs" aria-label="Report totals">
        <Text size="sm">
          Orders <span className="num">{t.ordersFilled}</span> of <span className="num">{t.ordersSent}</span> filled
        </Text>
        <Text size="sm">
          Turnover <span className="num">{formatMoney(t.turnover)}</span>
        </Text>
        <Text size="sm">
          Commissions <span className="num">{formatMoney(t.commissions)}</span>
        </Text>
        <Text size="sm">
          Slippage <span className="num">{formatMoney(t.slippageCost)}</span>
        </Text>
        <Text size="sm">
          Drift <span className="num">{points(t.driftBefore)}</span> →{' '}
          <span className="num">{points(t.driftAfter)}</span>
        </Text>
      </Group>
      {name !== undefined && report.rows.length > 0 && <ReportChart name={name} report={report} />}
      <Table striped withTableBorder fz="sm" verticalSpacing={2} aria-label="Report">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Symbol</Table.Th>
            <Table.Th className="num">Target shares</Table.Th>
            <Table.Th className="num">Final shares</Table.Th>
            <Table.Th className="num">Residual</Table.Th>
            <Table.Th className="num">Plan price</Table.Th>
            <Table.Th className="num">Avg fill</Table.Th>
            <Table.Th className="num">Slippage</Table.Th>
            <Table.Th className="num">Commission</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.rows.map((r) => (
            <Table.Tr key={r.symbol}>
              <Table.Td>{r.symbol}</Table.Td>
              <Table.Td className="num">{formatInteger(r.targetShares)}</Table.Td>
              <Table.Td className="num">{formatInteger(r.finalShares)}</Table.Td>
              <Table.Td className="num">{formatInteger(r.residualShares)}</Table.Td>
              <Table.Td className="num">{formatDecimal(r.planPrice)}</Table.Td>
              <Table.Td className="num">{r.avgFillPrice === null ? '—' : formatDecimal(r.avgFillPrice)}</Table.Td>
              <Table.Td className="num">{bps(r.slippageBps)}</Table.Td>
              <Table.Td className="num">{r.commission === null ? '—' : formatMoney(r.commission)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
