import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig, makeSettings } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsPage } from './SettingsPage';

/** §28: Settings edits the other IB logins (Settings › IB Gateway) and each account picks its gateway. */
function settingsApi(settings: Record<string, unknown> = makeSettings()) {
  return createFakeApi({
    getConfig: () => makeConfig({ settings }),
    strategies: () => ({ strategies: [], error: 'allocation API answered 401' }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

const withSpouse = () => {
  const settings = makeSettings() as { accounts: Record<string, unknown>[] } & Record<string, unknown>;
  return {
    ...settings,
    gateways: [{ id: 'spouse', label: 'Spouse', host: '127.0.0.1', port: 4012, clientId: null }],
    accounts: settings.accounts.map((a) => ({ ...a, gateway: 'spouse' })),
  };
};

async function gatewayRow(index: number): Promise<HTMLElement> {
  return waitFor(() => {
    const row = document.querySelector<HTMLElement>(`[data-gateway-row="${index}"]`);
    if (!row) throw new Error(`no gateway row ${index}`);
    return row;
  });
}

async function accountRow(index: number): Promise<HTMLElement> {
  return waitFor(() => {
    const row = document.querySelector<HTMLElement>(`[data-account-row="${index}"]`);
    if (!row) throw new Error(`no account row ${index}`);
    return row;
  });
}

async function retype(box: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(box);
  await userEvent.click(box);
  await userEvent.paste(text);
}

const gatewayPicker = (row: HTMLElement) =>
  within(row).queryByLabelText('Gateway', { selector: 'input:not([type=hidden])' });

describe('Settings: gateways (§28)', { timeout: 60_000 }, () => {
  it('shows no gateway picker on the accounts while there is only the one gateway', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    const row = await accountRow(0);
    expect(gatewayPicker(row)).toBeNull();
    expect(document.querySelector('[data-gateway-row]')).toBeNull();
  });

  it('adds a gateway, moves an account onto it and saves both', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Add gateway' }));
    const gateway = await gatewayRow(0);
    await retype(within(gateway).getByRole('textbox', { name: 'Gateway id' }), 'spouse');
    await retype(within(gateway).getByRole('textbox', { name: 'Gateway label' }), 'Spouse');
    await retype(within(gateway).getByRole('textbox', { name: 'Gateway port' }), '4012');

    const account = await accountRow(0);
    const picker = gatewayPicker(account)!;
    expect(picker).toHaveValue('default (IB Gateway / TWS)');
    await userEvent.click(picker);
    await userEvent.click(await screen.findByRole('option', { name: 'spouse' }));

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const saved = api.callsOf('putConfig')[0]!.settings as {
      gateways: Record<string, unknown>[];
      accounts: Record<string, unknown>[];
    };
    expect(saved.gateways).toEqual([{ id: 'spouse', label: 'Spouse', host: '127.0.0.1', port: 4012, clientId: null }]);
    expect(saved.accounts[0]).toMatchObject({ accountId: 'DU123456', gateway: 'spouse' });
  });

  it("keeps a gateway's own restart window, 'off' for none, and an empty box following the default's", async () => {
    const api = settingsApi(withSpouse());
    renderWithApi(<SettingsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Add gateway' }));
    const spouse = await gatewayRow(0);
    const second = await gatewayRow(1);
    await retype(within(second).getByRole('textbox', { name: 'Gateway id' }), 'kids');
    await retype(within(second).getByRole('textbox', { name: 'Gateway port' }), '4022');
    const window = within(spouse).getByRole('textbox', { name: 'Gateway restart window' });
    expect(window).toHaveValue('');
    expect(window).toHaveAttribute('placeholder', 'as default');

    await retype(window, '25:00-01:00 Nowhere/Zone');
    expect(window).toHaveValue('25:00-01:00 Nowhere/Zone');
    expect(window).toHaveAccessibleDescription(/the start time 25:00 is not a time of day/);
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);

    await retype(window, '23:45-00:05 Europe/Zurich');
    await retype(within(second).getByRole('textbox', { name: 'Gateway restart window' }), 'off');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const saved = api.callsOf('putConfig')[0]!.settings as { gateways: Record<string, unknown>[] };
    expect(saved.gateways[0]).toMatchObject({ id: 'spouse', restartWindow: '23:45-00:05 Europe/Zurich' });
    expect(saved.gateways[1]).toMatchObject({ id: 'kids', restartWindow: null });

    await retype(window, '');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(2));
    const again = api.callsOf('putConfig')[1]!.settings as { gateways: Record<string, unknown>[] };
    expect(again.gateways[0]?.restartWindow).toBeUndefined();
  });

  it('refuses a gateway id used twice and a port the ib block already has, each beside its field', async () => {
    const api = settingsApi(withSpouse());
    renderWithApi(<SettingsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Add gateway' }));
    const second = await gatewayRow(1);
    const id = within(second).getByRole('textbox', { name: 'Gateway id' });
    await retype(id, 'spouse');
    expect(id).toHaveAccessibleDescription('gateway id spouse is used twice');
    const port = within(second).getByRole('textbox', { name: 'Gateway port' });
    await retype(port, '4002');
    expect(port).toHaveAccessibleDescription(/^127\.0\.0\.1:4002 is already gateway default/);

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
  });

  it("names the account's gateway field when its gateway is removed", async () => {
    const api = settingsApi(withSpouse());
    renderWithApi(<SettingsPage />, api);
    const gateway = await gatewayRow(0);
    await userEvent.click(within(gateway).getByRole('button', { name: 'Remove gateway spouse' }));
    const account = await accountRow(0);
    // The picker stays while an account still names a gateway, so the trader sees what to fix.
    const picker = gatewayPicker(account)!;
    expect(picker).toHaveAccessibleDescription(/^gateway "spouse" is not defined/);
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
    // the error summary's entry goes to the picker (it carries its settings path like every other field)
    const summary = screen.getByRole('alert', { name: /field\(s\) need fixing/ });
    await userEvent.click(within(summary).getByRole('button', { name: /› Gateway$/ }));
    expect(picker).toHaveFocus();
  });
});
