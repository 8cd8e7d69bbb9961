import { Code, Stack } from '@mantine/core';
import type { AccountEquity, OrderRecord, Plan, Position } from '../../../shared/dto';
import { EmptyState } from './EmptyState';
import { EquityView, OrdersTable, PlanTable, PositionsTable } from './ResultTables';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Picks the plan out of an event result (`result.plan`), if it has one. */
export function planOf(result: Record<string, unknown> | null | undefined): Plan | null {
  const plan = result?.plan;
  return isObject(plan) && Array.isArray(plan.rows) ? (plan as unknown as Plan) : null;
}

export function ordersOf(result: Record<string, unknown> | null | undefined): OrderRecord[] | null {
  const orders = result?.orders;
  return Array.isArray(orders) ? (orders as OrderRecord[]) : null;
}

/** The result of a command as tables: plan, positions, equity or orders (see `CommandResult` in the contract). */
export function CommandResultView({ result }: { result: Record<string, unknown> | null }) {
  if (!result) return <EmptyState>The command finished without a result.</EmptyState>;
  const plan = planOf(result);
  if (plan) {
    const placed = ordersOf(result);
    return (
      <Stack gap="sm">
        <PlanTable plan={plan} />
        {placed && <OrdersTable orders={placed} empty="No orders were placed." />}
      </Stack>
    );
  }
  if (Array.isArray(result.positions)) return <PositionsTable positions={result.positions as Position[]} />;
  if (isObject(result.equity)) return <EquityView equity={result.equity as unknown as AccountEquity} />;
  const orders = ordersOf(result);
  if (orders) {
    const cancelled = result.command === 'cancel-orders';
    return <OrdersTable orders={orders} empty={cancelled ? 'There were no open orders to cancel.' : undefined} />;
  }
  return (
    <Code block mah={400} style={{ overflow: 'auto' }}>
      {JSON.stringify(result, null, 2)}
    </Code>
  );
}
