import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsFormContext, type SettingsFormApi } from './form-context';
import { SchedulesEditor } from './SchedulesEditor';
import { validateSettings } from './settings-validation';

/** The editor inside a bare settings form: the draft in state, validated as typed by the settings schema. */
function Harness({ initial }: { initial: Record<string, unknown> }) {
  const [draft, setDraft] = useState<Record<string, unknown>>(initial);
  const [typedText, setTypedText] = useState<Record<string, string>>({});
  const issues = validateSettings(draft);
  const form: SettingsFormApi = {
    get: (path) => draft[path],
    set: (path, value) => setDraft((old) => ({ ...old, [path]: value })),
    typed: (path) => typedText[path],
    setTyped: (path, text, value) => {
      setTypedText((old) => ({ ...old, [path]: text }));
      setDraft((old) => ({ ...old, [path]: value }));
    },
    error: (path) => issues[path],
  };
  return (
    <SettingsFormContext.Provider value={form}>
      <SchedulesEditor />
      <pre data-testid="draft">{JSON.stringify(draft.schedules)}</pre>
    </SettingsFormContext.Provider>
  );
}

const ACCOUNTS = [
  { accountId: 'DU123456', strategy: 'growth-a' },
  { accountId: 'DU654321', strategy: 'growth-a' },
];

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

  it('checks the cron as typed: the message beside the field, and the next three firings once it is valid', async () => {
    renderEditor([
      { id: 'open', cron: '35 9 * * 1-5', timezone: 'America/New_York', accounts: 'all', command: 'rebalance' },
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
    const zone = screen.getByRole('textbox', { name: 'Time zone' });
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
