import { Button, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { Scale } from 'lucide-react';
import { useState } from 'react';
import type { AccountCommandOutcome, AccountView, EventDetail } from '../../../../shared/contract';
import type { EventRecord } from '../../../../shared/dto';
import { useApi } from '../../api/ApiProvider';
import { planOf } from '../../components/CommandResultView';
import { formatMoney } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';
import { queries } from '../../queries/use-queries';
import { planOrders } from './PlanSubmit';
import { accountLabel } from '../../../../shared/account-label';

/** What the preview of one account says so far: still planning, its orders, or why there is no plan. */
function planLine(event: EventRecord | null | undefined): { ready: boolean; text: string } {
  if (!event || event.status === 'pending' || event.status === 'active') return { ready: false, text: 'planning…' };
  const plan = event.status === 'done' ? planOf(event.result) : null;
  if (plan) {
    const { count, value } = planOrders(plan);
    return {
      ready: true,
      text: count === 0 ? 'already at target' : `${count} order${count === 1 ? '' : 's'}, ${formatMoney(value)}`,
    };
  }
  const why = event.lastError ? `${event.lastError.kind}: ${event.lastError.message}` : event.status;
  return { ready: true, text: `no plan (${why})` };
}

/**
 * Accounts › Rebalance all (§23, §26): first a preview of every account it will touch (the enabled accounts of the
 * trading mode), listed with each one's order count and value; only the confirmation queues the rebalances
 * (`runCommandAll`), and the answer says per account what was queued and what was already waiting. In live mode the
 * confirmation is the live-trading one: red, saying real orders will be placed.
 */
export function RebalanceAllButton({
  accounts,
  tradingMode,
}: {
  accounts: AccountView[];
  tradingMode: 'paper' | 'live';
}) {
  const api = useApi();
  const client = useQueryClient();
  const [planning, setPlanning] = useState(false);
  const [running, setRunning] = useState(false);
  const [previews, setPreviews] = useState<Record<string, string> | null>(null);
  const targets = accounts.filter((a) => a.active);
  const live = tradingMode === 'live' || targets.some((a) => a.type === 'live');
  const count = `${targets.length} ${live ? 'live ' : ''}account${targets.length === 1 ? '' : 's'}`;

  const ids = previews ? targets.map((a) => previews[a.accountId] ?? '') : [];
  const details = useQueries({
    queries: ids.filter(Boolean).map((id) => queries.eventDetail(api, id)),
  });
  const eventOf = (accountId: string): EventRecord | null | undefined => {
    const id = previews?.[accountId];
    if (!id) return undefined;
    return (details[ids.filter(Boolean).indexOf(id)]?.data as EventDetail | undefined)?.event;
  };
  const lines = targets.map((a) => ({
    account: a,
    ...(previews && !previews[a.accountId]
      ? { ready: true, text: 'not planned: the core did not queue it' }
      : planLine(eventOf(a.accountId))),
  }));
  const allReady = previews !== null && lines.every((l) => l.ready);

  async function plan() {
    setPlanning(true);
    try {
      const { results } = await api.call('runCommandAll', { command: 'print-rebalance' });
      setPreviews(Object.fromEntries(results.map((r) => [r.accountId, idOf(r)])));
      void client.invalidateQueries({ queryKey: queryKeys.events.lists() });
    } catch (error) {
      notifyError('Rebalance all could not plan the accounts', error);
    } finally {
      setPlanning(false);
    }
  }

  async function rebalanceAll() {
    setPreviews(null);
    setRunning(true);
    try {
      const { results } = await api.call('runCommandAll', { command: 'rebalance' });
      const queued = results.filter((r) => r.status === 'queued');
      const waiting = results.flatMap((r) => (r.status === 'duplicate' ? [r] : []));
      notifications.show({
        color: waiting.length > 0 ? 'yellow' : 'green',
        title: `Rebalance all: ${queued.length} of ${results.length} queued`,
        message:
          waiting.length === 0
            ? `Queued for ${queued.map(named).join(', ')}.`
            : `Already queued, not added again: ${waiting.map((r) => `${named(r)} (id ${r.existingId})`).join(', ')}.`,
        autoClose: 10_000,
      });
      void client.invalidateQueries({ queryKey: queryKeys.events.lists() });
      void client.invalidateQueries({ queryKey: queryKeys.queueStatus() });
    } catch (error) {
      notifyError('Rebalance all could not be queued', error);
    } finally {
      setRunning(false);
    }
  }

  return (
    <>
      <Button
        size="xs"
        variant="light"
        color={live ? 'red' : undefined}
        leftSection={<Scale size={14} />}
        loading={running || planning}
        disabled={targets.length === 0}
        title={
          targets.length === 0
            ? `No enabled ${tradingMode} account to rebalance`
            : `Plan every enabled ${tradingMode} account, then queue their rebalances`
        }
        onClick={() => void plan()}
      >
        Rebalance all
      </Button>
      <Modal
        opened={previews !== null}
        onClose={() => setPreviews(null)}
        size="lg"
        title={
          live ? `Rebalance ${targets.length} LIVE account${targets.length === 1 ? '' : 's'}?` : `Rebalance ${count}?`
        }
      >
        <Stack gap="xs">
          <Text size="sm">
            {live
              ? 'Real orders will be placed in each of these accounts to bring it to its strategy’s targets:'
              : 'A rebalance is queued for each of these paper accounts, sending the orders of its plan:'}
          </Text>
          <List size="sm" aria-label="Accounts to rebalance">
            {lines.map(({ account: a, text, ready }) => (
              <List.Item key={a.accountId} icon={ready ? undefined : <Loader size={10} />}>
                {a.name || a.accountId} <span className="mono">({a.accountId})</span> — {a.strategy}:{' '}
                <span className="num" data-testid={`plan-${a.accountId}`}>
                  {text}
                </span>
              </List.Item>
            ))}
          </List>
          {!allReady && (
            <Text size="xs" c="dimmed">
              Planning each account from live data; the rebalances can be queued once every plan is in.
            </Text>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setPreviews(null)}>
              Cancel
            </Button>
            <Button color={live ? 'red' : undefined} disabled={!allReady} onClick={() => void rebalanceAll()}>
              Rebalance {count}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function idOf(outcome: AccountCommandOutcome): string {
  return outcome.status === 'queued' ? outcome.event.id : outcome.existingId;
}

/** §25 an account by its name, the id beside it (the id alone when it has no name). */
function named(r: { accountId: string; name?: string | null }): string {
  return accountLabel(r);
}
