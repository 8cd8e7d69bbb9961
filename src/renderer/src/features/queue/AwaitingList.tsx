import { PlanTotalsLine } from '../../components/PlanTotals';
import { Badge, Button, Checkbox, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { planCashLine, type EventRecord, type Plan } from '../../../../shared/dto';
import {
  formatCountdown,
  formatExact,
  formatFraction,
  formatInteger,
  formatMoney,
  formatPercentValue,
} from '../../lib/format';
import { useAccountName } from '../../queries/use-account-names';
import { EventActions } from './EventActions';
import type { EventAction } from './event-actions';

/** "auto-approves in mm:ss" for a timer account, or that it waits for the trader (§19). */
export function approvalCountdown(event: EventRecord, now: number): string {
  const at = event.approval?.autoApproveAt;
  return at ? `auto-approves in ${formatCountdown(at, now)}` : 'waits for your approval';
}

function planOf(event: EventRecord): Plan | null {
  const plan = (event.result as { plan?: Plan } | null)?.plan;
  return plan && Array.isArray(plan.rows) ? plan : null;
}

/** The plan inline: symbol, current %, target %, order and its estimated value. */
function InlinePlan({ plan }: { plan: Plan }) {
  const orders = plan.rows.filter((r) => r.order);
  const cashLine = planCashLine(plan);
  const total = orders.reduce((sum, r) => sum + Math.abs(r.estimatedValue), 0);
  return (
    <>
      <Table withTableBorder fz="sm" verticalSpacing={2} aria-label={`Plan of ${plan.accountId}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Symbol</Table.Th>
            <Table.Th className="num">Current %</Table.Th>
            <Table.Th className="num">Target %</Table.Th>
            <Table.Th>Order</Table.Th>
            <Table.Th className="num">Est. value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.rows.map((row) => (
            <Table.Tr key={row.symbol}>
              <Table.Td>{row.symbol}</Table.Td>
              <Table.Td className="num">{formatFraction(row.currentWeight)}</Table.Td>
              <Table.Td className="num">{formatFraction(row.targetWeight)}</Table.Td>
              <Table.Td className="num">
                {row.order ? `${row.order.side} ${formatInteger(row.order.quantity)}` : '—'}
              </Table.Td>
              <Table.Td className="num">{row.order ? formatMoney(row.estimatedValue) : '—'}</Table.Td>
            </Table.Tr>
          ))}
          {cashLine && (
            <Table.Tr data-symbol="cash">
              <Table.Td>Cash</Table.Td>
              <Table.Td className="num">{formatPercentValue(cashLine.current)}</Table.Td>
              <Table.Td className="num">{formatPercentValue(cashLine.target)}</Table.Td>
              <Table.Td className="num">—</Table.Td>
              <Table.Td className="num">—</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Td colSpan={3}>
              {orders.length} order{orders.length === 1 ? '' : 's'}
            </Table.Td>
            <Table.Td />
            <Table.Td className="num">{formatMoney(total)}</Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
      <PlanTotalsLine plan={plan} />
    </>
  );
}

export interface AwaitingListProps {
  events: EventRecord[];
  now: number;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onOpen: (id: string) => void;
  onAction: (action: EventAction, event: EventRecord) => void;
}

/**
 * §19 Awaiting approval: each waiting rebalance with its plan inline, the countdown of a timer account and
 * Approve / Reject (Hold and Delete too). Few events wait at a time, so this list is not virtualized.
 */
export function AwaitingList({ events, now, selected, onToggle, onOpen, onAction }: AwaitingListProps) {
  const nameOf = useAccountName();
  return (
    <Stack gap="xs" p="xs" role="list">
      {events.map((event) => {
        const plan = planOf(event);
        return (
          <Paper
            key={event.id}
            withBorder
            radius="sm"
            p="xs"
            role="listitem"
            data-event-id={event.id}
            data-status={event.status}
            aria-label={`${event.command === 'raise-cash' ? 'Raise cash' : 'Rebalance'} of ${nameOf(event.accountId)} awaiting approval`}
          >
            <Group justify="space-between" wrap="nowrap" mb={6}>
              <Group gap="sm" wrap="nowrap">
                <Checkbox
                  size="xs"
                  checked={selected.has(event.id)}
                  onChange={() => onToggle(event.id)}
                  aria-label={`Select ${event.id}`}
                />
                <Text fw={600} title={event.accountId}>
                  {nameOf(event.accountId)}
                </Text>
                <Text size="sm" c="dimmed">
                  {event.strategy ?? '—'} · {event.source}
                </Text>
                <Text
                  size="sm"
                  c="var(--mantine-color-yellow-text)"
                  className="num"
                  title={event.approval?.autoApproveAt ? formatExact(event.approval.autoApproveAt) : undefined}
                >
                  {approvalCountdown(event, now)}
                </Text>
                {event.approval?.note && (
                  <Badge color="yellow" variant="light" size="sm">
                    {event.approval.note}
                  </Badge>
                )}
              </Group>
              <Group gap={4} wrap="nowrap">
                <EventActions event={event} onAction={onAction} />
                <Button size="compact-xs" variant="subtle" onClick={() => onOpen(event.id)}>
                  Details
                </Button>
              </Group>
            </Group>
            {plan ? (
              <InlinePlan plan={plan} />
            ) : (
              <Text size="sm" c="dimmed">
                No plan stored on this event; open the details or reject it.
              </Text>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}
