import { useEffect, useRef } from 'react';
import { Alert, Badge, Code, Drawer, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { EventRecord, LogLine, TradeReport } from '../../../../shared/dto';
import { resultSummary } from '../../../../shared/result-summary';
import { ordersOf, planOf } from '../../components/CommandResultView';
import { EmptyState } from '../../components/EmptyState';
import { LabelledValue } from '../../components/LabelledValue';
import { FillsTable, OrdersTable, PlanTable } from '../../components/ResultTables';
import { RelativeTime } from '../../components/RelativeTime';
import { ReportTable } from '../../components/ReportTable';
import { formatClock, formatCountdown, formatExact } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useAccountName } from '../../queries/use-account-names';
import { useEventDetail, useTrades } from '../../queries/use-queries';
import { EventActions } from './EventActions';
import type { EventAction } from './event-actions';
import { STATUS_COLORS } from './status-colors';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={3} size="h6">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function LogLines({ lines }: { lines: LogLine[] }) {
  if (lines.length === 0)
    return <EmptyState>No log lines for this event yet; they appear while it is processed.</EmptyState>;
  return (
    <div style={{ maxHeight: 260, overflow: 'auto' }}>
      {lines.map((line, i) => (
        <div key={`${line.time}:${i}`} className="log-line" title={formatExact(line.time)}>
          <Text
            span
            size="xs"
            c={
              line.level === 'error' || line.level === 'fatal'
                ? 'red'
                : line.level === 'warn'
                  ? 'var(--mantine-color-yellow-text)'
                  : 'dimmed'
            }
          >
            {formatClock(line.time)} {line.level.toUpperCase().padEnd(5)}
          </Text>{' '}
          {line.msg}
        </div>
      ))}
    </div>
  );
}

function Details({ event, onAction }: { event: EventRecord; onAction: (a: EventAction, e: EventRecord) => void }) {
  const now = useNow();
  const trades = useTrades();
  const plan = planOf(event.result);
  const orders = ordersOf(event.result);
  const report = (event.result as { report?: TradeReport } | null)?.report ?? null;
  const fills = (trades.data?.trades ?? []).filter((t) => t.eventId === event.id);
  const nameOf = useAccountName({ afterFirstRows: true });
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Group gap="xs">
          <Badge color={STATUS_COLORS[event.status]} variant="light">
            {event.status}
          </Badge>
          {event.needsAttention && (
            <Badge color="red" variant="filled">
              needs attention
            </Badge>
          )}
        </Group>
        <EventActions event={event} onAction={onAction} size="xs" />
      </Group>
      <SimpleGrid cols={4} spacing="xs" verticalSpacing="xs">
        <LabelledValue label="Account">
          {nameOf(event.accountId)}{' '}
          <Text span size="xs" c="dimmed" className="mono">
            {event.accountId}
          </Text>
        </LabelledValue>
        <LabelledValue label="Command">{event.command}</LabelledValue>
        <LabelledValue label="Strategy">{event.strategy ?? '—'}</LabelledValue>
        <LabelledValue label="Source">{event.source}</LabelledValue>
        <LabelledValue label="Times queued">
          <span className="num">{event.timesQueued}</span>
        </LabelledValue>
        <LabelledValue label="Created">
          <RelativeTime iso={event.createdAt} />
        </LabelledValue>
        <LabelledValue label="Updated">
          <RelativeTime iso={event.updatedAt} />
        </LabelledValue>
        <LabelledValue label="Next attempt">
          {event.status === 'delayed' && event.nextAttemptAt ? (
            <span title={formatExact(event.nextAttemptAt)}>retry in {formatCountdown(event.nextAttemptAt, now)}</span>
          ) : (
            '—'
          )}
        </LabelledValue>
      </SimpleGrid>
      {event.status === 'done' && (
        <Alert color={event.result?.rejectedByTrader === true ? 'gray' : 'green'} variant="light" title="Result">
          {resultSummary(event)}
          {event.timesQueued > 1 && ` — after ${event.timesQueued} attempts; the errors on the way are in its History.`}
        </Alert>
      )}
      {event.lastError && event.status !== 'done' && (
        <Alert
          color={event.needsAttention ? 'red' : 'yellow'}
          variant="light"
          title={`Last error: ${event.lastError.kind}`}
        >
          {event.lastError.message}
          {event.lastError.code !== undefined && ` (IB ${event.lastError.code})`} — {formatExact(event.lastError.at)}
        </Alert>
      )}
      {event.heldReason && <Alert color="gray">Held: {event.heldReason}</Alert>}
      {event.approval && (
        <Alert color={event.status === 'awaiting' ? 'yellow' : 'gray'} variant="light" title="Approval">
          {event.status === 'awaiting'
            ? event.approval.autoApproveAt
              ? `Awaits approval; auto-approves in ${formatCountdown(event.approval.autoApproveAt, now)}.`
              : 'Awaits your approval.'
            : event.approval.approvedAt
              ? `Approved by ${event.approval.approvedBy ?? 'the trader'} ${formatExact(event.approval.approvedAt)}.`
              : `Approval asked ${formatExact(event.approval.requestedAt)}.`}
          {event.approval.note ? ` ${event.approval.note}.` : ''}
          {(event.result as { rejectedByTrader?: boolean } | null)?.rejectedByTrader ? ' Rejected by the trader.' : ''}
        </Alert>
      )}
      <Section title="Payload">
        <Code block style={{ maxHeight: 200, overflow: 'auto' }}>
          {JSON.stringify(event.payload, null, 2)}
        </Code>
      </Section>
      {plan && (
        <Section title="Plan">
          <PlanTable plan={plan} />
        </Section>
      )}
      {report && (
        <Section title="Report">
          <ReportTable report={report} name={nameOf(event.accountId)} />
        </Section>
      )}
      {orders && (
        <Section title="Orders">
          <OrdersTable orders={orders} empty="No orders were placed." />
        </Section>
      )}
      <Section title="Orders and fills (trade log)">
        <FillsTable trades={fills} />
      </Section>
    </Stack>
  );
}

