import { Alert, Badge, Group, SimpleGrid, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { useMemo, useState } from 'react';
import { LabelledValue } from './LabelledValue';
import {
  planCashLine,
  planCashUsd,
  type AccountEquity,
  type OrderRecord,
  type Plan,
  type PlanMode,
  type Position,
  type TradeRecord,
} from '../../../shared/dto';
import {
  formatDecimal,
  formatAsOf,
  formatExact,
  formatFraction,
  formatInteger,
  formatMoney,
  formatPercentValue,
  formatShares,
  formatSignedMoney,
} from '../lib/format';
import { PlanTotalsLine } from './PlanTotals';
import { planTotals, positionRows, positionTotals, sortPositions, type PositionSortKey } from '../lib/totals';
import { EmptyState } from './EmptyState';

function Num({ children }: { children: React.ReactNode }) {
  return <Table.Td className="num">{children}</Table.Td>;
}

function NumHead({ children }: { children: React.ReactNode }) {
  return <Table.Th className="num">{children}</Table.Th>;
}

/**
 * What the plan comes to, in words that fit its mode: a buy-only plan (§27) never sells and a raise-cash plan never
 * buys, so "at its targets" would be untrue of an account that is far from them.
 */
export function planSummary(mode: PlanMode, orders: number): string {
  const count = `${orders} order${orders === 1 ? '' : 's'}`;
  if (mode === 'buy-only') return orders === 0 ? 'Nothing to buy; nothing is sold.' : `${count}, buys only.`;
  if (mode === 'raise-cash') return orders === 0 ? 'Nothing to sell; nothing is bought.' : `${count}, sells only.`;
  return orders === 0 ? 'No trades needed: the account is at its targets.' : `${count}, sells first.`;
}

/** The plan of §8: the same table for a preview and a live rebalance. */
export function PlanTable({ plan }: { plan: Plan }) {
  const trades = plan.rows.filter((row) => row.order !== null).length;
  const cashLine = planCashLine(plan);
  const breaches = plan.limitBreaches ?? [];
  const residuals = plan.rows.filter((row) => (row.residualShares ?? 0) > 0);
  const totals = planTotals(plan);
  return (
    <Stack gap="xs">
      <Group gap="lg">
        <Text size="sm">
          Net liquidation <span className="num">{formatMoney(plan.netLiquidation)}</span>
        </Text>
        <Text size="sm">
          Cash <span className="num">{formatMoney(planCashUsd(plan))}</span>
        </Text>
        <Text size="sm">
          Investable <span className="num">{formatMoney(plan.investable)}</span> (reserve{' '}
          {formatFraction(plan.cashReservePercent / 100)})
        </Text>
        {plan.asOf && (
          <Text size="sm" c="dimmed">
            allocation as of {formatAsOf(plan.asOf)}
          </Text>
        )}
      </Group>
      {breaches.length > 0 && (
        <Alert color="red" variant="light" p="xs" title="Risk limit breached: a live run sends no order">
          <Stack gap={2}>
            {breaches.map((breach) => (
              <Text key={breach} size="sm">
                {breach}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {plan.warnings.map((warning) => (
        <Alert key={warning} color="yellow" variant="light" p="xs">
          {warning}
        </Alert>
      ))}
      <Table striped highlightOnHover withTableBorder fz="sm" verticalSpacing={4} aria-label="Plan">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Symbol</Table.Th>
            <NumHead>Current %</NumHead>
            <NumHead>Target %</NumHead>
            <NumHead>Current shares</NumHead>
            <NumHead>Target shares</NumHead>
            <Table.Th>Order</Table.Th>
            <NumHead>Est. value</NumHead>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.rows.map((row) => (
            <Table.Tr key={row.symbol}>
              <Table.Td title={row.note}>{row.symbol}</Table.Td>
              <Num>{formatFraction(row.currentWeight)}</Num>
              <Num>{formatFraction(row.targetWeight)}</Num>
              <Num>{formatShares(row.currentShares)}</Num>
              <Num>{formatInteger(row.targetShares)}</Num>
              <Table.Td>
                {row.order ? (
                  <Text span size="sm" fw={600} className="num">
                    {row.order.side} {formatInteger(row.order.quantity)}
                  </Text>
                ) : (
                  <Text span size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Num>{row.order ? formatMoney(row.estimatedValue) : '—'}</Num>
            </Table.Tr>
          ))}
          {cashLine && (
            <Table.Tr data-symbol="cash" title="Cash: the reserve plus what the allocation leaves unallocated (§24)">
              <Table.Td>Cash</Table.Td>
              <Num>{formatPercentValue(cashLine.current)}</Num>
              <Num>{formatPercentValue(cashLine.target)}</Num>
              <Num>—</Num>
              <Num>—</Num>
              <Table.Td />
              <Num>—</Num>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <PlanTotalsLine plan={plan} totals={totals} />
      <Text size="xs" c="dimmed">
        {planSummary(plan.mode ?? 'full', trades)}
      </Text>
      {residuals.length > 0 && (
        <Text size="xs" c="dimmed" aria-label="Fractions left">
          Orders are whole shares; left for you to close in TWS:{' '}
          {residuals.map((row) => `${row.symbol} ${formatShares(row.residualShares)}`).join(', ')}.
        </Text>
      )}
    </Stack>
  );
}

const POSITION_COLUMNS: { key: PositionSortKey; label: string }[] = [
  { key: 'symbol', label: 'Symbol' },
  { key: 'quantity', label: 'Quantity' },
  { key: 'marketValue', label: 'Market value' },
  { key: 'weight', label: 'Weight' },
  { key: 'unrealizedPnl', label: 'Unrealized P&L' },
];

function SortHead({
  column,
  sort,
  onSort,
}: {
  column: { key: PositionSortKey; label: string };
  sort: { key: PositionSortKey; desc: boolean };
  onSort: (key: PositionSortKey) => void;
}) {
  const active = sort.key === column.key;
  const Icon = active ? (sort.desc ? ArrowDown : ArrowUp) : ArrowUpDown;
  return (
    <Table.Th
      className={column.key === 'symbol' ? undefined : 'num'}
      aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <UnstyledButton fz="sm" fw={700} onClick={() => onSort(column.key)}>
        {column.label} <Icon size={12} aria-hidden />
      </UnstyledButton>
    </Table.Th>
  );
}

/** §25 positions: sortable by any column (weight, largest first, to begin with), with unrealized P&L and a total row. */
export function PositionsTable({ positions }: { positions: Position[] }) {
  const [sort, setSort] = useState<{ key: PositionSortKey; desc: boolean }>({ key: 'weight', desc: true });
  const rows = useMemo(() => positionRows(positions), [positions]);
  const sorted = useMemo(() => sortPositions(rows, sort.key, sort.desc), [rows, sort]);
  const totals = useMemo(() => positionTotals(rows), [rows]);
  if (positions.length === 0) return <EmptyState>No positions in this account.</EmptyState>;
  const onSort = (key: PositionSortKey) =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: key !== 'symbol' }));
  const head = (key: PositionSortKey) => (
    <SortHead column={POSITION_COLUMNS.find((c) => c.key === key)!} sort={sort} onSort={onSort} />
  );
  return (
    <Table striped withTableBorder fz="sm" verticalSpacing={4} aria-label="Positions">
      <Table.Thead>
        <Table.Tr>
          {head('symbol')}
          {head('quantity')}
          <NumHead>Price</NumHead>
          {head('marketValue')}
          {head('weight')}
          <NumHead>Avg cost</NumHead>
          {head('unrealizedPnl')}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sorted.map((p) => (
          <Table.Tr key={p.symbol} data-symbol={p.symbol}>
            <Table.Td>{p.symbol}</Table.Td>
            <Num>{formatShares(p.quantity)}</Num>
            <Num>{formatDecimal(p.price)}</Num>
            <Num>{formatMoney(p.marketValue)}</Num>
            <Num>{formatFraction(p.weight)}</Num>
            <Num>{formatDecimal(p.avgCost)}</Num>
            <Num>{formatSignedMoney(p.unrealizedPnl)}</Num>
          </Table.Tr>
        ))}
      </Table.Tbody>
      <Table.Tfoot>
        <Table.Tr data-testid="positions-total" fw={700}>
          <Table.Td colSpan={3}>
            Total ({positions.length} position{positions.length === 1 ? '' : 's'}
            {totals.unpriced > 0 ? `; ${totals.unpriced} without a price left out` : ''})
          </Table.Td>
          <Num>{formatMoney(totals.marketValue)}</Num>
          <Num>{formatFraction(totals.weight)}</Num>
          <Table.Td />
          <Num>{formatSignedMoney(totals.unrealizedPnl)}</Num>
        </Table.Tr>
      </Table.Tfoot>
    </Table>
  );
}

export function OrdersTable({ orders, empty }: { orders: OrderRecord[]; empty?: string }) {
  if (orders.length === 0) return <EmptyState>{empty ?? 'No open orders.'}</EmptyState>;
  return (
    <Table striped withTableBorder fz="sm" verticalSpacing={4} aria-label="Orders">
      <Table.Thead>
        <Table.Tr>
          <NumHead>Order</NumHead>
          <Table.Th>Symbol</Table.Th>
          <Table.Th>Side</Table.Th>
          <NumHead>Qty</NumHead>
          <Table.Th>Type</Table.Th>
          <NumHead>Limit</NumHead>
          <Table.Th>Status</Table.Th>
          <NumHead>Filled</NumHead>
          <NumHead>Remaining</NumHead>
          <NumHead>Avg fill</NumHead>
          <Table.Th>Ref</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {orders.map((o) => (
          <Table.Tr key={`${o.orderId}:${o.permId ?? ''}:${o.clientId ?? ''}`}>
            <Num>{o.orderId}</Num>
            <Table.Td>{o.symbol}</Table.Td>
            <Table.Td>{o.side}</Table.Td>
            <Num>{formatInteger(o.quantity)}</Num>
            <Table.Td>
              {o.type} {o.timeInForce}
            </Table.Td>
            <Num>{formatDecimal(o.limitPrice)}</Num>
            <Table.Td>
              <Badge size="sm" variant="light" color={o.status === 'Filled' ? 'green' : 'gray'}>
                {o.status}
              </Badge>
            </Table.Td>
            <Num>{formatInteger(o.filled)}</Num>
            <Num>{formatInteger(o.remaining)}</Num>
            <Num>{formatDecimal(o.avgFillPrice)}</Num>
            <Table.Td className="mono">{o.orderRef ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function FillsTable({ trades }: { trades: TradeRecord[] }) {
  if (trades.length === 0) return <EmptyState>No orders or fills recorded for this event.</EmptyState>;
  return (
    <Table striped withTableBorder fz="sm" verticalSpacing={4} aria-label="Fills">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Time</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Symbol</Table.Th>
          <Table.Th>Side</Table.Th>
          <NumHead>Qty</NumHead>
          <Table.Th>Status</Table.Th>
          <NumHead>Fill price</NumHead>
          <NumHead>Commission</NumHead>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {trades.map((t) => (
          <Table.Tr key={t.id}>
            <Table.Td title={formatExact(t.at)}>{formatExact(t.at)}</Table.Td>
            <Table.Td>{t.kind}</Table.Td>
            <Table.Td>{t.symbol}</Table.Td>
            <Table.Td>{t.side}</Table.Td>
            <Num>{formatInteger(t.quantity)}</Num>
            <Table.Td>{t.status}</Table.Td>
            <Num>{formatDecimal(t.fillPrice)}</Num>
            <Num>{formatMoney(t.commission)}</Num>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const EQUITY_FIGURE = { size: 'lg', className: 'num', ta: 'left' } as const;

export function EquityView({ equity }: { equity: AccountEquity }) {
  const items: [string, number | null][] = [
    ['Net liquidation', equity.netLiquidation],
    ['Total cash', equity.totalCashValue],
    ['Buying power', equity.buyingPower],
    ['Available funds', equity.availableFunds],
  ];
  return (
    <SimpleGrid cols={2} spacing="xs" aria-label="Equity">
      {items.map(([label, value]) => (
        <LabelledValue key={label} label={label} valueProps={EQUITY_FIGURE}>
          {formatMoney(value, equity.currency)}
        </LabelledValue>
      ))}
    </SimpleGrid>
  );
}
