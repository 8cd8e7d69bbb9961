import { memo } from 'react';
import type { EventRecord, EventStatus } from '../../../../shared/dto';
import { formatExact, formatRelative, shortId } from '../../lib/format';
import type { EventAction } from './action-rules';
import { errorCell, eventColumns, HEAD_HEIGHT, ROW_HEIGHT, stateCell, type CellText } from './event-cells';
import { RowActions } from './EventActions';

/**
 * Header and rows share the `.event-grid` columns (styles.css); in a narrow section (a 1024 px window) Strategy,
 * Queued and Age (`.col-opt`) fold away so the actions stay in view (§26).
 */
export function EventRowHeader({ status }: { status: EventStatus }) {
  return (
    <div className="grid-row grid-head event-grid" style={{ height: HEAD_HEIGHT }} role="row">
      {eventColumns(status).map((column, i) => (
        <span
          key={i}
          role="columnheader"
          className={column.className}
          aria-label={column.ariaLabel}
          title={column.title}
        >
          {column.label}
        </span>
      ))}
    </div>
  );
}

/** A cell's text as event-cells.ts says it. */
function Cell({ cell }: { cell: CellText | null }) {
  if (!cell) return <span />;
  return (
    <span className={cell.className} title={cell.title} data-testid={cell.testId}>
      {cell.badge && <span className="row-badge">{cell.badge}</span>}
      {cell.text}
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
        <Cell cell={stateCell(event, now)} />
      </span>
      <span role="cell">
        <Cell cell={errorCell(event)} />
      </span>
      <span role="cell">
        <RowActions event={event} onAction={onAction} />
      </span>
    </div>
  );
});
