/**
 * Which operator actions apply to an event in which state, and what their buttons say (§5 rule 7, §19). Free of
 * React, so the window's first frame (first-frame.ts) draws a row's buttons as the Queue page does.
 */
import type { EventRecord, EventStatus } from '../../../../shared/dto';

export type EventAction = 'approve' | 'reject' | 'retry' | 'hold' | 'release' | 'delete';

/** Which states each operator action applies to (§5 rule 7, §19 approve / reject). */
export const ACTION_STATES: Record<EventAction, readonly EventStatus[]> = {
  approve: ['awaiting'],
  reject: ['awaiting'],
  retry: ['delayed', 'held'],
  hold: ['pending', 'delayed', 'awaiting'],
  release: ['held'],
  delete: ['pending', 'awaiting', 'delayed', 'held', 'done'],
};

export const ACTION_LABELS: Record<EventAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  retry: 'Retry',
  hold: 'Hold',
  release: 'Release',
  delete: 'Delete',
};

/** The order of a row's buttons. */
export const ROW_ACTIONS: readonly EventAction[] = ['approve', 'reject', 'retry', 'hold', 'release', 'delete'];

export function canApply(action: EventAction, event: EventRecord): boolean {
  return ACTION_STATES[action].includes(event.status);
}

/** The buttons a row shows for `event`, in order (none for an active event). */
export function rowActionsOf(event: EventRecord): EventAction[] {
  return ROW_ACTIONS.filter((action) => canApply(action, event));
}

/** Delete and Reject are drawn in red. */
export function isDangerous(action: EventAction): boolean {
  return action === 'delete' || action === 'reject';
}
