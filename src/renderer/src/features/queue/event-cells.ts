/**
 * A queue row's columns and what its State and Last error / Result cells say, free of React: the Queue page's rows (EventRow.tsx)
 * and the window's first frame (first-frame.ts) draw them from here, so the two cannot say different things.
 */
import type { EventRecord, EventStatus } from '../../../../shared/dto';
import { resultSummary } from '../../../../shared/result-summary';
import { formatCountdown, formatExact, formatRelative } from '../../lib/format';

/** A queue row's height, and its header's (fixed: the list is virtualized). */
export const ROW_HEIGHT = 38;
export const HEAD_HEIGHT = 28;

export interface EventColumn {
  label: string;
  /** styles.css classes: `col-opt` folds away in a narrow section, `num` aligns right */
  className?: string;
  /** The name of a column without a heading of its own. */
  ariaLabel?: string;
  title?: string;
}

/**
 * A section's columns, in the order of a row's cells: the `.event-grid` columns (styles.css). Done's last column says
 * what the event came to, the others' their last error.
 */
export function eventColumns(status: EventStatus): EventColumn[] {
  return [
    { label: '', ariaLabel: 'Select' },
    { label: 'Id' },
    { label: 'Account' },
    { label: 'Command' },
    { label: 'Strategy', className: 'col-opt' },
    { label: 'Queued', className: 'num col-opt', title: 'Times queued' },
    { label: 'Age', className: 'col-opt' },
    { label: 'State' },
    { label: status === 'done' ? 'Result' : 'Last error' },
    { label: '', ariaLabel: 'Actions' },
  ];
}

export interface CellText {
  text: string;
  /** styles.css classes */
  className: string;
  title?: string;
  /** A red pill before the text (an error that needs the trader). */
  badge?: string;
  testId?: string;
}

/** The State cell: waiting, processing, when a delayed event retries, why it is held, when it finished. */
export function stateCell(event: EventRecord, now: number): CellText {
  switch (event.status) {
    case 'delayed':
      return {
        className: 'xs tone-delayed',
        title: formatExact(event.nextAttemptAt),
        text: `retry in ${formatCountdown(event.nextAttemptAt, now)}`,
      };
    case 'held':
      return {
        className: 'xs dimmed',
        title: event.heldReason ?? 'held by the operator',
        text: event.heldReason ?? 'held',
      };
    case 'active':
      return { className: 'xs tone-active', text: 'processing' };
    case 'awaiting': {
      const at = event.approval?.autoApproveAt;
      return {
        className: 'xs tone-delayed',
        title: formatExact(at),
        text: at ? `auto-approves in ${formatCountdown(at, now)}` : 'awaiting approval',
      };
    }
    case 'done':
      return {
        className: 'xs tone-done',
        title: formatExact(event.updatedAt),
        text: `done ${formatRelative(event.updatedAt, now)}`,
      };
    default:
      return { className: 'xs dimmed', text: 'waiting' };
  }
}

/**
 * The last cell: a finished event shows what it came to (§26), not a stale error (its history keeps the errors on the
 * way); any other its last error, or nothing.
 */
export function errorCell(event: EventRecord): CellText | null {
  if (event.status === 'done') {
    const text = resultSummary(event);
    const rejected = event.result?.rejectedByTrader === true;
    return { className: rejected ? 'xs dimmed' : 'xs', title: text, text, testId: 'event-result' };
  }
  const error = event.lastError;
  if (!error) return null;
  const text = `${error.kind}: ${error.message}`;
  return {
    className: event.needsAttention ? 'xs tone-error' : 'xs',
    title: `${text}\n${formatExact(error.at)}`,
    text,
    ...(event.needsAttention ? { badge: 'needs attention' } : {}),
  };
}
