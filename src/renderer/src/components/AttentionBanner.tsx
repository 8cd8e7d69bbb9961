import { Button, Group, Paper, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { CirclePause, Unplug } from 'lucide-react';
import { useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { hrefOf } from '../lib/hash-route';
import { notifyError } from '../lib/notify';
import { queryKeys } from '../queries/query-keys';
import { useHealth, useQueueStatus } from '../queries/use-queries';

function Banner({
  tone,
  icon,
  title,
  children,
  action,
  testId,
}: {
  tone: 'red' | 'yellow';
  icon: React.ReactNode;
  title: string;
  children: React.ReactNode;
  action?: React.ReactNode;
  testId: string;
}) {
  return (
    <Paper
      component="section"
      aria-label={title}
      data-testid={testId}
      px="sm"
      py={6}
      radius="sm"
      withBorder
      style={{
        background: `var(--mantine-color-${tone}-light)`,
        borderColor: `var(--mantine-color-${tone}-outline)`,
      }}
    >
      <Group gap="sm" wrap="nowrap" align="center">
        <span aria-hidden style={{ color: `var(--mantine-color-${tone}-light-color)`, display: 'flex', flexShrink: 0 }}>
          {icon}
        </span>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Text size="sm" fw={600}>
            {title}
          </Text>
          <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
            {children}
          </Text>
        </div>
        {action}
      </Group>
    </Paper>
  );
}

function ResumeButton() {
  const api = useApi();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const resume = async () => {
    setBusy(true);
    try {
      client.setQueryData(queryKeys.queueStatus(), await api.call('resume'));
    } catch (error) {
      notifyError('Could not resume processing', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="xs" color="yellow" loading={busy} onClick={() => void resume()} style={{ flexShrink: 0 }}>
      Resume now
    </Button>
  );
}

/**
 * §26: what stops trading is said across the top of every page, with what to do — not only a light in the status
 * strip: an IB Gateway that is down (red), and processing paused by the trader.
 */
export function AttentionBanner() {
  const health = useHealth().data;
  const status = useQueueStatus().data;
  const gatewayDown = health?.ib.state === 'red';
  const paused = status?.paused === true;
  if (!gatewayDown && !paused) return null;
  // §28: with several IB logins, the banner names the ones down; the others' accounts trade as usual.
  const several = (health?.gateways?.length ?? 0) > 1;
  const down = several ? (health?.gateways ?? []).filter((g) => g.state === 'red') : [];
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 6, marginBottom: 'var(--mantine-spacing-sm)' }}>
      {gatewayDown && !several && (
        <Banner tone="red" icon={<Unplug size={18} />} title="IB Gateway is down" testId="gateway-banner">
          {health.ib.detail}. Nothing reaches IB until it is back: events that need it wait in Delayed and retry by
          themselves. Start IB Gateway (or TWS) and log in; its address is in <a href={hrefOf('settings')}>Settings</a>.
        </Banner>
      )}
      {gatewayDown && several && (
        <Banner
          tone="red"
          icon={<Unplug size={18} />}
          title={`IB Gateway ${down.map((g) => g.label).join(', ')} ${down.length > 1 ? 'are' : 'is'} down`}
          testId="gateway-banner"
        >
          {down.map((g) => `${g.label}: ${g.detail}`).join('; ')}. Nothing reaches IB for the accounts on{' '}
          {down.length > 1 ? 'these logins' : 'this login'} until it is back: their events wait in Delayed and retry by
          themselves; accounts on the other gateways trade as usual. Start that IB Gateway and log in; its address is in{' '}
          <a href={hrefOf('settings')}>Settings</a>.
        </Banner>
      )}
      {paused && (
        <Banner
          tone="yellow"
          icon={<CirclePause size={18} />}
          title="Processing is paused"
          testId="paused-banner"
          action={<ResumeButton />}
        >
          Nothing is traded while paused: signals and commands still queue in Pending and run once you resume.
        </Banner>
      )}
    </div>
  );
}
