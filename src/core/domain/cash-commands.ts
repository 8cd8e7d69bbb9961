/**
 * Which planner an event runs (§8, §27) and whether its payload can run at all: `rebalance` / `print-rebalance` take
 * `payload.mode` ("full" | "buy-only", the preview also "raise-cash" with `payload.amount`), else the account's
 * `rebalanceMode`; `raise-cash` needs `payload.amount` in USD. Checked where an event is queued (a 400 naming the
 * field, nothing queued) and again when it runs (the event fails `invalid`). Pure.
 */
import type { Command, PlanMode } from '../../shared/dto';
import { invalidError } from './errors';
import { raiseAmountProblem } from './raise-cash-planner';

/** What a planning step plans: the §8 rebalance, a buy-only rebalance, or raising `amount` USD. */
export type PlanRequest = { mode: 'full' } | { mode: 'buy-only' } | { mode: 'raise-cash'; amount: number };

/** A payload field that is wrong, with the words why. */
export interface PayloadProblem {
  path: string;
  message: string;
}

const PREVIEW_MODES: readonly PlanMode[] = ['full', 'buy-only', 'raise-cash'];

/**
 * The problem with a command's payload, or null. `netLiquidation`, when known, also refuses an amount larger than the
 * account.
 */
export function payloadProblem(
  command: Command,
  payload: Record<string, unknown>,
  netLiquidation?: number,
): PayloadProblem | null {
  if (command === 'raise-cash') {
    const message = raiseAmountProblem(payload.amount, netLiquidation);
    return message ? { path: 'payload.amount', message } : null;
  }
  if (payload.mode === undefined) return null;
  const modes =
    command === 'print-rebalance' ? PREVIEW_MODES : command === 'rebalance' ? PREVIEW_MODES.slice(0, 2) : [];
  if (!modes.includes(payload.mode as PlanMode)) {
    return {
      path: 'payload.mode',
      message:
        modes.length === 0
          ? `payload.mode is only for rebalance and print-rebalance, not ${command}`
          : `payload.mode must be ${modes.map((m) => `"${m}"`).join(' or ')}, got ${JSON.stringify(payload.mode)}`,
    };
  }
  if (payload.mode === 'raise-cash') {
    const message = raiseAmountProblem(payload.amount, netLiquidation);
    return message ? { path: 'payload.amount', message } : null;
  }
  return null;
}

/** The plan an event asks for; a bad payload throws `invalid` naming the field. */
export function planRequestOf(
  event: { command: Command; payload: Record<string, unknown> },
  account: { rebalanceMode: 'full' | 'buy-only' },
): PlanRequest {
  const problem = payloadProblem(event.command, event.payload);
  if (problem) throw invalidError(problem.message);
  const mode =
    event.command === 'raise-cash'
      ? 'raise-cash'
      : ((event.payload.mode as PlanMode | undefined) ?? account.rebalanceMode);
  if (mode === 'raise-cash') return { mode, amount: event.payload.amount as number };
  return { mode };
}
