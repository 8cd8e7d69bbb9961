import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { useRoute } from '../../lib/hash-route';
import { SettingsPage } from './SettingsPage';

function RouteShown() {
  return <p data-testid="route">{useRoute()}</p>;
}

function settingsApi() {
  return createFakeApi({
    getConfig: () => makeConfig(),
    strategies: () => ({ strategies: [], error: 'allocation API answered 401' }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

async function accountRow(index: number): Promise<HTMLElement> {
  return waitFor(() => {
    const row = document.querySelector<HTMLElement>(`[data-account-row="${index}"]`);
    if (!row) throw new Error(`no account row ${index}`);
    return row;
  });
}

/** Where a bounded field is: its section (or account row / replacement set) and its accessible name. */
type Place = { section: string } | { accountRow: number } | { replacementSet: string };

async function field(place: Place, name: string): Promise<HTMLInputElement> {
  const scope =
    'section' in place
      ? await screen.findByRole('region', { name: place.section })
      : 'accountRow' in place
        ? await accountRow(place.accountRow)
        : await waitFor(() => {
            const set = document.querySelector<HTMLElement>(`[data-replacement-set="${place.replacementSet}"]`);
            if (!set) throw new Error(`no replacement set ${place.replacementSet}`);
            return set;
          });
  return within(scope).getByRole('textbox', { name }) as HTMLInputElement;
}

/** Types `text` over what the box holds, as a trader selecting it and typing (one input event, for speed). */
async function retype(box: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(box);
  await userEvent.click(box);
  await userEvent.paste(text);
}

const IB = { section: 'IB Gateway / TWS' };
const ORDERS = { section: 'Orders and limits' };
const QUEUE = { section: 'Queue' };
const MANAGEMENT = { section: 'Management API' };

/** Every bounded number field of Settings with a value out of its range (or not a number): its message in words. */
const OUT_OF_RANGE: [place: Place, name: string, typed: string, message: string][] = [
  [IB, 'Port', '99999999', 'must be a port between 1 and 65535'],
  [IB, 'Port', '0', 'must be a port between 1 and 65535'],
  [IB, 'Port', '4002.5', 'must be a port between 1 and 65535'],
  [IB, 'Client id', '-1', 'must be a whole number from 0 to 2147483647, or empty to draw one'],
  [IB, 'Connect timeout', '0', 'must be a whole number of milliseconds, at least 1'],
  [IB, 'Request timeout', '-5', 'must be a whole number of milliseconds, at least 1'],
  [IB, 'Reconnect delay', '1e3', 'must be a whole number of milliseconds, at least 1'],
  [{ accountRow: 0 }, 'Cash reserve %', '150', 'must be a percentage from 0 to 100'],
  [{ accountRow: 0 }, 'Cash reserve %', '-0.5', 'must be a percentage from 0 to 100'],
  [{ replacementSet: 'ira' }, 'Scale', '11', 'must be a number above 0 and at most 10'],
  [{ replacementSet: 'ira' }, 'Scale', '0', 'must be a number above 0 and at most 10'],
  [ORDERS, 'Limit offset', '10.5', 'must be a percentage from 0 to 10'],
  [ORDERS, 'Fill timeout', '0', 'must be a whole number of milliseconds, at least 1'],
  [ORDERS, 'Minimum trade value', '-1', 'must be an amount of 0 or more'],
  [QUEUE, 'Retry delay', '-5', 'must be a whole number of milliseconds, at least 1'],
  [QUEUE, 'Workers', '65', 'must be a whole number of workers from 1 to 64'],
  [QUEUE, 'Workers', 'abc', 'must be a whole number of workers from 1 to 64'],
  [QUEUE, 'Lease', '999', 'must be a whole number of milliseconds, at least 1000'],
  [QUEUE, 'History kept (entries)', '99', 'must be a whole number of entries, at least 100'],
  [QUEUE, 'Keep done events', '-1', 'must be a number of days, 0 or more'],
  [MANAGEMENT, 'Port', '65536', 'must be a port between 0 and 65535 (0 picks a free port)'],
];

// The whole Settings form re-renders under jsdom on a shared, loaded machine: allow it time, assert no timing.
describe('Settings page', { timeout: 60_000 }, () => {
  it.each(OUT_OF_RANGE)(
    '%j %s = %s stays as typed, shows "%s" beside it and is not saved',
    async (place, name, typed, message) => {
      const api = settingsApi();
      renderWithApi(<SettingsPage />, api);
      const box = await field(place, name);
      await retype(box, typed);
      expect(box).toHaveValue(typed);
      expect(box).toHaveAttribute('aria-invalid', 'true');
      // The message beside the field (before the field's own description, where it has one).
      expect(box).toHaveAccessibleDescription(new RegExp(`^${message.replace(/[().*+?^$|[\]\\{}]/g, '\\$&')}`));
      await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
      expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
      expect(box).toHaveValue(typed);
      expect(api.callsOf('putConfig')).toHaveLength(0);
    },
  );

  it('sends a good value as the number typed, and keeps showing it exactly as typed', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const reserve = await field({ accountRow: 0 }, 'Cash reserve %');
    await retype(reserve, '2.50');
    const port = await field(IB, 'Port');
    await retype(port, '4001');
    expect(reserve).toHaveValue('2.50');
    expect(reserve).not.toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as {
      ib: { port: unknown };
      accounts: { cashReservePercent: unknown }[];
    };
    expect(settings.ib.port).toBe(4001);
    expect(settings.accounts[0]!.cashReservePercent).toBe(2.5);
  });

  it('refuses to save realtime options that are not JSON, saying so beside the box', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const options = await screen.findByRole('textbox', { name: 'Realtime client options (JSON)' });
    await retype(options, '{"endpoint": ');
    expect(options).toHaveValue('{"endpoint": ');
    expect(options).toHaveAccessibleDescription(/is not valid JSON/);
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
  });

  it('validates as typed and shows the message beside the field', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    const accountId = within(await accountRow(0)).getByRole('textbox', { name: 'Account id' });
    await userEvent.clear(accountId);
    await userEvent.type(accountId, 'bogus');
    expect(accountId).toHaveAttribute('aria-invalid', 'true');
    expect(accountId).toHaveAccessibleDescription(/must look like an IB account id/);

    const retry = screen.getByRole('textbox', { name: 'Retry delay' });
    await userEvent.clear(retry);
    expect(retry).toHaveAttribute('aria-invalid', 'true');
  });

  it('does not save while a field is invalid', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const accountId = within(await accountRow(0)).getByRole('textbox', { name: 'Account id' });
    await userEvent.clear(accountId);
    await userEvent.type(accountId, 'bogus');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
  });

  it("puts each issue of the server's 400 beside its field", async () => {
    const api = settingsApi();
    api.handlers.putConfig = () => {
      throw new ApiError({
        error: 'invalid',
        message: 'invalid input: accounts.0.strategy: no such strategy',
        issues: [{ path: 'settings.accounts.0.strategy', message: 'no such strategy at the provider' }],
      });
    };
    renderWithApi(<SettingsPage />, api);
    const row = await accountRow(0);
    const name = within(row).getByRole('textbox', { name: 'Name' });
    await userEvent.type(name, ' 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const strategy = within(row).getByRole('textbox', { name: 'Strategy' });
    await waitFor(() => expect(strategy).toHaveAccessibleDescription('no such strategy at the provider'));
  });

  it('edits the order type per side and the risk limits, and checks a limit as typed', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const buyType = (await screen.findAllByLabelText('Buy order type')).find((e) => e.tagName === 'INPUT')!;
    expect(buyType).toHaveValue('same as Order type');
    await userEvent.click(buyType);
    await userEvent.click(await screen.findByRole('option', { name: 'LMT' }, { timeout: 20_000 }));

    const largest = screen.getByRole('textbox', { name: 'Largest order' });
    await userEvent.type(largest, '-5');
    expect(largest).toHaveAttribute('aria-invalid', 'true');
    expect(largest).toHaveAccessibleDescription(/must be an amount above 0 \(USD\), or empty for no limit/);
    await userEvent.clear(largest);
    await userEvent.type(largest, '25000');
    const turnover = screen.getByRole('textbox', { name: 'Largest turnover' });
    expect(turnover).toHaveValue('200');

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as {
      orders: Record<string, unknown>;
      limits: Record<string, unknown>;
    };
    expect(settings.orders).toMatchObject({ type: 'MKT', buyType: 'LMT', sellType: null });
    expect(settings.limits).toEqual({
      maxOrderValue: 25_000,
      maxTurnoverPercent: 200,
      maxAllocationChangePercent: null,
    });
    // Much typing and a dropdown: room for a loaded machine (this bounds a hang, it times nothing).
  }, 60_000);

  it('sends secrets only when typed, and shows whether each is set', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const realtime = await screen.findByLabelText('Realtime API key');
    expect(realtime).toHaveAccessibleDescription(/^set/);
    expect(screen.getByLabelText('Allocations API key')).toHaveAccessibleDescription('not set');
    await userEvent.type(screen.getByLabelText('Allocations API key'), 'k-123');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as {
      zehnlabs: Record<string, unknown>;
      management: Record<string, unknown>;
    };
    expect(settings.zehnlabs.realtimeApiKey).toBe('');
    expect(settings.zehnlabs.allocationsApiKey).toBe('k-123');
    expect(settings.management.token).toBe('');
  });

  it("sets an account's approval to timer with its minutes, fractions allowed (§19)", async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const section = await screen.findByRole('region', { name: 'Approval and schedules' });
    const table = within(section).getByRole('table', { name: 'Approval per account' });
    await userEvent.click(
      within(table).getByLabelText('Approval of DU123456', { selector: 'input:not([type=hidden])' }),
    );
    await userEvent.click(await screen.findByRole('option', { name: /^timer/ }));
    const minutes = await within(table).findByLabelText('Approval minutes of DU123456');
    await userEvent.clear(minutes);
    await userEvent.type(minutes, '0.5');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as { accounts: Record<string, unknown>[] };
    expect(settings.accounts[0]).toMatchObject({ approval: 'timer', approvalMinutes: 0.5 });
  });

  it('names each account in Cash flows and says what ignore does (§25, §27)', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    const table = await screen.findByRole('table', { name: 'Cash flows per account' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(within(row).getByText('Paper IRA')).toBeInTheDocument();
    expect(within(row).getByText('DU123456')).toBeInTheDocument();
    await userEvent.click(
      within(row).getByLabelText('On a cash flow of DU123456', { selector: 'input:not([type=hidden])' }),
    );
    expect(await screen.findByRole('option', { name: 'ignore (record, tell no one)' })).toBeInTheDocument();
  });

  it('asks before switching to live and then sends confirmLive', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    await userEvent.click(await screen.findByText('Live'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Switch to live' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const input = api.callsOf('putConfig')[0]!;
    expect(input.confirmLive).toBe(true);
    expect((input.settings as { tradingMode: string }).tradingMode).toBe('live');
  });

  it("asks for confirmation when the server answers 'needs-live-confirmation', then saves again with confirmLive", async () => {
    const api = settingsApi();
    api.handlers.putConfig = (input) => {
      if (input.confirmLive !== true) {
        throw new ApiError({
          error: 'invalid',
          message: 'switching to LIVE trading needs confirmation',
          issues: [{ path: 'tradingMode', message: 'switching to live trading needs confirmation' }],
          reason: 'needs-live-confirmation',
        });
      }
      return makeConfig({ settings: input.settings });
    };
    renderWithApi(<SettingsPage />, api);
    await userEvent.type(within(await accountRow(0)).getByRole('textbox', { name: 'Name' }), ' 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm live trading' });
    expect(dialog).toHaveTextContent('switching to LIVE trading needs confirmation');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm and save' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(2));
    expect(api.callsOf('putConfig')[0]!.confirmLive).toBeUndefined();
    expect(api.callsOf('putConfig')[1]!.confirmLive).toBe(true);
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
  });

  it('asks before a save that removes every account, then saves again with dropAllAccounts (§18)', async () => {
    const api = settingsApi();
    api.handlers.putConfig = (input) => {
      if (input.dropAllAccounts !== true) {
        throw new ApiError({
          error: 'invalid',
          message: 'this save would remove every account (DU123456); send dropAllAccounts: true to do so',
          issues: [{ path: 'accounts', message: 'removing every account needs dropAllAccounts: true' }],
          reason: 'drops-every-account',
        });
      }
      return makeConfig({ settings: input.settings });
    };
    renderWithApi(<SettingsPage />, api);
    await accountRow(0);
    await userEvent.click(screen.getByRole('button', { name: 'Remove account DU123456' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    let dialog = await screen.findByRole('dialog', { name: 'Remove every account?' });
    expect(dialog).toHaveTextContent('DU123456');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep the accounts' }));
    expect(api.callsOf('putConfig')).toHaveLength(1);
    expect(screen.queryByText('Settings saved')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    dialog = await screen.findByRole('dialog', { name: 'Remove every account?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove every account and save' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(3));
    expect(api.callsOf('putConfig')[1]!.dropAllAccounts).toBeUndefined();
    expect(api.callsOf('putConfig')[2]).toMatchObject({ dropAllAccounts: true, settings: { accounts: [] } });
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
  });

  it('does not read "confirmLive" in an error message as a request for confirmation', async () => {
    const api = settingsApi();
    api.handlers.putConfig = () => {
      throw new ApiError({ error: 'invalid', message: 'confirmLive: must be true or false' });
    };
    renderWithApi(<SettingsPage />, api);
    await userEvent.type(within(await accountRow(0)).getByRole('textbox', { name: 'Name' }), ' 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('The settings were not saved')).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Confirm live trading' })).not.toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(1);
  });

  it('asks before leaving with unsaved edits: Stay keeps what was typed, Discard changes drops it and goes on', async () => {
    window.location.hash = '#/settings';
    const api = settingsApi();
    // The window follows the route (as App does), which is what asks the page holding it.
    renderWithApi(
      <>
        <RouteShown />
        <SettingsPage />
      </>,
      api,
    );
    const retry = await field(QUEUE, 'Retry delay');
    const saved = (retry as HTMLInputElement).value;
    await retype(retry, '7000');
    const goTo = async (hash: string) => {
      await act(async () => {
        const changed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
        window.location.hash = hash;
        await changed;
      });
    };

    await goTo('#/queue');
    let question = await screen.findByRole('dialog', { name: 'Discard unsaved settings?' });
    expect(question).toHaveTextContent('Go to Queue and discard them');
    expect(window.location.hash).toBe('#/settings');
    await userEvent.click(within(question).getByRole('button', { name: 'Stay on Settings' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(retry).toHaveValue('7000');
    expect(screen.getByTestId('route')).toHaveTextContent('settings');

    await goTo('#/accounts');
    question = await screen.findByRole('dialog', { name: 'Discard unsaved settings?' });
    await userEvent.click(within(question).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(screen.getByTestId('route')).toHaveTextContent('accounts'));
    // The page is still mounted here (as when Suspense keeps it while the next page loads): the edit is gone from it.
    await waitFor(() => expect(retry).toHaveValue(saved));
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
    window.location.hash = '';
  });

  it('shows the problems of the settings file found at start-up', async () => {
    const api = settingsApi();
    api.handlers.getConfig = () =>
      makeConfig({ fileIssues: [{ path: 'ib.port', message: 'must be a port between 1 and 65535' }] });
    renderWithApi(<SettingsPage />, api);
    expect(await screen.findByText(/had problems at start-up/)).toBeInTheDocument();
    expect(screen.getByText(/must be a port between 1 and 65535/)).toBeInTheDocument();
  });
});
