import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RemoteInput, RemoteSaveResult, RemoteView } from '../../../../shared/remote';
import { ApiError } from '../../api/api-client';
import type { DeskBridge } from '../../api/ipc-transport';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsPage } from './SettingsPage';

function settingsApi(reachable = true) {
  return createFakeApi({
    getConfig: () => {
      if (!reachable) {
        throw new ApiError({
          error: 'unavailable',
          message: 'cannot reach the Rebalance Desk service at https://desk.example:8765 (Failed to fetch)',
        });
      }
      return makeConfig();
    },
    strategies: () => ({ strategies: [], error: null }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

/** The desktop app's window.desk, its main process answering the remote desktop operations over `call`. */
function desktop(view: RemoteView, answer?: (input: RemoteInput) => RemoteSaveResult) {
  const saveRemote = vi.fn(
    async (input: RemoteInput): Promise<RemoteSaveResult> =>
      answer?.(input) ?? {
        ok: true,
        restarting: true,
        view: { url: input.url, ca: input.ca ?? null, tokenSet: true, attached: view.attached },
      },
  );
  const call = async (name: string, input: unknown) => {
    if (name === 'remoteSettings') return { ok: true, value: view };
    if (name === 'saveRemote') return { ok: true, value: await saveRemote(input as RemoteInput) };
    return { ok: false, error: { error: 'not-found', message: `no operation ${name} here` } };
  };
  const bridge = { call, subscribe: () => () => {} } as unknown as DeskBridge;
  window.desk = bridge;
  return { saveRemote };
}

afterEach(() => {
  delete window.desk;
});

async function retype(box: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(box);
  await userEvent.click(box);
  await userEvent.paste(text);
}

const LOCAL: RemoteView = { url: null, ca: null, tokenSet: false, attached: false };

// The whole Settings form re-renders under jsdom on a shared, loaded machine: allow it time, assert no timing.
describe('Settings › Remote core (§22)', { timeout: 60_000 }, () => {
  it('is not shown in a browser (no desktop bridge)', async () => {
    renderWithApi(<SettingsPage />, settingsApi());
    await screen.findByRole('region', { name: 'IB Gateway / TWS' });
    expect(screen.queryByRole('region', { name: 'Remote core' })).not.toBeInTheDocument();
  });

  it('refuses http:// to another machine beside the field, sending nothing', async () => {
    const { saveRemote } = desktop(LOCAL);
    renderWithApi(<SettingsPage />, settingsApi());
    const remote = await screen.findByRole('region', { name: 'Remote core' });
    const url = within(remote).getByRole('textbox', { name: 'Server URL' });
    await retype(url, 'http://desk.example:8765');
    expect(url).toHaveValue('http://desk.example:8765');
    expect(url).toHaveAccessibleDescription(/^must be the https:\/\/ address of a Rebalance Desk server/);
    expect(within(remote).getByRole('button', { name: 'Save and attach' })).toBeDisabled();
    expect(saveRemote).not.toHaveBeenCalled();
  });

  it('attaches to a server with its token and CA, and says the app restarts attached', async () => {
    const { saveRemote } = desktop(LOCAL);
    renderWithApi(<SettingsPage />, settingsApi());
    const remote = await screen.findByRole('region', { name: 'Remote core' });
    await retype(within(remote).getByRole('textbox', { name: 'Server URL' }), 'https://desk.example:8765');
    await retype(within(remote).getByLabelText('Token'), 's3rver-token');
    await retype(within(remote).getByRole('textbox', { name: 'CA certificate' }), '/home/trader/desk-ca.pem');
    await userEvent.click(within(remote).getByRole('button', { name: 'Save and attach' }));
    await waitFor(() => expect(saveRemote).toHaveBeenCalledOnce());
    expect(saveRemote).toHaveBeenCalledWith({
      url: 'https://desk.example:8765',
      token: 's3rver-token',
      ca: '/home/trader/desk-ca.pem',
    });
    expect(await within(remote).findByRole('status')).toHaveTextContent(
      'Rebalance Desk restarts attached to https://desk.example:8765',
    );
  });

  it('shows the issue the main process found beside its field', async () => {
    const { saveRemote } = desktop(LOCAL, () => ({
      ok: false,
      issues: [{ path: 'remote.ca', message: 'must be the path of a PEM certificate file' }],
    }));
    renderWithApi(<SettingsPage />, settingsApi());
    const remote = await screen.findByRole('region', { name: 'Remote core' });
    await retype(within(remote).getByRole('textbox', { name: 'Server URL' }), 'https://desk.example:8765');
    await userEvent.click(within(remote).getByRole('button', { name: 'Save and attach' }));
    await waitFor(() => expect(saveRemote).toHaveBeenCalledOnce());
    expect(within(remote).getByRole('textbox', { name: 'CA certificate' })).toHaveAccessibleDescription(
      /^must be the path of a PEM certificate file/,
    );
  });

  it('says why a save failed that is not about one field (the keychain is locked)', async () => {
    desktop(LOCAL, () => ({
      ok: false,
      issues: [
        { path: 'remote', message: 'The OS keychain is not available, so API keys and the token cannot be stored' },
      ],
    }));
    renderWithApi(<SettingsPage />, settingsApi());
    const remote = await screen.findByRole('region', { name: 'Remote core' });
    await retype(within(remote).getByRole('textbox', { name: 'Server URL' }), 'https://desk.example:8765');
    await retype(within(remote).getByLabelText('Token'), 't');
    await userEvent.click(within(remote).getByRole('button', { name: 'Save and attach' }));
    expect(await within(remote).findByText(/^not saved: The OS keychain is not available/)).toBeInTheDocument();
  });

  it('lets the trader clear the remote when the remote core does not answer', async () => {
    const { saveRemote } = desktop({
      url: 'https://desk.example:8765',
      ca: '/home/trader/desk-ca.pem',
      tokenSet: true,
      attached: true,
    });
    renderWithApi(<SettingsPage />, settingsApi(false));
    expect(await screen.findByText(/Could not load the settings: cannot reach/)).toBeInTheDocument();
    const remote = await screen.findByRole('region', { name: 'Remote core' });
    await waitFor(() =>
      expect(within(remote).getByRole('textbox', { name: 'Server URL' })).toHaveValue('https://desk.example:8765'),
    );
    // the token is write-only: never shown, only that one is set
    expect(within(remote).getByLabelText('Token')).toHaveValue('');
    expect(within(remote).getByLabelText('Token')).toHaveAccessibleDescription(/set — type a new one/);
    await userEvent.click(within(remote).getByRole('button', { name: 'Run the core here' }));
    await waitFor(() => expect(saveRemote).toHaveBeenCalledOnce());
    expect(saveRemote.mock.calls[0]![0]).toMatchObject({ url: null });
    expect(await within(remote).findByRole('status')).toHaveTextContent('Rebalance Desk restarts with its own core');
  });
});
