import { memo } from 'react';
import type { EventRecord, EventStatus } from '../../../../shared/dto';
import { resultSummary } from '../../../../shared/result-summary';
import { formatCountdown, formatExact, formatRelative, shortId } from '../../lib/format';
import { RowActions } from './EventActions';
import type { EventAction } from './event-actions';

export const ROW_HEIGHT = 38;

/**
 * Header and rows share the `.event-grid` columns (styles.css); in a narrow section (a 1024 px window) Strategy,
 * Queued and Age (`.col-opt`) fold away so the actions stay in view (§26).
 */
export function EventRowHeader({ status }: { status: EventStatus }) {
  return (
    <div className="grid-row grid-head event-grid" style={{ height: 28 }} role="row">
      <span role="columnheader" aria-label="Select" />
      <span role="columnheader">Id</span>
      <span role="columnheader">Account</span>
      <span role="columnheader">Command</span>
      <span role="columnheader" className="col-opt">
        Strategy
      </span>
      <span role="columnheader" className="num col-opt" title="Times queued">
        Queued
      </span>
      <span role="columnheader" className="col-opt">
        Age
      </span>
      <span role="columnheader">State</span>
      <span role="columnheader">{status === 'done' ? 'Result' : 'Last error'}</span>
      <span role="columnheader" aria-label="Actions" />
    </div>
  );
}

/** Rows use plain elements with styles.css classes: a section renders dozens at once (§16 first render). */
function StateCell({ event, now }: { event: EventRecord; now: number }) {
  if (event.status === 'delayed') {
    return (
      <span className="xs tone-delayed" title={formatExact(event.nextAttemptAt)}>
        retry in {formatCountdown(event.nextAttemptAt, now)}
      </span>
    );
  }
  if (event.status === 'held') {
    return (
      <span className="xs dimmed" title={event.heldReason ?? 'held by the operator'}>
        {event.heldReason ?? 'held'}
      </span>
    );
  }
  if (event.status === 'active') return <span className="xs tone-active">processing</span>;
  if (event.status === 'awaiting') {
    const at = event.approval?.autoApproveAt;
    return (
      <span className="xs tone-delayed" title={formatExact(at)}>
        {at ? `auto-approves in ${formatCountdown(at, now)}` : 'awaiting approval'}
      </span>
    );
  }
  if (event.status === 'done') {
    return (
      <span className="xs tone-done" title={formatExact(event.updatedAt)}>
        done {formatRelative(event.updatedAt, now)}
      </span>
    );
  }
  return <span className="xs dimmed">waiting</span>;
}

/** A finished event shows what it came to (§26), not a stale error; its history keeps the errors on the way. */
function ResultCell({ event }: { event: EventRecord }) {
  const text = resultSummary(event);
  const rejected = event.result?.rejectedByTrader === true;
  return (
    <span className={rejected ? 'xs dimmed' : 'xs'} title={text} data-testid="event-result">
      {text}
    </span>
  );
}

function ErrorCell({ event }: { event: EventRecord }) {
  if (event.status === 'done') return <ResultCell event={event} />;
  const error = event.lastError;
  if (!error) return <span />;
  const text = `${error.kind}: ${error.message}`;
  return (
    <span className={event.needsAttention ? 'xs tone-error' : 'xs'} title={`${text}\n${formatExact(error.at)}`}>
      {event.needsAttention && <span className="row-badge">needs attention</span>}
      {text}
    </span>
  );
}

export interface EventRowProps {
  event: EventRecord;
  now: number;
  selected: boolean;
  top: number;
  /** §25: the account's name (its id when it has none), the id on hover. */
  accountName: string;
  onToggle: (id: string) => void;
  onOpen: (id: string) => void;
  onAction: (action: EventAction, event: EventRecord) => void;
}

/** One event in a queue section; the whole row opens the detail, its checkbox and buttons do not. */
export const EventRow = memo(function EventRow({
  event,
  now,
  selected,
  top,
  accountName,
  onToggle,
  onOpen,
  onAction,
}: EventRowProps) {
  return (
    <div
      className={`grid-row event-grid clickable${selected ? ' selected' : ''}`}
      data-event-id={event.id}
      data-status={event.status}
      role="row"
      tabIndex={0}
      aria-label={`${event.command} for ${accountName}, ${event.status}`}
      style={{
        height: ROW_HEIGHT,
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        transform: `translateY(${top}px)`,
      }}
      onClick={() => onOpen(event.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) onOpen(event.id);
      }}
    >
      <span role="cell" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          className="row-check"
          checked={selected}
          onChange={() => onToggle(event.id)}
          aria-label={`Select ${event.id}`}
        />
      </span>
      <span role="cell" className="mono" title={event.id}>
        {shortId(event.id)}
      </span>
      <span role="cell" title={event.accountId} data-testid="event-account">
        {accountName}
      </span>
      <span role="cell">{event.command}</span>
      <span role="cell" className="col-opt" title={event.strategy ?? undefined}>
        {event.strategy ?? '—'}
      </span>
      <span role="cell" className="num col-opt">
        {event.timesQueued}
      </span>
      <span role="cell" className="col-opt" title={formatExact(event.createdAt)}>
        {formatRelative(event.createdAt, now)}
      </span>
      <span role="cell">
        <StateCell event={event} now={now} />
      </span>
      <span role="cell">
        <ErrorCell event={event} />
      </span>
      <span role="cell">
        <RowActions event={event} onAction={onAction} />
      </span>
    </div>
  );
});
