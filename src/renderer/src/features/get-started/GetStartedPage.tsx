import { Alert, Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { Circle, CircleCheck } from 'lucide-react';
import type { SetupStep, SetupStepId } from '../../../../shared/contract';
import { RelativeTime } from '../../components/RelativeTime';
import { hrefOf, type Route } from '../../lib/hash-route';
import { useHealth, useSetupProgress } from '../../queries/use-queries';
import { CheckSetupPanel } from '../settings/CheckSetupPanel';

const STEPS: Record<SetupStepId, { title: string; go?: { route: Route; label: string } }> = {
  gateway: { title: 'IB Gateway reachable', go: { route: 'settings', label: 'Open Settings' } },
  keys: { title: 'Zehnlabs keys set', go: { route: 'settings', label: 'Open Settings' } },
  accounts: { title: 'Accounts added', go: { route: 'settings', label: 'Open Settings' } },
  check: { title: 'Check setup passed' },
  preview: { title: 'A first preview', go: { route: 'accounts', label: 'Open Accounts' } },
};

function Step({ step, index }: { step: SetupStep; index: number }) {
  const { title, go } = STEPS[step.id];
  return (
    <Paper
      component="li"
      withBorder
      radius="sm"
      px="sm"
      py="xs"
      data-step={step.id}
      data-done={step.done}
      aria-label={`${index + 1}. ${title}: ${step.done ? 'done' : 'not done yet'}`}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <span
          aria-hidden
          style={{
            display: 'flex',
            paddingTop: 2,
            color: step.done ? 'var(--mantine-color-green-filled)' : 'var(--mantine-color-dimmed)',
          }}
        >
          {step.done ? <CircleCheck size={20} /> : <Circle size={20} />}
        </span>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={600} size="sm">
              {index + 1}. {title}
            </Text>
            <Badge size="sm" variant="light" color={step.done ? 'green' : 'gray'}>
              {step.done ? 'Done' : 'To do'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {step.detail}
            {step.at && (
              <>
                {' '}
                (<RelativeTime iso={step.at} />)
              </>
            )}
          </Text>
        </div>
        {go && !step.done && (
          <Button component="a" href={hrefOf(go.route)} size="compact-sm" variant="light" style={{ flexShrink: 0 }}>
            {go.label}
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/**
 * §26 Get started: the five steps from a fresh install to a desk that can trade, each ticked from live data (the IB
 * light, the settings, the last Check setup run, the first preview), with Check setup (§29) run right here.
 */
export function GetStartedPage() {
  const progress = useSetupProgress();
  const simulated = useHealth().data?.simulated ?? false;
  if (progress.isPending) return <Loader size="sm" aria-label="Loading the checklist" />;
  if (progress.error) {
    return <Alert color="red">Could not load the checklist: {progress.error.message}</Alert>;
  }
  const { steps, complete } = progress.data;
  const done = steps.filter((s) => s.done).length;
  return (
    <Stack gap="sm" maw={900}>
      <div>
        <Title order={2} size="h3">
          Get started
        </Title>
        <Text size="sm" c="dimmed" role="status" data-testid="setup-count">
          {done} of {steps.length} done. Each step ticks itself as soon as it is true; nothing here trades.
        </Text>
      </div>
      {complete && (
        <Alert color="green" title="Setup is complete">
          The window opens on Queue from now on; Check setup stays at hand in Settings.{' '}
          <Button component="a" href={hrefOf('queue')} size="compact-sm" variant="light" ml="xs">
            Go to Queue
          </Button>
        </Alert>
      )}
      {simulated && !complete && (
        <Text size="sm" c="dimmed">
          Demo: the gateway, keys and accounts are the simulator&apos;s. Run Check setup below and press Preview on an
          account to tick the rest.
        </Text>
      )}
      <Stack component="ol" gap={6} p={0} m={0} style={{ listStyle: 'none' }} aria-label="Setup steps">
        {steps.map((step, i) => (
          <Step key={step.id} step={step} index={i} />
        ))}
      </Stack>
      <CheckSetupPanel />
    </Stack>
  );
}
