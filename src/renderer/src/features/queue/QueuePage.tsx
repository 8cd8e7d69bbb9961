import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { Pause, Search } from 'lucide-react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EVENT_STATUSES, type EventRecord, type EventStatus } from '../../../../shared/dto';
import { useApi } from '../../api/ApiProvider';
import { useMarkFirstRowsShown } from '../../lib/first-rows';
import { notifyError } from '../../lib/notify';
import { useSlashFocus } from '../../lib/use-slash-focus';
import { queryKeys } from '../../queries/query-keys';
import { EVENT_LIST_MAX, EVENT_PAGE_SIZE, queries, useQueueStatus } from '../../queries/use-queries';
import { ACTION_LABELS, canApply, useEventActions, type EventAction } from './event-actions';
import { QueueSection } from './QueueSection';
import { withPageStyles } from '../../styles';

/** Loaded and mounted when an event is first opened: the page's first render does without it (§16). */
const EventDrawer = lazy(() => withPageStyles(import('./EventDrawer')).then((m) => ({ default: m.EventDrawer })));

const BULK_ACTIONS: EventAction[] = ['approve', 'retry', 'hold', 'release', 'delete'];

/**
 * Pauses processing. While paused it is not shown: the "Processing is paused" banner across the top of this page (and
 * of every other) says so and holds the one Resume button, so the page does not offer the same thing twice (§26).
 */
function PauseButton() {
  const api = useApi();
  const client = useQueryClient();
  const status = useQueueStatus();
  const [busy, setBusy] = useState(false);
  if (status.data?.paused === true) return null;
  const pause = async () => {
    setBusy(true);
    try {
      client.setQueryData(queryKeys.queueStatus(), await api.call('pause'));
    } catch (error) {
      notifyError('Could not pause processing', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="xs"
      variant="default"
      leftSection={<Pause size={14} />}
      loading={busy}
      disabled={status.isPending}
      onClick={() => void pause()}
    >
      Pause processing
    </Button>
  );
}

/** The queue: Pending, Awaiting approval, Active, Delayed, Held and Done, with search, row and bulk actions and an event's detail. */
export function QueuePage() {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  // stays mounted once opened, so closing it animates
  const [drawerUsed, setDrawerUsed] = useState(false);
  if (openId !== null && !drawerUsed) setDrawerUsed(true);
  const [bulkBusy, setBulkBusy] = useState<EventAction | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  useSlashFocus(searchRef);
  /** Escape (or the close button) puts the focus back on the event's row, so the trader keeps the place (§26). */
  const closeDrawer = useCallback(() => {
    setOpenId((id) => {
      if (id !== null) {
        window.setTimeout(() => {
          document.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(id)}"]`)?.focus();
        }, 0);
      }
      return null;
    });
  }, []);
  const act = useEventActions();
  const [limits, setLimits] = useState<Partial<Record<EventStatus, number>>>({});
  const limitOf = (state: EventStatus) => limits[state] ?? EVENT_PAGE_SIZE;
  const loadMore = useCallback((state: EventStatus) => {
    setLimits((old) => ({
      ...old,
      [state]: Math.min(EVENT_LIST_MAX, (old[state] ?? EVENT_PAGE_SIZE) + EVENT_PAGE_SIZE * 5),
    }));
  }, []);

  const lists = useQueries({
    queries: EVENT_STATUSES.map((state) => ({
      ...queries.eventList(api, state, q, limitOf(state)),
      placeholderData: (previous: { events: EventRecord[]; total: number } | undefined) => previous,
    })),
  });

  // The names and badges that decorate the rows are read once the rows are in (§16, FirstRowsGate).
  const markFirstRowsShown = useMarkFirstRowsShown();
  const listsAnswered = lists.every((list) => !list.isPending);
  useEffect(() => {
    if (listsAnswered) markFirstRowsShown();
  }, [listsAnswered, markFirstRowsShown]);

  const byId = useMemo(() => {
    const map = new Map<string, EventRecord>();
    for (const list of lists) for (const event of list.data?.events ?? []) map.set(event.id, event);
    return map;
  }, [lists]);

  const selectedEvents = useMemo(
    () => [...selected].flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
    [selected, byId],
  );

  const toggle = useCallback((id: string) => {
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const toggleAll = useCallback((_status: EventStatus, ids: string[], on: boolean) => {
    setSelected((old) => {
      const next = new Set(old);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);

  const onAction = useCallback(
    (action: EventAction, event: EventRecord) => {
      void act(action, [event]).then((ok) => {
        if (ok && action === 'delete') setOpenId((current) => (current === event.id ? null : current));
      });
    },
    [act],
  );

  const runBulk = async (action: EventAction) => {
    const targets = selectedEvents.filter((event) => canApply(action, event));
    setBulkBusy(action);
    try {
      const ok = await act(action, targets);
      if (ok) {
        setSelected((old) => {
          const next = new Set(old);
          for (const event of targets) next.delete(event.id);
          return next;
        });
      }
    } finally {
      setBulkBusy(null);
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <TextInput
          ref={searchRef}
          placeholder="Search account, command, id or text (press /)"
          aria-label="Search events"
          leftSection={<Search size={14} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={360}
          size="xs"
        />
        <PauseButton />
      </Group>
      <Group gap="xs" aria-label="Bulk actions" role="toolbar" mih={30}>
        <Text size="xs" c="dimmed">
          {selectedEvents.length === 0
            ? 'Select rows to act on several events at once.'
            : `${selectedEvents.length} selected:`}
        </Text>
        {selectedEvents.length > 0 &&
          BULK_ACTIONS.map((action) => {
            const count = selectedEvents.filter((event) => canApply(action, event)).length;
            if (count === 0) return null;
            return (
              <Button
                key={action}
                size="compact-sm"
                variant={action === 'approve' ? 'filled' : 'default'}
                c={action === 'delete' ? 'red' : undefined}
                loading={bulkBusy === action}
                onClick={() => void runBulk(action)}
              >
                {ACTION_LABELS[action]} {count} selected
              </Button>
            );
          })}
        {selectedEvents.length > 0 && (
          <Button size="compact-sm" variant="subtle" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        )}
      </Group>
      {EVENT_STATUSES.map((status, i) => {
        const list = lists[i]!;
        return (
          <QueueSection
            key={status}
            status={status}
            events={list.data?.events ?? []}
            total={list.data?.total ?? 0}
            loading={list.isPending}
            error={list.error ? list.error.message : null}
            searching={q !== ''}
            selected={selected}
            onToggle={toggle}
            onToggleAll={toggleAll}
            onOpen={setOpenId}
            onAction={onAction}
            onNeedMore={loadMore}
          />
        );
      })}
      {drawerUsed && (
        <Suspense fallback={null}>
          <EventDrawer id={openId} onClose={closeDrawer} onAction={onAction} />
        </Suspense>
      )}
    </Stack>
  );
}
