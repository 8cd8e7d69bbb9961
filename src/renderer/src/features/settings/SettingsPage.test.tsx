import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api';
import { makeConfig } from '../../test/fixtures';
import { renderWithApi } from '../../test/render';
import { SettingsPage } from './SettingsPage';

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

describe('Settings page', () => {
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
    const row = await accountRow(0);
    await userEvent.click(within(row).getByLabelText('Approval', { selector: 'input:not([type=hidden])' }));
    await userEvent.click(await screen.findByRole('option', { name: 'timer' }));
    const minutes = await within(row).findByLabelText('Approval minutes');
    await userEvent.clear(minutes);
    await userEvent.type(minutes, '0.5');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as { accounts: Record<string, unknown>[] };
    expect(settings.accounts[0]).toMatchObject({ approval: 'timer', approvalMinutes: 0.5 });
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

  it('shows the problems of the settings file found at start-up', async () => {
    const api = settingsApi();
    api.handlers.getConfig = () =>
      makeConfig({ fileIssues: [{ path: 'ib.port', message: 'must be a port between 1 and 65535' }] });
    renderWithApi(<SettingsPage />, api);
    expect(await screen.findByText(/had problems at start-up/)).toBeInTheDocument();
    expect(screen.getByText(/must be a port between 1 and 65535/)).toBeInTheDocument();
  });
});
