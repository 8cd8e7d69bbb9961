import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsFormContext, type SettingsFormApi } from './form-context';
import { SchedulesEditor } from './SchedulesEditor';
import { getAt, setAt } from './settings-paths';
import { validateSettings } from './settings-validation';

/** The editor inside a bare settings form: the draft in state (read and written by dotted path), validated as typed by the settings schema. */
function Harness({ initial }: { initial: Record<string, unknown> }) {
  const [draft, setDraft] = useState<Record<string, unknown>>(initial);
  const [typedText, setTypedText] = useState<Record<string, string>>({});
  const issues = validateSettings(draft);
  const form: SettingsFormApi = {
    get: (path) => getAt(draft, path),
    set: (path, value) => setDraft((old) => setAt(old, path, value)),
    typed: (path) => typedText[path],
    setTyped: (path, text, value) => {
      setTypedText((old) => ({ ...old, [path]: text }));
      setDraft((old) => setAt(old, path, value));
    },
    error: (path) => issues[path],
  };
  return (
    <SettingsFormContext.Provider value={form}>
      <SchedulesEditor />
      <pre data-testid="draft">{JSON.stringify(draft.schedules)}</pre>
      <pre data-testid="draft-issues">{JSON.stringify(issues)}</pre>
    </SettingsFormContext.Provider>
  );
}

const ACCOUNTS = [
  { accountId: 'DU123456', strategy: 'growth-a' },
  { accountId: 'DU654321', strategy: 'growth-a' },
];

function draftSchedules(): Record<string, unknown>[] {
  return JSON.parse(screen.getByTestId('draft').textContent ?? '') as Record<string, unknown>[];
}

function renderEditor(schedules: unknown[]) {
  renderWithApi(<Harness initial={{ accounts: ACCOUNTS, schedules }} />, createFakeApi({}));
}

