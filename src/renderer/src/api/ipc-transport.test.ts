import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-client';
import { createApi } from './create-api';
import { createIpcApi, type DeskBridge } from './ipc-transport';

describe('IPC transport', () => {
  it('unwraps results and turns failures into ApiErrors', async () => {
    const call = vi
      .fn()
      .mockResolvedValueOnce({ ok: true, value: { deleted: 'e1' } })
      .mockResolvedValueOnce({ ok: false, error: { error: 'conflict', message: 'event e1 is active' } });
    const bridge = { call, subscribe: vi.fn(() => () => {}) } as unknown as DeskBridge;
    const api = createIpcApi(bridge);
    await expect(api.call('delete', { id: 'e1', expectedStatus: 'held' })).resolves.toEqual({ deleted: 'e1' });
    expect(call).toHaveBeenCalledWith('delete', { id: 'e1', expectedStatus: 'held' });
    const error = await api.call('delete', { id: 'e1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('conflict');
  });

  it('is chosen when the preload exposes window.desk, HTTP otherwise', async () => {
    const call = vi.fn().mockResolvedValue({ ok: true, value: { accounts: [] } });
    const win = { desk: { call, subscribe: () => () => {} } } as unknown as Window;
    await (await createApi(win)).call('accounts');
    expect(call).toHaveBeenCalledWith('accounts', {});
  });

  it('talks HTTP to the remote core when the preload says the app is attached to one (§22)', async () => {
    // The main process answers the desktop operations; nothing else may go over IPC.
    const desktop: Record<string, unknown> = {
      remoteConnection: { url: 'https://desk.example:8765', host: 'desk.example:8765', token: 'r3mote' },
      remoteProblem: 'the certificate of desk.example:8765 was refused: it is for other.example',
    };
    const call = vi.fn(async (name: string) =>
      name in desktop ? { ok: true, value: desktop[name] } : { ok: false, error: { error: 'internal', message: name } },
    );
    const fetch = vi.fn(async () => new Response(JSON.stringify({ accounts: [] }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    try {
      const win = { desk: { call, subscribe: () => () => {} } } as unknown as Window;
      const api = await createApi(win);
      expect(api.remote).toEqual({ url: 'https://desk.example:8765', host: 'desk.example:8765' });
      await api.call('accounts');
      expect(call).not.toHaveBeenCalledWith('accounts', expect.anything());
      expect(fetch).toHaveBeenCalledWith('https://desk.example:8765/api/accounts', {
        method: 'GET',
        headers: { Accept: 'application/json', Authorization: 'Bearer r3mote' },
        body: undefined,
      });
      // Chromium's fetch says only "Failed to fetch"; the main process' certificate check says why.
      fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
      await expect(api.call('accounts')).rejects.toThrow(
        'cannot reach the Rebalance Desk service at https://desk.example:8765 (Failed to fetch: the certificate of ' +
          'desk.example:8765 was refused: it is for other.example)',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('stays on IPC when the preload has no remote connection', async () => {
    const call = vi.fn(async () => ({ ok: true, value: null }));
    const win = { desk: { call, subscribe: () => () => {} } } as unknown as Window;
    expect((await createApi(win)).remote).toBeUndefined();
    expect(call).toHaveBeenCalledWith('remoteConnection', {});
  });

  it('stays on IPC when the desktop settings could not be read (the local core then says why it is down)', async () => {
    const call = vi.fn(async () => ({
      ok: false,
      error: { error: 'unavailable', message: 'remoteConnection: the desktop settings could not be read' },
    }));
    const win = { desk: { call, subscribe: () => () => {} } } as unknown as Window;
    expect((await createApi(win)).remote).toBeUndefined();
  });
});
