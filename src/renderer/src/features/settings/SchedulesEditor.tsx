import { ActionIcon, Button, Group, MultiSelect, Paper, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { Plus, Trash2 } from 'lucide-react';
import { cronProblem, nextFirings } from '../../../../shared/schedule-times';
import { COMMANDS } from '../../../../shared/dto';
import { EmptyState } from '../../components/EmptyState';
import { formatExact } from '../../lib/format';
import { NumberBox } from './Fields';
import { ScheduleWhen } from './ScheduleWhen';
import { useSettingsForm } from './form-context';

interface ScheduleDraft {
  id?: unknown;
  cron?: unknown;
  timezone?: unknown;
  accounts?: unknown;
  command?: unknown;
  onlyIfDriftAbovePercent?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The next three firings of a draft, or why its cron / time zone cannot fire (checked as typed, with croner). */
function preview(draft: ScheduleDraft): { firings: Date[] } | { problem: string } {
  const cron = text(draft.cron).trim();
  const timezone = text(draft.timezone).trim() || 'America/New_York';
  if (cron === '') return { problem: 'pick days and a time, or type a cron pattern, e.g. "35 9 * * 1-5"' };
  const problem = cronProblem(cron, timezone);
  if (problem) return { problem };
  const firings = nextFirings(cron, timezone, new Date(), 3);
  return firings.length === 0 ? { problem: 'this pattern never fires again' } : { firings };
}

/** Scheduled commands (§21): days and a time (or a cron pattern) in a time zone, for chosen accounts or all, with the next firings. */
export function SchedulesEditor() {
  const form = useSettingsForm();
  const raw = form.get('schedules');
  const schedules = (Array.isArray(raw) ? raw : []) as ScheduleDraft[];
  const rawAccounts = form.get('accounts');
  const accountIds = (Array.isArray(rawAccounts) ? rawAccounts : [])
    .map((a) => text((a as { accountId?: unknown }).accountId))
    .filter((id) => id !== '');

  const setRow = (i: number, change: Partial<ScheduleDraft>) =>
    form.set(
      'schedules',
      schedules.map((s, j) => (j === i ? { ...s, ...change } : s)),
    );
  return (
    <Stack gap="xs">
      {schedules.length === 0 && (
        <EmptyState>
          No schedules. Add one to run a command at set times, e.g. a Preview every weekday at 9:35 New York time.
        </EmptyState>
      )}
      {schedules.map((s, i) => {
        const base = `schedules.${i}`;
        const all = s.accounts === 'all';
        const shown = preview(s);
        return (
          <Paper key={i} withBorder p="xs" radius="sm" data-schedule-index={i}>
            <Group gap="xs" align="flex-start" wrap="wrap">
              <TextInput
                size="xs"
                label="Id"
                w={120}
                value={text(s.id)}
                onChange={(e) => setRow(i, { id: e.currentTarget.value })}
                error={form.error(`${base}.id`)}
                data-settings-path={`${base}.id`}
              />
              <Select
                size="xs"
                label="Command"
                w={150}
                data={[...COMMANDS]}
                value={text(s.command) || null}
                onChange={(value) => setRow(i, { command: value ?? '' })}
                error={form.error(`${base}.command`)}
                data-settings-path={`${base}.command`}
                allowDeselect={false}
              />
              <NumberBox
                path={`${base}.onlyIfDriftAbovePercent`}
                label="Only if drift above"
                unit="%"
                nullable
                w={130}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mt={22}
                aria-label={`Remove schedule ${text(s.id) || i + 1}`}
                onClick={() =>
                  form.set(
                    'schedules',
                    schedules.filter((_, j) => j !== i),
                  )
                }
              >
                <Trash2 size={14} />
              </ActionIcon>
            </Group>
            <ScheduleWhen index={i} name={text(s.id) || String(i + 1)} />
            <Group gap="xs" align="flex-end" mt={4}>
              <Switch
                size="xs"
                label="All accounts of the trading mode"
                checked={all}
                onChange={(e) => setRow(i, { accounts: e.currentTarget.checked ? 'all' : [] })}
              />
              {!all && (
                <MultiSelect
                  size="xs"
                  aria-label="Accounts"
                  placeholder="pick accounts"
                  data={accountIds}
                  value={Array.isArray(s.accounts) ? (s.accounts as unknown[]).map(text) : []}
                  onChange={(value) => setRow(i, { accounts: value })}
                  error={form.error(`${base}.accounts`)}
                  data-settings-path={`${base}.accounts`}
                  miw={220}
                />
              )}
            </Group>
            <Text size="xs" mt={4} c={'problem' in shown ? 'red' : 'dimmed'} data-testid="schedule-next-firings">
              {'problem' in shown
                ? shown.problem
                : `Next: ${shown.firings.map((d) => formatExact(d.toISOString())).join(' · ')}`}
            </Text>
          </Paper>
        );
      })}
      <Group>
        <Button
          size="compact-xs"
          variant="default"
          leftSection={<Plus size={12} />}
          onClick={() =>
            form.set('schedules', [
              ...schedules,
              {
                id: `schedule-${schedules.length + 1}`,
                cron: '35 9 * * 1-5',
                timezone: 'America/New_York',
                accounts: 'all',
                command: 'print-rebalance',
              },
            ])
          }
        >
          Add schedule
        </Button>
      </Group>
    </Stack>
  );
}
