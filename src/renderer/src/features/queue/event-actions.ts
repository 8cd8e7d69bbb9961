import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { createElement, useCallback } from 'react';
import type { EventRecord } from '../../../../shared/dto';
import { errorBodyOf } from '../../api/api-client';
import { useApi } from '../../api/ApiProvider';
import { shortId } from '../../lib/format';
import { adviceFor, notifyError } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';
import { useAccountName } from '../../queries/use-account-names';
import { ACTION_LABELS, canApply, type EventAction } from './action-rules';
import { DeleteList } from './DeleteList';

export { ACTION_LABELS, ACTION_STATES, canApply, type EventAction } from './action-rules';

const DONE_WORDS: Record<EventAction, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  retry: 'Queued again',
  hold: 'Held',
  release: 'Released',
  delete: 'Deleted',
};

function describe(event: EventRecord): string {
  return `${event.command} for ${event.accountId} (${shortId(event.id)})`;
}

/**
 * Retry / Hold / Release / Delete on one or more events. Each call passes the state the trader saw
 * (`expectedStatus`), so an event that changed meanwhile fails with a clean conflict instead of being acted on.
 * Delete asks for confirmation first. Returns a function that resolves once the action finished (or was cancelled).
 */
export function useEventActions(): (action: EventAction, events: EventRecord[]) => Promise<boolean> {
  const api = useApi();
  const client = useQueryClient();
  const nameOf = useAccountName({ afterFirstRows: true });

  const perform = useCallback(
    async (action: EventAction, events: EventRecord[]): Promise<boolean> => {
      const results = await Promise.allSettled(
        events.map((event) => api.call(action, { id: event.id, expectedStatus: event.status })),
      );
      void client.invalidateQueries({ queryKey: queryKeys.events.all() });
      void client.invalidateQueries({ queryKey: queryKeys.queueStatus() });
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [{ event: events[i]!, error: r.reason }] : [],
      );
      const succeeded = events.length - failures.length;
      if (events.length === 1) {
        const event = events[0]!;
        if (failures.length === 0) {
          notifications.show({
            color: 'green',
            title: `${DONE_WORDS[action]}: ${describe(event)}`,
            message: '',
            autoClose: 3_000,
          });
        } else {
          notifyError(`${ACTION_LABELS[action]} failed for ${describe(event)}`, failures[0]!.error);
        }
      } else if (failures.length === 0) {
        notifications.show({
          color: 'green',
          title: `${DONE_WORDS[action]}: ${succeeded} events`,
          message: '',
          autoClose: 3_000,
        });
      } else {
        const first = errorBodyOf(failures[0]!.error);
        notifications.show({
          color: 'red',
          title: `${ACTION_LABELS[action]}: ${succeeded} of ${events.length} done, ${failures.length} failed`,
          message: `${describe(failures[0]!.event)}: ${first.message.replace(/[.\s]+$/, '')}. ${adviceFor(first)}`,
          autoClose: 10_000,
        });
      }
      return failures.length === 0;
    },
    [api, client],
  );

  const confirmReject = useCallback(
    (events: EventRecord[]) =>
      new Promise<boolean>((resolve) => {
        const one = events.length === 1 ? events[0] : undefined;
        modals.openConfirmModal({
          title: one ? 'Reject this plan?' : `Reject ${events.length} plans?`,
          children: one
            ? `The rebalance of ${one.accountId} is finished without trading; the next signal plans again.`
            : `${events.length} rebalances are finished without trading; the next signal plans again.`,
          labels: { confirm: one ? 'Reject plan' : `Reject ${events.length} plans`, cancel: 'Cancel' },
          confirmProps: { color: 'red' },
          onConfirm: () => void perform('reject', events).then(resolve),
          onCancel: () => resolve(false),
        });
      }),
    [perform],
  );

  return useCallback(
    (action: EventAction, events: EventRecord[]) => {
      const applicable = events.filter((event) => canApply(action, event));
      if (applicable.length === 0) return Promise.resolve(false);
      if (action === 'reject') return confirmReject(applicable);
      if (action !== 'delete') return perform(action, applicable);
      return new Promise<boolean>((resolve) => {
        const one = applicable.length === 1 ? applicable[0] : undefined;
        modals.openConfirmModal({
          title: one ? 'Delete this event?' : `Delete ${applicable.length} events?`,
          children: one
            ? `The ${describe(one)} (${one.status}) is removed from the queue and its history; this cannot be undone.`
            : createElement(DeleteList, { events: applicable, nameOf }),
          labels: { confirm: one ? 'Delete event' : `Delete ${applicable.length} events`, cancel: 'Cancel' },
          confirmProps: { color: 'red' },
          size: one ? 'md' : 'lg',
          onConfirm: () => void perform('delete', applicable).then(resolve),
          onCancel: () => resolve(false),
        });
      });
    },
    [perform, confirmReject, nameOf],
  );
}
