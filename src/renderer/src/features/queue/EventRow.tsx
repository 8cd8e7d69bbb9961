import { Badge, Checkbox, Text } from '@mantine/core';
import { memo } from 'react';
import type { EventRecord } from '../../../../shared/dto';
import { formatCountdown, formatExact, formatRelative, shortId } from '../../lib/format';
import { EventActions } from './EventActions';
import type { EventAction } from './event-actions';

export const ROW_HEIGHT = 38;

/** Column layout shared by the header row and every event row. */
export const GRID_COLUMNS = '28px 84px 92px 112px minmax(90px, 1fr) 52px 76px 96px minmax(150px, 2fr) 176px';

export function EventRowHeader() {
  return (
    <div className="grid-row grid-head" style={{ gridTemplateColumns: GRID_COLUMNS, height: 28 }} role="presentation">
      <span />
      <span>Id</span>
      <span>Account</span>
      <span>Command</span>
      <span>Strategy</span>
      <span className="num" title="Times queued">
        Queued
      </span>
      <span>Age</span>
      <span>State</span>
      <span>Last error</span>
      <span />
    </div>
  );
}

function StateCell({ event, now }: { event: EventRecord; now: number }) {
  if (event.status === 'delayed') {
    return (
      <Text span size="xs" c="yellow.8" title={formatExact(event.nextAttemptAt)} className="num" ta="left">
        retry in {formatCountdown(event.nextAttemptAt, now)}
      </Text>
    );
  }
  if (event.status === 'held') {
    return (
      <Text span size="xs" c="dimmed" title={event.heldReason ?? 'held by the operator'}>
        {event.heldReason ?? 'held'}
      </Text>
    );
  }
  if (event.status === 'active') {
    return (
      <Text span size="xs" c="blue">
        processing
      </Text>
    );
  }
  if (event.status === 'done') {
    return (
      <Text span size="xs" c="green.8" title={formatExact(event.updatedAt)}>
        done {formatRelative(event.updatedAt, now)}
      </Text>
    );
  }
  return (
    <Text span size="xs" c="dimmed">
      waiting
    </Text>
  );
}

function ErrorCell({ event }: { event: EventRecord }) {
  const error = event.lastError;
  if (!error) return <span />;
  const text = `${error.kind}: ${error.message}`;
  return (
    <Text span size="xs" c={event.needsAttention ? 'red' : undefined} title={`${text}\n${formatExact(error.at)}`}>
      {event.needsAttention && (
        <Badge color="red" size="xs" variant="filled" mr={6}>
          needs attention
        </Badge>
      )}
      {text}
    </Text>
  );
}

export interface EventRowProps {
  event: EventRecord;
  now: number;
  selected: boolean;
  top: number;
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
  onToggle,
  onOpen,
  onAction,
}: EventRowProps) {
  return (
    <div
      className={`grid-row clickable${selected ? ' selected' : ''}`}
      data-event-id={event.id}
      data-status={event.status}
      role="row"
      tabIndex={0}
      aria-label={`${event.command} for ${event.accountId}, ${event.status}`}
      style={{
        gridTemplateColumns: GRID_COLUMNS,
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
      <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
        <Checkbox size="xs" checked={selected} onChange={() => onToggle(event.id)} aria-label={`Select ${event.id}`} />
      </span>
      <span className="mono" title={event.id}>
        {shortId(event.id)}
      </span>
      <span>{event.accountId}</span>
      <span>{event.command}</span>
      <span title={event.strategy ?? undefined}>{event.strategy ?? '—'}</span>
      <span className="num">{event.timesQueued}</span>
      <span title={formatExact(event.createdAt)}>{formatRelative(event.createdAt, now)}</span>
      <StateCell event={event} now={now} />
      <ErrorCell event={event} />
      <EventActions event={event} onAction={onAction} />
    </div>
  );
});
