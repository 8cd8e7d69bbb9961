import { Group, Paper, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { formatMoney, formatSignedMoney } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { EVENT_PAGE_SIZE, queries, useReports } from '../../queries/use-queries';
import { todaySummary } from './today';

function Figure({ label, value, title }: { label: string; value: string; title: string }) {
  return (
    <div title={title}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="md" fw={600} className="num" component="div">
        {value}
      </Text>
    </div>
  );
}

/** §25 Trade log › Today: rebalances and cash raises done, failed, turnover, commissions and slippage cost since local midnight. */
export function TodayPanel() {
  const api = useApi();
  const now = useNow();
  const reports = useReports();
  const delayed = useQuery(queries.eventList(api, 'delayed', '', EVENT_PAGE_SIZE));
  const held = useQuery(queries.eventList(api, 'held', '', EVENT_PAGE_SIZE));
  const waiting = [...(delayed.data?.events ?? []), ...(held.data?.events ?? [])];
  const t = todaySummary(reports.data?.reports ?? [], waiting, now);
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label="Today">
      <Title order={2} size="h5" mb="xs">
        Today
      </Title>
      <Group gap="xl" data-testid="today">
        <Figure
          label="Rebalances done"
          value={String(t.rebalancesDone)}
          title="Rebalances (full or buy-only) that finished since midnight"
        />
        <Figure
          label="Cash raises done"
          value={String(t.cashRaisesDone)}
          title="Raise cash… events that finished since midnight"
        />
        <Figure
          label="Failed"
          value={String(t.failed)}
          title="Rebalances and cash raises that failed today and wait for a retry or are held (Queue › Delayed / Held)"
        />
        <Figure
          label="Turnover"
          value={formatMoney(t.turnover)}
          title="Σ filled shares × fill price of today's rebalances and cash raises"
        />
        <Figure
          label="Commissions"
          value={formatMoney(t.commissions)}
          title="Σ commissions IB reported for today's fills"
        />
        <Figure
          label="Slippage cost"
          value={formatSignedMoney(t.slippageCost)}
          title="Σ (fill − plan's mark) × shares, signed against you: positive cost you, negative gained"
        />
      </Group>
      {reports.error && (
        <Text size="xs" c="red">
          Reports not read: {reports.error.message}
        </Text>
      )}
    </Paper>
  );
}
