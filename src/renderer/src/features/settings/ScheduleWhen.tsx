import { Autocomplete, Checkbox, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useSettingsForm } from './form-context';
import { cronFor, parseDaysAndTime, parseTime, timeText, timeZones, WEEK } from './schedule-cron';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

type Mode = 'days' | 'cron';

const WEEKDAYS = [1, 2, 3, 4, 5];

let zones: string[] | null = null;
function zoneList(): string[] {
  zones ??= timeZones();
  return zones;
}

/**
 * When a schedule fires (§26): days of the week and a time in a time zone, which write the cron ("35 9 * * 1-5"); or
 * the cron itself, typed. A cron the days and time cannot show (every 15 minutes, the 1st of the month) stays in the
 * cron box, with why.
 */
export function ScheduleWhen({ index, name }: { index: number; name: string }) {
  const form = useSettingsForm();
  const base = `schedules.${index}`;
  const cron = text(form.get(`${base}.cron`));
  const parsed = parseDaysAndTime(cron);

  const [mode, setMode] = useState<Mode>(parsed || cron.trim() === '' ? 'days' : 'cron');
  // What the builder shows: from the cron, and kept while what is picked is not a schedule yet (no day, no time).
  const [days, setDays] = useState<number[]>(parsed?.days ?? WEEKDAYS);
  const [time, setTime] = useState(parsed ? timeText(parsed.hour, parsed.minute) : '09:35');
  const [problem, setProblem] = useState<string | null>(null);
  const [seenCron, setSeenCron] = useState(cron);
  if (cron !== seenCron) {
    setSeenCron(cron);
    if (parsed) {
      setDays(parsed.days);
      setTime(timeText(parsed.hour, parsed.minute));
      setProblem(null);
    }
  }

  // Days and time written by the builder, or an empty cron (refused by the schema, so Save waits) while they are not.
  const write = (nextDays: number[], nextTime: string) => {
    setDays(nextDays);
    setTime(nextTime);
    const at = parseTime(nextTime);
    const why =
      nextDays.length === 0 ? 'pick at least one day' : !at ? 'type a time of day as hh:mm, e.g. 09:35' : null;
    setProblem(why);
    form.set(`${base}.cron`, why || !at ? '' : cronFor({ days: nextDays, ...at }));
  };

  const shownMode: Mode = mode === 'days' && (parsed || cron.trim() === '') ? 'days' : 'cron';
  const cronError = form.error(`${base}.cron`);
  const builderError = problem ?? (cronError && cron.trim() !== '' ? cronError : undefined);

  return (
    <Stack gap={4}>
      <Group gap="xs" align="center" wrap="wrap">
        <Text size="xs" fw={500} component="span">
          When
        </Text>
        <SegmentedControl
          size="xs"
          aria-label={`How schedule ${name} is set`}
          value={shownMode}
          onChange={(next) => {
            if (next === 'days' && parsed) {
              setDays(parsed.days);
              setTime(timeText(parsed.hour, parsed.minute));
              setProblem(null);
            }
            setMode(next as Mode);
          }}
          data={[
            { value: 'days', label: 'Days and time', disabled: !parsed && cron.trim() !== '' },
            { value: 'cron', label: 'Cron' },
          ]}
        />
        {!parsed && cron.trim() !== '' && !cronError && (
          <Text size="xs" c="dimmed">
            This pattern is not one time on some weekdays: edit it as cron.
          </Text>
        )}
      </Group>
      <Group gap="xs" align="flex-start" wrap="wrap">
        {shownMode === 'days' ? (
          <>
            <div>
              <Text size="xs" fw={500} id={`schedule-${index}-days`} mb={4}>
                Days
              </Text>
              <Group gap="sm" role="group" aria-labelledby={`schedule-${index}-days`} wrap="wrap" mt={6}>
                {WEEK.map(({ day, short, long }) => (
                  <Checkbox
                    key={day}
                    size="xs"
                    label={short}
                    aria-label={long}
                    checked={days.includes(day)}
                    onChange={(e) =>
                      write(e.currentTarget.checked ? [...days, day] : days.filter((d) => d !== day), time)
                    }
                  />
                ))}
              </Group>
            </div>
            <TextInput
              size="xs"
              type="time"
              label="Time"
              w={110}
              value={time}
              onChange={(e) => write(days, e.currentTarget.value)}
              error={builderError}
              data-settings-path={`${base}.cron`}
            />
          </>
        ) : (
          <TextInput
            size="xs"
            label="Cron"
            description="minute hour day month weekday"
            placeholder="35 9 * * 1-5"
            w={180}
            className="mono"
            value={cron}
            onChange={(e) => form.set(`${base}.cron`, e.currentTarget.value)}
            error={cronError}
            data-settings-path={`${base}.cron`}
          />
        )}
        <Autocomplete
          size="xs"
          label="Time zone"
          w={200}
          data={zoneList()}
          limit={30}
          value={text(form.get(`${base}.timezone`))}
          onChange={(value) => form.set(`${base}.timezone`, value)}
          error={form.error(`${base}.timezone`)}
          data-settings-path={`${base}.timezone`}
        />
      </Group>
    </Stack>
  );
}
