import { Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiProvider';
import { LabelledValue } from '../../components/LabelledValue';
import { Panel } from '../../components/Panel';
import { formatMoney, formatSignedMoney } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { EVENT_PAGE_SIZE, queries, useReports } from '../../queries/use-queries';
import { todaySummary } from './today';

const FIGURE = { size: 'md', fw: 600, className: 'num' } as const;

function Figure({ label, value, title }: { label: string; value: string; title: string }) {
  return (
    <LabelledValue label={label} title={title} valueProps={FIGURE}>
      {value}
    </LabelledValue>
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
    <Panel title="Today" region>
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
    </Panel>
  );
}
