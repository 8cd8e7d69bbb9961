import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig, makeSettings } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { fieldLabel } from './settings-labels';
import { SettingsPage } from './SettingsPage';

const OPEN = { id: 'open', cron: '35 9 * * 1-5', timezone: 'America/New_York', accounts: 'all', command: 'rebalance' };

function settingsApi() {
  return createFakeApi({
    getConfig: () => makeConfig({ settings: { ...makeSettings(), schedules: [OPEN] } }),
    strategies: () => ({ strategies: [], error: 'allocation API answered 401' }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

async function accountBox(name: string): Promise<HTMLElement> {
  const row = await waitFor(() => {
    const found = document.querySelector<HTMLElement>('[data-account-row="0"]');
    if (!found) throw new Error('no account row');
    return found;
  });
  return within(row).getByRole('textbox', { name });
}

async function retype(box: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(box);
  await userEvent.click(box);
  await userEvent.paste(text);
}

function summary(): HTMLElement {
  return screen.getByRole('alert', { name: /field\(s\) need fixing/ });
}

// The whole Settings form re-renders under jsdom on a shared, loaded machine: allow it time, assert no timing.
describe('Settings › the error summary (§26)', { timeout: 60_000 }, () => {
  it('names each field by its label and place, not its path, and a click on one focuses that field', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    const reserve = await accountBox('Cash reserve %');
    await retype(reserve, '150');
    const ib = screen.getByRole('region', { name: 'IB Gateway / TWS' });
    const port = within(ib).getByRole('textbox', { name: 'Port' });
    await retype(port, '99999999');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();

    const list = summary();
    expect(list).toHaveTextContent('Account DU123456 › Cash reserve %: must be a percentage from 0 to 100');
    expect(list).toHaveTextContent('IB Gateway / TWS › Port: must be a port between 1 and 65535');
    expect(list.textContent).not.toMatch(/accounts\.0|ib\.port|cashReservePercent/);
    // Save put the focus on the first entry, so Enter goes straight to its field.
    expect(document.activeElement).toBe(within(list).getAllByRole('button')[0]);

    await userEvent.click(within(list).getByRole('button', { name: 'Account DU123456 › Cash reserve %' }));
    expect(reserve).toHaveFocus();
    await userEvent.click(within(list).getByRole('button', { name: 'IB Gateway / TWS › Port' }));
    expect(port).toHaveFocus();
  });

  it('goes to a schedule shown as days and time, and to the section of an issue with no field of its own', async () => {
    const api = settingsApi();
    api.handlers.putConfig = () => {
      throw new ApiError({
        error: 'invalid',
        message: 'invalid input',
        issues: [
          { path: 'settings.accounts', message: 'removing every account needs dropAllAccounts: true' },
          { path: 'settings.ib.prot', message: 'is not a setting (misspelt?)' },
        ],
      });
    };
    renderWithApi(<SettingsPage />, api);
    const schedule = await waitFor(() => {
      const found = document.querySelector<HTMLElement>('[data-schedule-index="0"]');
      if (!found) throw new Error('no schedule row');
      return found;
    });
    await userEvent.click(within(schedule).getByRole('checkbox', { name: 'Monday' }));
    // No day left: the schedule's time box says so, the summary names the schedule.
    for (const day of ['Tuesday', 'Wednesday', 'Thursday', 'Friday'])
      await userEvent.click(within(schedule).getByRole('checkbox', { name: day }));
    const list = await waitFor(summary);
    const entry = within(list).getByRole('button', { name: 'Schedule open › When' });
    await userEvent.click(entry);
    expect(within(schedule).getByLabelText('Time')).toHaveFocus();

    await userEvent.click(within(schedule).getByRole('checkbox', { name: 'Monday' }));
    fireEvent.change(within(schedule).getByLabelText('Time'), { target: { value: '10:00' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const server = await waitFor(() => within(summary()).getByRole('button', { name: 'Accounts' }));
    expect(summary()).toHaveTextContent('IB Gateway / TWS › prot: is not a setting (misspelt?)');
    await userEvent.click(server);
    const accounts = screen.getByRole('region', { name: 'Accounts' });
    expect(within(accounts).getByRole('heading', { name: 'Accounts' })).toHaveFocus();
  });

  it('labels every field the summary can name with the words its box shows', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    await accountBox('Name');
    const fields = [...document.querySelectorAll<HTMLElement>('[data-settings-path]')].filter(
      // Mantine keeps a hidden input beside a select for forms; the box a person sees is the other one.
      (el) => !(el instanceof HTMLInputElement && el.type === 'hidden'),
    );
    expect(fields.length).toBeGreaterThan(50);
    const settings = { ...makeSettings(), schedules: [OPEN] };
    for (const field of fields) {
      const path = field.dataset.settingsPath!;
      const label = fieldLabel(path, settings);
      expect(label, path).not.toContain(path);
      // The schedule's "When" is shown as its time box, or as its cron box.
      const last = path.endsWith('.cron')
        ? '(Time|Cron)'
        : label
            .split(' › ')
            .pop()!
            .replace(/[().*+?^$|[\]\\{}%]/g, '\\$&');
      // A box in a row of a table may add whose it is ("Approval of DU123456"); a switch's name goes on with its
      // description.
      const isSwitch = field.getAttribute('role') === 'switch';
      expect(field, path).toHaveAccessibleName(new RegExp(`^${last}${isSwitch ? '' : '( of \\S+)?$'}`));
    }
  });
});

describe('fieldLabel', () => {
  const settings = {
    accounts: [{ accountId: 'DU1000004' }, { accountId: '' }],
    schedules: [{ id: 'open' }],
  };
  it.each([
    ['accounts.0.cashReservePercent', 'Account DU1000004 › Cash reserve %'],
    ['accounts.1.strategy', 'Account row 2 › Strategy'],
    ['accounts', 'Accounts'],
    ['schedules.0.timezone', 'Schedule open › Time zone'],
    ['replacementSets.ira.0.scale', 'Replacement set ira › row 1 › Scale'],
    ['redis.sentinel.sentinels.1.port', 'Storage and Redis › Sentinel 2 port'],
    ['queue.retryDelayMs', 'Queue › Retry delay'],
    ['zehnlabs.realtime.key', 'Zehnlabs › Realtime client options (JSON) › key'],
    ['ib.prot', 'IB Gateway / TWS › prot'],
    ['tradingMode', 'Trading mode'],
    ['', 'Settings'],
  ])('%s is "%s"', (path, label) => {
    expect(fieldLabel(path, settings)).toBe(label);
  });
});
