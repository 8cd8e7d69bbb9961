/**
 * §19 approval before trading, the processor's half: a live `rebalance` of an account on `confirm` or `timer` is
 * planned as a preview and then, instead of trading, waits for the trader (the queue's `awaiting` state). Once
 * approved the run re-plans from live data and trades only if the plan is still the approved one
 * (domain/plan-change.ts); otherwise it waits again with the new plan.
 */
import { createHash } from 'node:crypto';
import type { EventApproval, EventRecord, Plan } from '../../shared/dto';
import type { AccountSettings } from '../config/schema';
import { planChanges } from '../domain/plan-change';
import { ordersOf } from '../domain/planner';
import type { AwaitApproval } from '../queue/event-queue';

export const PLAN_CHANGED_NOTE = 'plan changed since approval';

/**
 * Thrown by a rebalance that must wait for approval; the processor moves the event to `awaiting` with `request`
 * instead of completing or failing it.
 */
export class AwaitingApproval extends Error {
  override name = 'AwaitingApproval';
  constructor(
    readonly request: AwaitApproval,
    readonly plan: Plan,
    readonly accountName: string,
  ) {
    super(`rebalance of ${plan.accountId} awaits approval${request.note ? ` (${request.note})` : ''}`);
  }
}

/** A short hash of a plan's orders (symbol, side, quantity), the identity of what the trader approves. */
export function planHash(plan: Plan): string {
  const orders = ordersOf(plan)
    .map((o) => `${o.symbol}:${o.side}:${o.quantity}`)
    .sort();
  return createHash('sha256').update(orders.join('\n')).digest('hex').slice(0, 16);
}

function approvedPlanOf(event: EventRecord): Plan | null {
  const a = event.approval;
  if (!a?.approvedAt) return null;
  const plan = event.result?.plan as Plan | undefined;
  return plan && Array.isArray(plan.rows) ? plan : null;
}

/**
 * The approval step of a live rebalance, called with the preview plan before anything is sent. Returns when the run
 * may trade (account on `auto`, nothing to trade, or approved and unchanged); throws AwaitingApproval otherwise.
 */
export function approvalGate(event: EventRecord, account: AccountSettings, plan: Plan, now: Date): void {
  if (account.approval === 'auto') return;
  const orders = ordersOf(plan);
  if (orders.length === 0) return;
  const approved = approvedPlanOf(event);
  let changes: string[] = [];
  if (approved) {
    changes = planChanges(ordersOf(approved), orders);
    if (changes.length === 0) return;
  }
  const note = approved ? PLAN_CHANGED_NOTE : undefined;
  const timer = account.approval === 'timer';
  const approval: EventApproval = {
    requestedAt: now.toISOString(),
    autoApproveAt: timer ? new Date(now.getTime() + Math.round(account.approvalMinutes * 60_000)).toISOString() : null,
    planHash: planHash(plan),
    minutes: timer ? account.approvalMinutes : null,
    approvedAt: null,
    approvedBy: null,
    approvedHash: null,
    ...(note ? { note } : {}),
  };
  const result: Record<string, unknown> = { command: event.command, plan };
  if (note) Object.assign(result, { note, changes });
  throw new AwaitingApproval(
    { result, approval, ...(note ? { note: `${note}: ${changes.join('; ')}` } : {}) },
    plan,
    account.name || account.accountId,
  );
}
