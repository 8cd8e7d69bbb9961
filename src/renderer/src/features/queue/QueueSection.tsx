import { Badge, Group, Paper, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import type { EventRecord, EventStatus } from '../../../../shared/dto';
import { EmptyState } from '../../components/EmptyState';
import { useNow } from '../../lib/use-now';
import { useVirtualRows } from '../../lib/use-virtual-rows';
import { useAccountName } from '../../queries/use-account-names';
import type { EventAction } from './event-actions';
import { AwaitingList } from './AwaitingList';
import { EventRow, EventRowHeader } from './EventRow';
import { ROW_HEIGHT } from './event-cells';
import { EMPTY_TEXT, MAX_LIST_HEIGHT, moreText, SECTION_TITLES } from './section-texts';
import { STATUS_COLORS } from './status-colors';

export interface QueueSectionProps {
  status: EventStatus;
  events: EventRecord[];
  total: number;
  loading: boolean;
  error: string | null;
  searching: boolean;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (status: EventStatus, ids: string[], on: boolean) => void;
  onOpen: (id: string) => void;
  onAction: (action: EventAction, event: EventRecord) => void;
  /** Called when the rows in view reach the end of what is loaded while more exist. */
  onNeedMore?: (status: EventStatus) => void;
}

/** One state of the queue: a heading with its count and a virtualized list (10 000 rows stay smooth). */
export function QueueSection(props: QueueSectionProps) {
  const { status, events, total, loading, error, searching, selected } = props;
  const title = SECTION_TITLES[status];
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  const nameOf = useAccountName({ afterFirstRows: true });
  const virtualizer = useVirtualRows({
    count: events.length,
    scrollRef,
    rowHeight: ROW_HEIGHT,
    viewportHeight: MAX_LIST_HEIGHT,
    getItemKey: (index) => events[index]?.id ?? index,
    // fixed-height rows scroll smoothly with a few spare; each spare row is work for the first render
    overscan: 4,
  });
  const height = Math.min(MAX_LIST_HEIGHT, events.length * ROW_HEIGHT);
  const lastVisible = virtualizer.getVirtualItems().at(-1)?.index ?? 0;
  const needMore = total > events.length && lastVisible >= events.length - 20;
  const { onNeedMore } = props;
  useEffect(() => {
    if (needMore) onNeedMore?.(status);
  }, [needMore, onNeedMore, status]);
  const selectedHere = events.filter((event) => selected.has(event.id)).length;
  const headingId = `queue-section-${status}`;

  return (
    <Paper
      withBorder
      radius="sm"
      component="section"
      className="queue-section"
      aria-labelledby={headingId}
      data-section={status}
    >
      <Group justify="space-between" px="xs" py={6}>
        <Title order={2} size="h5" id={headingId}>
          {title}{' '}
          <Badge component="span" color={STATUS_COLORS[status]} variant="light" size="sm" className="num">
            {total}
          </Badge>
        </Title>
        {events.length > 0 && (
          <Text
            component="button"
            type="button"
            size="xs"
            c="dimmed"
            style={{ background: 'none', border: 0, cursor: 'pointer' }}
            onClick={() =>
              props.onToggleAll(
                status,
                events.map((e) => e.id),
                selectedHere < events.length,
              )
            }
          >
            {selectedHere < events.length ? `Select all ${events.length}` : 'Clear selection'}
          </Text>
        )}
      </Group>
      {error ? (
        <EmptyState>
          Could not load {title.toLowerCase()} events: {error}
        </EmptyState>
      ) : events.length === 0 ? (
        <EmptyState>
          {loading ? 'Loading…' : searching ? `No ${title.toLowerCase()} events match the search.` : EMPTY_TEXT[status]}
        </EmptyState>
      ) : status === 'awaiting' ? (
        <AwaitingList
          events={events}
          now={now}
          selected={selected}
          onToggle={props.onToggle}
          onOpen={props.onOpen}
          onAction={props.onAction}
        />
      ) : (
        <div role="table" aria-labelledby={headingId}>
          <EventRowHeader status={status} />
          <div ref={scrollRef} style={{ height, overflowY: 'auto', position: 'relative' }} role="rowgroup">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const event = events[item.index];
                if (!event) return null;
                return (
                  <EventRow
                    key={event.id}
                    event={event}
                    now={now}
                    top={item.start}
                    accountName={nameOf(event.accountId)}
                    selected={selected.has(event.id)}
                    onToggle={props.onToggle}
                    onOpen={props.onOpen}
                    onAction={props.onAction}
                  />
                );
              })}
            </div>
          </div>
          {total > events.length && (
            <Text size="xs" c="dimmed" px="xs" py={4}>
              {moreText(events.length, total)}
            </Text>
          )}
        </div>
      )}
    </Paper>
  );
}
