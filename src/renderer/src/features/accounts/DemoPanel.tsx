import { Button, Group, Paper, Select, Text, Title } from '@mantine/core';
import { Power, PowerOff, Send } from 'lucide-react';
import { useState } from 'react';
import { COMMANDS, type Command } from '../../../../shared/dto';
import { useApi } from '../../api/ApiProvider';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useStrategies } from '../../queries/use-queries';

/** Demo mode only: publish a simulated Zehnlabs signal, and stop / start the simulated gateway. */
export function DemoPanel({ accountStrategies }: { accountStrategies: string[] }) {
  const api = useApi();
  const strategies = useStrategies();
  const options = [
    ...new Set([...accountStrategies, ...(strategies.data?.strategies ?? []).map((s) => s.slug)]),
  ].sort();
  const [strategy, setStrategy] = useState<string | null>(null);
  const [command, setCommand] = useState<Command>('rebalance');
  const [busy, setBusy] = useState<string | null>(null);
  const chosen = strategy ?? options[0] ?? null;

  const publish = async () => {
    if (!chosen) return;
    setBusy('publish');
    try {
      const result = await api.call('publishSignal', { strategy: chosen, exec: command });
      notifySuccess(
        `Signal published on ${result.published}`,
        `Event id ${result.eventId}; it fans out to every account on ${chosen}.`,
      );
    } catch (error) {
      notifyError('Could not publish the signal', error);
    } finally {
      setBusy(null);
    }
  };

  const gateway = async (action: 'stop' | 'start') => {
    setBusy(action);
    try {
      const result = await api.call('simulatorControl', { action });
      notifySuccess(result.running ? 'Simulated gateway running' : 'Simulated gateway stopped');
    } catch (error) {
      notifyError(`Could not ${action} the simulated gateway`, error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Paper withBorder p="sm" radius="sm" aria-label="Simulator">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="md">
        <div>
          <Title order={2} size="h6">
            Simulator
          </Title>
          <Text size="xs" c="dimmed">
            Demo mode: signals and the IB Gateway are simulated.
          </Text>
        </div>
        <Group gap="xs" align="flex-end">
          <Select
            label="Strategy"
            size="xs"
            w={220}
            data={options}
            value={chosen}
            onChange={setStrategy}
            searchable
            nothingFoundMessage="No strategy"
            placeholder="No strategy configured"
          />
          <Select
            label="Command"
            size="xs"
            w={160}
            data={[...COMMANDS]}
            value={command}
            onChange={(value) => value && setCommand(value as Command)}
            allowDeselect={false}
          />
          <Button
            size="xs"
            leftSection={<Send size={14} />}
            loading={busy === 'publish'}
            disabled={!chosen}
            onClick={() => void publish()}
          >
            Publish signal
          </Button>
        </Group>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<PowerOff size={14} />}
            loading={busy === 'stop'}
            onClick={() => void gateway('stop')}
          >
            Stop gateway
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<Power size={14} />}
            loading={busy === 'start'}
            onClick={() => void gateway('start')}
          >
            Start gateway
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
