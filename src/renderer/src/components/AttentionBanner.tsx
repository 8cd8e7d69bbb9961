import { Button, Group, Paper, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { CirclePause, Unplug } from 'lucide-react';
import { useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { hrefOf } from '../lib/hash-route';
import { notifyError } from '../lib/notify';
import { queryKeys } from '../queries/query-keys';
import { useHealth, useQueueStatus } from '../queries/use-queries';
import { attentionOf } from './attention';

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

/** §26: what stops trading is said across the top of every page, with what to do (attention.ts) — not only a light in the status strip. */
export function AttentionBanner() {
  const banners = attentionOf(useHealth().data, useQueueStatus().data);
  if (banners.length === 0) return null;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 6, marginBottom: 'var(--mantine-spacing-sm)' }}>
      {banners.map((b) => (
        <Banner
          key={b.testId}
          tone={b.tone}
          icon={b.tone === 'red' ? <Unplug size={18} /> : <CirclePause size={18} />}
          title={b.title}
          testId={b.testId}
          action={b.resume ? <ResumeButton /> : undefined}
        >
          {b.text}
          {b.settingsLink && (
            <>
              <a href={hrefOf('settings')}>Settings</a>.
            </>
          )}
        </Banner>
      ))}
    </div>
  );
}
