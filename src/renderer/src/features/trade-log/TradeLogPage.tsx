import { Group, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Search } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { LOG_LEVELS } from '../../../../shared/dto';
import { ExportButton, Panel } from '../../components/Panel';
import { downloadText, fileStamp, toCsv } from '../../lib/csv';
import { formatExact } from '../../lib/format';
import { useSlashFocus } from '../../lib/use-slash-focus';
import type { LogFilters } from '../../queries/query-keys';
import { useAccounts, useLogs, useTrades } from '../../queries/use-queries';
import { FeedLog } from './FeedLog';
import { CashFlowsPanel } from './CashFlowsPanel';
import { ReportsPanel } from './ReportsPanel';
import { TodayPanel } from './TodayPanel';
import { LogView } from './LogView';
import { TradesTable } from './TradesTable';
import { matchesSearch, orderRows, type OrderRow } from './order-rows';
import { accountLabel } from '../../../../shared/account-label';

/** The Log panel's header: its filters are labelled, so the title sits on their baseline and wraps under them. */
const LOG_HEADER = { align: 'flex-end', wrap: 'wrap' } as const;

/** Trades CSV (§26): one row per order, its local and UTC time, filled shares, average price, value and commission. */
export function tradesCsv(orders: OrderRow[]): string {
  return toCsv(
    [
      'localTime',
      'utcTime',
      'account',
      'symbol',
      'side',
      'quantity',
      'filled',
      'avgFillPrice',
      'value',
      'commission',
      'type',
      'status',
      'orderRef',
      'orderId',
      'permId',
      'eventId',
    ],
    orders.map((o) => [
      formatExact(o.at),
      o.at,
      o.accountId,
      o.symbol,
      o.side,
      o.quantity,
      o.filled,
      o.avgFillPrice === null ? null : o.avgFillPrice.toFixed(4).replace(/\.?0+$/, ''),
      o.value === null ? null : o.value.toFixed(2),
      o.commission === null ? null : o.commission.toFixed(2),
      o.orderType,
      o.status,
      o.orderRef,
      o.orderId,
      o.permId,
      o.eventId,
    ]),
  );
}

/**
 * The live log (filtered by level / event), the orders, the reports and the cash flows — all narrowed by the page's
 * account filter, the orders also by the search (symbol, order id or event) — each exportable as CSV.
 */
export function TradeLogPage() {
  const [level, setLevel] = useState<LogFilters['level'] | null>(null);
  const [accountId, setAccountId] = useState<string | null>(null);
  const [eventInput, setEventInput] = useState('');
  const [eventId] = useDebouncedValue(eventInput.trim(), 300);
  const [search, setSearch] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  useSlashFocus(searchRef);
  const filters: LogFilters = useMemo(
    () => ({
      ...(level ? { level } : {}),
      ...(accountId ? { accountId } : {}),
      ...(eventId ? { eventId } : {}),
    }),
    [level, accountId, eventId],
  );
  const logs = useLogs(filters);
  const trades = useTrades();
  const accounts = useAccounts();
  const lines = logs.data?.lines ?? [];
  const allOrders = useMemo(() => orderRows(trades.data?.trades ?? []), [trades.data]);
  const orders = useMemo(
    () => allOrders.filter((o) => (!accountId || o.accountId === accountId) && matchesSearch(o, search)),
    [allOrders, accountId, search],
  );
  const accountOptions = (accounts.data?.accounts ?? []).map((a) => ({
    value: a.accountId,
    label: accountLabel(a),
  }));

  const exportTrades = () => downloadText(`trades-${fileStamp()}.csv`, tradesCsv(orders));

  const exportLog = () =>
    downloadText(
      `log-${fileStamp()}.csv`,
      toCsv(
        ['time', 'localTime', 'level', 'tag', 'account', 'event', 'message'],
        lines.map((l) => [l.time, formatExact(l.time), l.level, l.tag, l.accountId, l.eventId, l.msg]),
      ),
    );

  const filtered = Boolean(level || accountId || eventId);
  return (
    <Stack gap="sm">
      <TodayPanel />
      <Group gap="xs" align="flex-end" wrap="wrap" role="search" aria-label="Trade log filters">
        <Select
          label="Account"
          size="xs"
          w={220}
          placeholder="all accounts"
          data={accountOptions}
          value={accountId}
          onChange={setAccountId}
          searchable
          clearable
        />
        <TextInput
          ref={searchRef}
          label="Search orders"
          size="xs"
          w={300}
          leftSection={<Search size={14} />}
          placeholder="symbol, order id or event (press /)"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
      </Group>
      <Panel
        title="Log"
        headerProps={LOG_HEADER}
        actions={
          <Group gap="xs" align="flex-end">
            <Select
              label="Level"
              size="xs"
              w={120}
              placeholder="any"
              data={[...LOG_LEVELS]}
              value={level ?? null}
              onChange={(value) => setLevel((value as LogFilters['level']) ?? null)}
              clearable
            />
            <TextInput
              label="Event"
              size="xs"
              w={220}
              placeholder="event id"
              value={eventInput}
              onChange={(e) => setEventInput(e.currentTarget.value)}
            />
            <ExportButton onClick={exportLog} disabled={lines.length === 0}>
              Export log CSV
            </ExportButton>
          </Group>
        }
      >
        <LogView
          lines={lines}
          emptyText={
            logs.isPending
              ? 'Loading…'
              : filtered
                ? 'No log lines match these filters.'
                : 'No log lines yet — they stream in here as the app connects and works events.'
          }
        />
      </Panel>
      <Panel
        title="Trades"
        actions={
          <ExportButton onClick={exportTrades} disabled={orders.length === 0}>
            Export CSV
          </ExportButton>
        }
      >
        <TradesTable
          orders={orders}
          emptyText={allOrders.length > 0 ? 'No orders match the account filter or the search.' : undefined}
        />
      </Panel>
      <ReportsPanel accountId={accountId} />
      <CashFlowsPanel accountId={accountId} />
      <Panel title="Zehnlabs feed">
        <FeedLog />
      </Panel>
    </Stack>
  );
}
