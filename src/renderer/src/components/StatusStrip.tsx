import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import type { ComponentHealth, Health, Light } from '../../../shared/dto';
import type { ConnectionState } from '../api/api-client';
import { useApi } from '../api/ApiProvider';
import { useHealth, useQueueStatus } from '../queries/use-queries';

export const LIGHT_COLORS: Record<Light, string> = { green: 'green', amber: 'yellow', red: 'red' };

const COMPONENTS = [
  ['redis', 'Redis'],
  ['ib', 'IB Gateway'],
  ['feed', 'Zehnlabs feed'],
  ['processor', 'Processor'],
] as const satisfies readonly (readonly [keyof Health, string])[];

function StatusLight({ label, health }: { label: string; health: ComponentHealth }) {
  return (
    <Tooltip label={`${label}: ${health.detail}`} multiline maw={360} openDelay={300}>
      <Group
        gap={6}
        wrap="nowrap"
        miw={0}
        style={{ flex: '1 1 0' }}
        data-testid={`status-${label}`}
        data-state={health.state}
        aria-label={`${label}: ${health.state}, ${health.detail}`}
        tabIndex={0}
      >
        <Badge
          color={LIGHT_COLORS[health.state]}
          variant="dot"
          size="sm"
          style={{ flexShrink: 0, overflow: 'visible' }}
          styles={{ label: { overflow: 'visible' } }}
        >
          {label}
        </Badge>
        <Text size="xs" c="dimmed" lineClamp={2} lh={1.25} miw={0} style={{ wordBreak: 'break-word' }}>
          {health.detail}
        </Text>
      </Group>
    </Tooltip>
  );
}

/** PAPER is calm; LIVE is strong red and always visible. */
export function ModeBadge({ mode }: { mode: 'paper' | 'live' }) {
  return mode === 'live' ? (
    <Badge color="red" variant="filled" size="lg" data-testid="mode-badge" data-mode="live">
      LIVE
    </Badge>
  ) : (
    <Badge color="gray" variant="light" size="lg" data-testid="mode-badge" data-mode="paper">
      PAPER
    </Badge>
  );
}

const UNKNOWN: ComponentHealth = { state: 'red', detail: 'no answer from the Rebalance Desk service' };

/**
 * §22: "REMOTE host" while the window is attached to a remote core; red, with why, when that core does not answer
 * (the window stays open and Settings can change or clear `remote`).
 */
function RemoteBadge({ remote, problem }: { remote: { url: string; host: string }; problem: string | null }) {
  return (
    <Group gap={6} wrap="nowrap" miw={0} style={{ flexShrink: problem ? 1 : 0 }}>
      <Tooltip
        label={problem ? `${remote.url}: ${problem}` : `attached to the core at ${remote.url}`}
        multiline
        maw={420}
      >
        <Badge
          color={problem ? 'red' : 'blue'}
          variant={problem ? 'filled' : 'light'}
          size="lg"
          data-testid="remote-badge"
          data-state={problem ? 'red' : 'green'}
          style={{ flexShrink: 0 }}
        >
          REMOTE {remote.host}
        </Badge>
      </Tooltip>
      {problem && (
        <Text size="xs" c="red" truncate="end" miw={0} data-testid="remote-problem">
          {problem}
        </Text>
      )}
    </Group>
  );
}

/**
 * Redis, IB Gateway (one light per gateway with several logins, §28), Zehnlabs feed and Processor lights with their
 * reasons, and the trading mode. Two rows: the
 * badges beside `leading` (the window's title), then the four lights across the whole width, each reason wrapping
 * to two lines and whole on hover — readable from a 1024 px window (§26).
 */
export function StatusStrip({ connection, leading }: { connection: ConnectionState; leading?: React.ReactNode }) {
  const { remote } = useApi();
  const { data: health, isPending, error } = useHealth();
  const remoteProblem = remote && error ? error.message : null;
  const awaiting = useQueueStatus().data?.counts.awaiting ?? 0;
  const waiting: ComponentHealth = { state: 'amber', detail: 'checking…' };
  const fallback = isPending ? waiting : remoteProblem ? { state: 'red' as const, detail: remoteProblem } : UNKNOWN;
  return (
    <Stack gap={4} miw={0} style={{ flex: 1 }} aria-label="Status" role="status">
      <Group gap="md" wrap="nowrap" miw={0}>
        {leading}
        {remote && <RemoteBadge remote={remote} problem={remoteProblem} />}
        {health && <ModeBadge mode={health.tradingMode} />}
        {health?.simulated && (
          <Badge color="gray" variant="outline" size="lg" data-testid="simulated-badge">
            SIMULATED
          </Badge>
        )}
        {connection === 'reconnecting' && (
          <Badge color="yellow" variant="light" size="lg" data-testid="connection-badge">
            Reconnecting…
          </Badge>
        )}
        {awaiting > 0 && (
          <Badge component="a" href="#/queue" color="yellow" variant="filled" size="lg" data-testid="awaiting-badge">
            {awaiting} awaiting approval
          </Badge>
        )}
      </Group>
      <Group gap="md" wrap="nowrap" miw={0} align="flex-start">
        {COMPONENTS.map(([key, label]) =>
          key === 'ib' && health?.gateways && health.gateways.length > 1 ? (
            // §28: one IB light per gateway login, named by its label.
            health.gateways.map((g) => <StatusLight key={`ib-${g.id}`} label={`IB ${g.label}`} health={g} />)
          ) : (
            <StatusLight key={key} label={label} health={(health?.[key] as ComponentHealth | undefined) ?? fallback} />
          ),
        )}
      </Group>
    </Stack>
  );
}
