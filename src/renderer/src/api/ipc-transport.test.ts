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
    await createApi(win).call('accounts');
    expect(call).toHaveBeenCalledWith('accounts', {});
  });
});