const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside the open drawer (§26): from its last focusable element back to its first and the
 * other way, and back in when the focus is outside it.
 */
function useTabTrap(open: boolean, ref: React.RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const dialog = ref.current?.closest<HTMLElement>('[role="dialog"]');
      if (!dialog) return;
      const items = [...dialog.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.offsetParent !== null);
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items.at(-1)!;
      const active = document.activeElement;
      const inside = active instanceof HTMLElement && dialog.contains(active);
      if (!inside || (e.shiftKey ? active === first : active === last)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [open, ref]);
}

/** The detail of one event: payload, history, plan, orders and fills, log lines. */
export function EventDrawer({
  id,
  onClose,
  onAction,
}: {
  id: string | null;
  onClose: () => void;
  onAction: (action: EventAction, event: EventRecord) => void;
}) {
  const detail = useEventDetail(id);
  const nameOf = useAccountName({ afterFirstRows: true });
  const shown = detail.data?.event;
  const bodyRef = useRef<HTMLDivElement>(null);
  useTabTrap(id !== null, bodyRef);
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="xl"
      trapFocus
      returnFocus
      closeButtonProps={{ 'aria-label': 'Close event details' }}
      title={
        shown ? (
          <div>
            <Text fw={600} size="sm" data-testid="event-drawer-title">
              {shown.command} — {nameOf(shown.accountId)} — {formatExact(shown.createdAt)}
            </Text>
            <Text size="xs" c="dimmed" className="mono">
              {shown.accountId} · event {shown.id}
            </Text>
          </div>
        ) : (
          <Text fw={600} className="mono" size="sm">
            Event {id}
          </Text>
        )
      }
    >
      <div ref={bodyRef} />
      {detail.isPending && id !== null ? (
        <Loader size="sm" />
      ) : detail.error ? (
        <Alert color="red">Could not load this event: {detail.error.message}. It may have been deleted.</Alert>
      ) : detail.data ? (
        <Stack gap="md">
          <Details event={detail.data.event} onAction={onAction} />
          <Section title="History">
            {detail.data.history.length === 0 ? (
              <EmptyState>No state changes recorded.</EmptyState>
            ) : (
              <Table fz="xs" verticalSpacing={2} striped withTableBorder aria-label="History">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>From → to</Table.Th>
                    <Table.Th>By</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Note</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {detail.data.history.map((h) => (
                    <Table.Tr key={h.streamId}>
                      <Table.Td title={formatExact(h.at)}>{formatExact(h.at)}</Table.Td>
                      <Table.Td>
                        {h.from ?? '—'} → {h.to ?? '—'}
                      </Table.Td>
                      <Table.Td>{h.by}</Table.Td>
                      <Table.Td>{h.action}</Table.Td>
                      <Table.Td>{h.note ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Section>
          <Section title="Log lines">
            <LogLines lines={detail.data.logs} />
          </Section>
        </Stack>
      ) : null}
    </Drawer>
  );
}
