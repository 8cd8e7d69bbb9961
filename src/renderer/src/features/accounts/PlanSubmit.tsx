import { Button, Group, Text } from '@mantine/core';
import { Send } from 'lucide-react';
import type { AccountView } from '../../../../shared/contract';
import type { Plan } from '../../../../shared/dto';
import { formatMoney } from '../../lib/format';

/** The orders a plan would send: how many and their estimated value (absolute, buys and sells together). */
export function planOrders(plan: Plan): { count: number; value: number } {
  const orders = plan.rows.filter((row) => row.order !== null);
  return { count: orders.length, value: orders.reduce((sum, row) => sum + Math.abs(row.estimatedValue), 0) };
}

/**
 * The foot of a plan (§26): what Submit will send, and **Submit**, which queues the rebalance (through the red
 * live confirmation on a live account). Nothing is queued to trade before it.
 */
export function PlanSubmit({
  account,
  plan,
  onSubmit,
  onCancel,
}: {
  account: AccountView;
  plan: Plan;
  onSubmit: () => void;
  onCancel: () => void;
}) {
  const { count, value } = planOrders(plan);
  const live = account.type === 'live';
  return (
    <Group justify="space-between" mt="md" wrap="wrap" gap="xs">
      <Text size="sm" aria-label="What Submit sends">
        {count === 0
          ? 'Already at target: Submit sends no order.'
          : `Submit sends ${count} order${count === 1 ? '' : 's'}, about ${formatMoney(value)}${live ? ' — real money, live account' : ''}.`}
        {account.approval !== 'auto' && ' It then waits in Queue › Awaiting approval.'}
      </Text>
      <Group gap="xs">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color={live ? 'red' : undefined} leftSection={<Send size={14} />} onClick={onSubmit}>
          Submit
        </Button>
      </Group>
    </Group>
  );
}
