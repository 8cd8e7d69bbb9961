import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { AccountView, EventDetail } from '../../../../shared/contract';
import type { Command, EventRecord } from '../../../../shared/dto';
import { isApiError } from '../../api/api-client';
import { useApi } from '../../api/ApiProvider';
import { notifyError } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';
import { queries } from '../../queries/use-queries';

export const COMMAND_TITLES: Record<Command, string> = {
  'print-rebalance': 'Preview',
  rebalance: 'Rebalance',
  'cancel-orders': 'Cancel orders',
  'print-positions': 'Positions',
  'print-equity': 'Equity',
  'print-orders': 'Orders',
  'raise-cash': 'Raise cash',
};

/** How a queued command is named in messages ("A rebalance for DU123456 is already queued"). */
export const COMMAND_NOUNS: Record<Command, string> = {
  'print-rebalance': 'preview',
  rebalance: 'rebalance',
  'cancel-orders': 'cancel-orders request',
  'print-positions': 'positions request',
  'print-equity': 'equity request',
  'print-orders': 'orders request',
  'raise-cash': 'raise-cash',
};

export interface TrackedCommand {
  command: Command;
  id: string;
  /** The event as last fetched (stream-invalidated), if any. */
  event: EventRecord | null;
  error: string | null;
  /**
   * Set on the preview a Rebalance now (or Catch up) queued (§26): its plan opens with **Submit**, which queues the
   * rebalance with this source. Nothing trades before Submit.
   */
  submitSource?: 'manual' | 'catch-up';
}

/**
 * Enqueues an account's commands (`runCommand`) and follows each event through the stream-invalidated `getEvent`
 * query until it is done; `finished` is the first one done, whose result the card shows in a modal.
 */
export function useAccountCommands(account: AccountView) {
  const api = useApi();
  const client = useQueryClient();
  const [tracked, setTracked] = useState<{ command: Command; id: string; submitSource?: 'manual' | 'catch-up' }[]>([]);
  const [starting, setStarting] = useState<Command | null>(null);

  const details = useQueries({
    queries: tracked.map((t) => queries.eventDetail(api, t.id)),
  });

  const items: TrackedCommand[] = tracked.map((t, i) => {
    const detail = details[i];
    const data = detail?.data as EventDetail | undefined;
    return { ...t, event: data?.event ?? null, error: detail?.error ? detail.error.message : null };
  });

  const follow = useCallback((command: Command, id: string, submitSource?: 'manual' | 'catch-up') => {
    setTracked((old) =>
      old.some((t) => t.id === id)
        ? old.map((t) => (t.id === id && submitSource ? { ...t, submitSource } : t))
        : [...old.filter((t) => t.command !== command), { command, id, ...(submitSource ? { submitSource } : {}) }],
    );
  }, []);

  const dismiss = useCallback((id: string) => setTracked((old) => old.filter((t) => t.id !== id)), []);

  const enqueue = useCallback(
    async (command: Command, source: 'manual' | 'catch-up' = 'manual', submitSource?: 'manual' | 'catch-up') => {
      setStarting(submitSource ? 'rebalance' : command);
      try {
        const event = await api.call('runCommand', { accountId: account.accountId, command, source });
        client.setQueryData(
          queryKeys.events.detail(event.id),
          (old: EventDetail | undefined) => old ?? { event, history: [], logs: [] },
        );
        follow(command, event.id, submitSource);
        // Read it again once followed: a quick command can be done before this answer is handled, and its change
        // through the stream then found nothing to refresh, leaving the card on "waiting in the queue" for good.
        void client.invalidateQueries({ queryKey: queryKeys.events.detail(event.id) });
        void client.invalidateQueries({ queryKey: queryKeys.events.lists() });
        void client.invalidateQueries({ queryKey: queryKeys.queueStatus() });
        if (source === 'catch-up') void client.invalidateQueries({ queryKey: queryKeys.accounts() });
      } catch (error) {
        if (isApiError(error, 'duplicate')) {
          const existing = error.body.existingId;
          notifications.show({
            color: 'yellow',
            title: 'Already queued',
            message: `A ${COMMAND_NOUNS[command]} for ${account.accountId} is already queued (id ${existing ?? 'unknown'}). It runs first; its result will show here when it is done.`,
            autoClose: 10_000,
          });
          if (existing) follow(command, existing, submitSource);
        } else {
          notifyError(`${COMMAND_TITLES[command]} for ${account.accountId} could not be queued`, error);
        }
      } finally {
        setStarting(null);
      }
    },
    [api, client, account.accountId, follow],
  );

  /**
   * Rebalance now / Catch up (§26): queues a preview only; its plan opens with Submit (`submit`), so one click never
   * trades unseen.
   */
  const preparePlan = useCallback(
    (source: 'manual' | 'catch-up' = 'manual') => void enqueue('print-rebalance', 'manual', source),
    [enqueue],
  );

  /** Live rebalances ask first (the red confirmation); everything else is queued at once. */
  const run = useCallback(
    (command: Command, source: 'manual' | 'catch-up' = 'manual') => {
      if (command === 'rebalance' && account.type === 'live') {
        modals.openConfirmModal({
          title: `Rebalance LIVE account ${account.accountId}?`,
          children: `Real orders will be placed in ${account.name || account.accountId} to bring it to the targets of ${account.strategy}. Preview first if you want to see the plan.`,
          labels: { confirm: 'Rebalance live account', cancel: 'Cancel' },
          confirmProps: { color: 'red' },
          onConfirm: () => void enqueue(command, source),
        });
        return;
      }
      void enqueue(command, source);
    },
    [account, enqueue],
  );

  const finished = items.find((item) => item.event?.status === 'done') ?? null;
  const running = items.filter((item) => item.event?.status !== 'done');
  /** Submit on a plan: the rebalance itself, through the live confirmation when the account is live. */
  const submit = useCallback(
    (item: TrackedCommand) => {
      dismiss(item.id);
      run('rebalance', item.submitSource ?? 'manual');
    },
    [dismiss, run],
  );

  return { run, preparePlan, submit, starting, running, finished, dismiss };
}
