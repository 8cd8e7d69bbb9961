import { Button, List, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Scale } from 'lucide-react';
import { useState } from 'react';
import type { AccountView } from '../../../../shared/contract';
import { useApi } from '../../api/ApiProvider';
import { notifyError } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';

/**
 * Accounts › Rebalance all (§23): one confirmation naming every account it will touch (the enabled accounts of the
 * trading mode), then `runCommandAll`; the answer says per account what was queued and what was already waiting.
 * In live mode the confirmation is the live-trading one: red, saying real orders will be placed.
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
  const [running, setRunning] = useState(false);
  const targets = accounts.filter((a) => a.active);
  const live = tradingMode === 'live' || targets.some((a) => a.type === 'live');
  const count = `${targets.length} ${live ? 'live ' : ''}account${targets.length === 1 ? '' : 's'}`;

  async function rebalanceAll() {
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
            ? `Queued for ${queued.map((r) => r.accountId).join(', ')}.`
            : `Already queued, not added again: ${waiting.map((r) => `${r.accountId} (id ${r.existingId})`).join(', ')}.`,
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

  function confirm() {
    modals.openConfirmModal({
      title: live
        ? `Rebalance ${targets.length} LIVE account${targets.length === 1 ? '' : 's'}?`
        : `Rebalance ${count}?`,
      children: (
        <Stack gap="xs">
          <Text size="sm">
            {live
              ? 'Real orders will be placed in each of these accounts to bring it to its strategy’s targets:'
              : 'A rebalance is queued for each of these paper accounts:'}
          </Text>
          <List size="sm" aria-label="Accounts to rebalance">
            {targets.map((a) => (
              <List.Item key={a.accountId}>
                {a.name || a.accountId} <span className="mono">({a.accountId})</span> — {a.strategy}
              </List.Item>
            ))}
          </List>
        </Stack>
      ),
      labels: { confirm: `Rebalance ${count}`, cancel: 'Cancel' },
      confirmProps: { color: live ? 'red' : undefined },
      onConfirm: () => void rebalanceAll(),
    });
  }

  return (
    <Button
      size="xs"
      variant="light"
      color={live ? 'red' : undefined}
      leftSection={<Scale size={14} />}
      loading={running}
      disabled={targets.length === 0}
      title={
        targets.length === 0
          ? `No enabled ${tradingMode} account to rebalance`
          : `Queue a rebalance for every enabled ${tradingMode} account`
      }
      onClick={confirm}
    >
      Rebalance all
    </Button>
  );
}
