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

/**
 * One light: its name, then its reason. `stacked` (more lights than fit side by side with their reasons, e.g. two IB
 * logins at 1024 px) puts the reason under the name, so it gets the light's whole width instead of what the name
 * leaves.
 */
function StatusLight({ label, health, stacked }: { label: string; health: ComponentHealth; stacked: boolean }) {
  return (
    <Tooltip label={`${label}: ${health.detail}`} multiline maw={360} openDelay={300}>
      <Group
        gap={stacked ? 2 : 6}
        wrap="nowrap"
        miw={0}
        style={{ flex: '1 1 0', ...(stacked ? { flexDirection: 'column', alignItems: 'flex-start' } : {}) }}
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
        <Text size="xs" c="dimmed" lineClamp={2} lh={1.25} miw={0} maw="100%" style={{ wordBreak: 'break-word' }}>
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
  const logins = health?.gateways ?? [];
  // Four lights fit side by side with their reasons from 1024 px; a second IB login makes five, and then each reason
  // goes under its name.
  const stacked = logins.length > 1;
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
          key === 'ib' && logins.length > 1 ? (
            // §28: one IB light per gateway login, named by its label.
            logins.map((g) => <StatusLight key={`ib-${g.id}`} label={`IB ${g.label}`} health={g} stacked={stacked} />)
          ) : (
            <StatusLight
              key={key}
              label={label}
              health={(health?.[key] as ComponentHealth | undefined) ?? fallback}
              stacked={stacked}
            />
          ),
        )}
      </Group>
    </Stack>
  );
}