describe('Schedules editor', () => {
  it('says what appears when there is no schedule, and adds one with usable defaults', async () => {
    renderEditor([]);
    expect(screen.getByText(/No schedules/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add schedule' }));
    expect(JSON.parse(screen.getByTestId('draft').textContent ?? '')).toEqual([
      {
        id: 'schedule-1',
        cron: '35 9 * * 1-5',
        timezone: 'America/New_York',
        accounts: 'all',
        command: 'print-rebalance',
      },
    ]);
    expect(screen.getByTestId('schedule-next-firings').textContent).toMatch(/^Next: .+ · .+ · .+$/);
  });

  it('writes the cron for the days and time picked, in the time zone picked', async () => {
    renderEditor([
      { id: 'open', cron: '35 9 * * 1-5', timezone: 'America/New_York', accounts: 'all', command: 'rebalance' },
    ]);
    const row = document.querySelector<HTMLElement>('[data-schedule-index="0"]')!;
    // The cron shown as its days and time.
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])
      expect(within(row).getByRole('checkbox', { name: day })).toBeChecked();
    expect(within(row).getByRole('checkbox', { name: 'Saturday' })).not.toBeChecked();
    expect(within(row).getByLabelText('Time')).toHaveValue('09:35');

    await userEvent.click(within(row).getByRole('checkbox', { name: 'Tuesday' }));
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Thursday' }));
    fireEvent.change(within(row).getByLabelText('Time'), { target: { value: '15:50' } });
    expect(draftSchedules()[0]).toMatchObject({ cron: '50 15 * * 1,3,5' });

    await userEvent.click(within(row).getByRole('checkbox', { name: 'Saturday' }));
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Sunday' }));
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Tuesday' }));
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Thursday' }));
    expect(draftSchedules()[0]).toMatchObject({ cron: '50 15 * * *' });

    const zone = within(row).getByRole('combobox', { name: 'Time zone' });
    fireEvent.change(zone, { target: { value: 'Europe/Zurich' } });
    expect(draftSchedules()[0]).toMatchObject({ cron: '50 15 * * *', timezone: 'Europe/Zurich' });
    expect(screen.getByTestId('schedule-next-firings').textContent).toMatch(/^Next: .+ · .+ · .+$/);
  });

  it('says what is missing when no day or no time is picked, and Save waits', async () => {
    renderEditor([{ id: 'open', cron: '0 10 * * 3', timezone: 'UTC', accounts: 'all', command: 'rebalance' }]);
    const row = document.querySelector<HTMLElement>('[data-schedule-index="0"]')!;
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Wednesday' }));
    const time = within(row).getByLabelText('Time');
    expect(time).toHaveAccessibleDescription('pick at least one day');
    // Nothing fires on no day: the draft holds no cron, which the schema refuses (Save waits).
    expect(draftSchedules()[0]).toMatchObject({ cron: '' });
    expect(screen.getByTestId('draft-issues').textContent).toContain('schedules.0.cron');

    await userEvent.click(within(row).getByRole('checkbox', { name: 'Friday' }));
    expect(draftSchedules()[0]).toMatchObject({ cron: '0 10 * * 5' });
    fireEvent.change(time, { target: { value: '' } });
    expect(time).toHaveAccessibleDescription(/type a time of day as hh:mm/);
    expect(draftSchedules()[0]).toMatchObject({ cron: '' });
    fireEvent.change(time, { target: { value: '07:05' } });
    expect(draftSchedules()[0]).toMatchObject({ cron: '5 7 * * 5' });
    expect(time).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('keeps a raw cron exactly as typed through the builder and back', async () => {
    renderEditor([
      { id: 'open', cron: '0 16 * * MON,WED,FRI', timezone: 'UTC', accounts: 'all', command: 'rebalance' },
    ]);
    const row = document.querySelector<HTMLElement>('[data-schedule-index="0"]')!;
    // Shown as days and time, not rewritten by being shown.
    expect(within(row).getByRole('checkbox', { name: 'Wednesday' })).toBeChecked();
    expect(within(row).getByLabelText('Time')).toHaveValue('16:00');
    expect(draftSchedules()[0]).toMatchObject({ cron: '0 16 * * MON,WED,FRI' });

    await userEvent.click(within(row).getByRole('radio', { name: 'Cron' }));
    const cron = within(row).getByRole('textbox', { name: 'Cron' });
    expect(cron).toHaveValue('0 16 * * MON,WED,FRI');
    fireEvent.change(cron, { target: { value: '30 8 * * 0,6' } });
    await userEvent.click(within(row).getByRole('radio', { name: 'Days and time' }));
    expect(within(row).getByRole('checkbox', { name: 'Saturday' })).toBeChecked();
    expect(within(row).getByRole('checkbox', { name: 'Sunday' })).toBeChecked();
    expect(within(row).getByRole('checkbox', { name: 'Monday' })).not.toBeChecked();
    expect(within(row).getByLabelText('Time')).toHaveValue('08:30');
    expect(draftSchedules()[0]).toMatchObject({ cron: '30 8 * * 0,6' });
  });

  it('shows a cron the builder cannot show as cron, saying so, and keeps it', async () => {
    renderEditor([{ id: 'often', cron: '*/15 9-16 * * 1-5', timezone: 'UTC', accounts: 'all', command: 'rebalance' }]);
    const row = document.querySelector<HTMLElement>('[data-schedule-index="0"]')!;
    expect(within(row).getByRole('textbox', { name: 'Cron' })).toHaveValue('*/15 9-16 * * 1-5');
    expect(within(row).getByRole('radio', { name: 'Days and time' })).toBeDisabled();
    expect(within(row).getByText(/not one time on some weekdays: edit it as cron/)).toBeInTheDocument();
    expect(within(row).queryByRole('checkbox', { name: 'Monday' })).not.toBeInTheDocument();
    expect(draftSchedules()[0]).toMatchObject({ cron: '*/15 9-16 * * 1-5' });
  });

  it('names what is wrong with a cron typed as cron, beside it and in the next firings', async () => {
    renderEditor([
      { id: 'open', cron: '*/30 * * * *', timezone: 'America/New_York', accounts: 'all', command: 'rebalance' },
    ]);
    const cron = screen.getByRole('textbox', { name: 'Cron' });
    fireEvent.change(cron, { target: { value: '35 9 * *' } });
    expect(cron).toHaveAttribute('aria-invalid', 'true');
    expect(cron).toHaveAccessibleDescription(/not a cron pattern/);
    expect(screen.getByTestId('schedule-next-firings').textContent).toMatch(/not a cron pattern/);

    fireEvent.change(cron, { target: { value: '0 12 1 1 *' } });
    expect(cron).not.toHaveAttribute('aria-invalid', 'true');
    // Noon on 1 January, three years running.
    const next = screen.getByTestId('schedule-next-firings').textContent ?? '';
    const years = [...next.matchAll(/\b(20\d\d)\b/g)].map((m) => Number(m[1]));
    expect(years).toHaveLength(3);
    expect(years[1]).toBe(years[0]! + 1);
    expect(years[2]).toBe(years[0]! + 2);
  });

  it('rejects an unknown time zone beside its field', async () => {
    renderEditor([
      { id: 'open', cron: '35 9 * * 1-5', timezone: 'America/New_York', accounts: 'all', command: 'rebalance' },
    ]);
    const zone = screen.getByRole('combobox', { name: 'Time zone' });
    fireEvent.change(zone, { target: { value: 'Atlantis/Capital' } });
    expect(zone).toHaveAccessibleDescription(/unknown time zone "Atlantis\/Capital"/);
  });

  it('picks accounts instead of all, and removes a schedule', async () => {
    renderEditor([{ id: 'open', cron: '35 9 * * 1-5', timezone: 'UTC', accounts: 'all', command: 'print-equity' }]);
    const row = document.querySelector<HTMLElement>('[data-schedule-index="0"]')!;
    await userEvent.click(within(row).getByRole('switch', { name: 'All accounts of the trading mode' }));
    expect(JSON.parse(screen.getByTestId('draft').textContent ?? '')[0].accounts).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Remove schedule open' }));
    expect(JSON.parse(screen.getByTestId('draft').textContent ?? '')).toEqual([]);
  });
});
