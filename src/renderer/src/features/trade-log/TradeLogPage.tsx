import { Button, Group, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Download } from 'lucide-react';
import { useMemo, useState } from 'react';
import { LOG_LEVELS } from '../../../../shared/dto';
import { downloadText, fileStamp, toCsv } from '../../lib/csv';
import { formatExact } from '../../lib/format';
import type { LogFilters } from '../../queries/query-keys';
import { useAccounts, useLogs, useTrades } from '../../queries/use-queries';
import { FeedLog } from './FeedLog';
import { CashFlowsPanel } from './CashFlowsPanel';
import { ReportsPanel } from './ReportsPanel';
import { TodayPanel } from './TodayPanel';
import { LogView } from './LogView';
import { TradesTable } from './TradesTable';

/** The live log (filtered by level / account / event) and the trade records, each exportable as CSV. */
export function TradeLogPage() {
  const [level, setLevel] = useState<LogFilters['level'] | null>(null);
  const [accountId, setAccountId] = useState<string | null>(null);
  const [eventInput, setEventInput] = useState('');
  const [eventId] = useDebouncedValue(eventInput.trim(), 300);
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
  const tradeRows = useMemo(
    () => [...(trades.data?.trades ?? [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)),
    [trades.data],
  );
  const accountOptions = (accounts.data?.accounts ?? []).map((a) => ({
    value: a.accountId,
    label: a.name ? `${a.accountId} — ${a.name}` : a.accountId,
  }));

  const exportTrades = () =>
    downloadText(
      `trades-${fileStamp()}.csv`,
      toCsv(
        [
          'time',
          'kind',
          'account',
          'symbol',
          'side',
          'quantity',
          'type',
          'status',
          'fillPrice',
          'commission',
          'orderRef',
          'orderId',
          'permId',
          'eventId',
        ],
        tradeRows.map((t) => [
          t.at,
          t.kind,
          t.accountId,
          t.symbol,
          t.side,
          t.quantity,
          t.orderType,
          t.status,
          t.fillPrice,
          t.commission,
          t.orderRef,
          t.orderId,
          t.permId,
          t.eventId,
        ]),
      ),
    );

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
      <Paper withBorder p="sm" radius="sm">
        <Group justify="space-between" mb="xs" align="flex-end">
          <Title order={2} size="h5">
            Log
          </Title>
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
            <Select
              label="Account"
              size="xs"
              w={200}
              placeholder="all accounts"
              data={accountOptions}
              value={accountId}
              onChange={setAccountId}
              searchable
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
            <Button
              size="xs"
              variant="default"
              leftSection={<Download size={14} />}
              onClick={exportLog}
              disabled={lines.length === 0}
            >
              Export log CSV
            </Button>
          </Group>
        </Group>
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
      </Paper>
      <Paper withBorder p="sm" radius="sm">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h5">
            Trades
          </Title>
          <Button
            size="xs"
            variant="default"
            leftSection={<Download size={14} />}
            onClick={exportTrades}
            disabled={tradeRows.length === 0}
          >
            Export CSV
          </Button>
        </Group>
        <TradesTable trades={tradeRows} />
      </Paper>
      <ReportsPanel />
      <CashFlowsPanel />
      <Paper withBorder p="sm" radius="sm">
        <Title order={2} size="h5" mb="xs">
          Zehnlabs feed
        </Title>
        <FeedLog />
      </Paper>
    </Stack>
  );
}
