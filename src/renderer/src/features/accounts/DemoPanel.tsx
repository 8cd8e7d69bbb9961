import { Button, Group, Paper, Select, Text, Title } from '@mantine/core';
import { Power, PowerOff, Send, Zap } from 'lucide-react';
import { useState } from 'react';
import type { SimulatorAction } from '../../../../shared/contract';
import { COMMANDS, type Command } from '../../../../shared/dto';
import { useApi } from '../../api/ApiProvider';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useHealth, useStrategies } from '../../queries/use-queries';

/** The gateway's daily troubles (§21) the simulated gateway can play. */
const TROUBLES: { value: SimulatorAction; label: string }[] = [
  { value: 'lose-connectivity', label: 'Lose IB connectivity (1100)' },
  { value: 'restore-connectivity', label: 'Restore IB connectivity (1102)' },
  { value: 'competing-session-on', label: 'Competing live session (10197)' },
  { value: 'competing-session-off', label: 'End competing session' },
  { value: 'log-out', label: 'Log out (no managed accounts)' },
  { value: 'log-in', label: 'Log in again' },
];

/**
 * Demo mode only: publish a simulated Zehnlabs signal, stop / start a simulated IB login, play its troubles. With
 * several logins (§28) an "IB login" choice says which; each has its own light in the status strip.
 */
export function DemoPanel({ accountStrategies }: { accountStrategies: string[] }) {
  const api = useApi();
  const strategies = useStrategies();
  const options = [
    ...new Set([...accountStrategies, ...(strategies.data?.strategies ?? []).map((s) => s.slug)]),
  ].sort();
  const [strategy, setStrategy] = useState<string | null>(null);
  const [command, setCommand] = useState<Command>('rebalance');
  const [busy, setBusy] = useState<string | null>(null);
  const [trouble, setTrouble] = useState<SimulatorAction>('lose-connectivity');
  const chosen = strategy ?? options[0] ?? null;
  const logins = (useHealth().data?.gateways ?? []).map((g) => ({ value: g.id, label: g.label }));
  const [login, setLogin] = useState('default');
  // named in the messages only when there is a choice
  const which = logins.length > 1 ? ` (${logins.find((l) => l.value === login)?.label ?? login})` : '';

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

  const gateway = async (action: SimulatorAction) => {
    setBusy(action);
    try {
      const result = await api.call('simulatorControl', { action, gateway: login });
      const played = TROUBLES.find((t) => t.value === action);
      if (played)
        notifySuccess(`Simulated gateway${which}: ${played.label}`, 'Watch its IB light in the status strip.');
      else notifySuccess(`Simulated gateway${which} ${result.running ? 'running' : 'stopped'}`);
    } catch (error) {
      notifyError(`Could not ${action} the simulated gateway${which}`, error);
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
        <Group gap="xs" align="flex-end">
          {logins.length > 1 && (
            <Select
              label="IB login"
              size="xs"
              w={140}
              data={logins}
              value={login}
              onChange={(value) => value && setLogin(value)}
              allowDeselect={false}
            />
          )}
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
        <Group gap="xs" align="flex-end">
          <Select
            label="Gateway trouble"
            size="xs"
            w={240}
            data={TROUBLES}
            value={trouble}
            onChange={(value) => value && setTrouble(value as SimulatorAction)}
            allowDeselect={false}
          />
          <Button
            size="xs"
            variant="default"
            leftSection={<Zap size={14} />}
            loading={busy === trouble}
            onClick={() => void gateway(trouble)}
          >
            Play
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
