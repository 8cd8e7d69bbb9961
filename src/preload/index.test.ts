import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcRenderer } from '../main/test/fake-electron.test-support';

vi.mock('electron', () => import('../main/test/fake-electron.test-support'));

interface Desk {
  call(name: string, input?: unknown): Promise<unknown>;
  subscribe(listener: (message: unknown) => void): () => void;
}

let desk: Desk;

beforeAll(async () => {
  await import('./index');
  desk = contextBridge.exposed.get('desk') as Desk;
});

describe('preload', () => {
  it('exposes exactly window.desk with call and subscribe, nothing else', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['desk']);
    expect(Object.keys(desk).sort()).toEqual(['call', 'subscribe']);
    expect(typeof desk.call).toBe('function');
    expect(typeof desk.subscribe).toBe('function');
    // No ipcRenderer or event emitter leaks through the bridge object.
    expect(Object.values(desk).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends calls on desk:call with the operation name and input', async () => {
    const result = await desk.call('enqueue', { accountId: 'DU123456', command: 'rebalance' });
    expect(ipcRenderer.invoked.at(-1)).toEqual([
      'desk:call',
      'enqueue',
      { accountId: 'DU123456', command: 'rebalance' },
    ]);
    expect(result).toMatchObject({ ok: true });
    await desk.call('health');
    expect(ipcRenderer.invoked.at(-1)).toEqual(['desk:call', 'health', {}]);
  });

  it('delivers stream messages without the IPC event and stops after unsubscribe', () => {
    const seen: unknown[] = [];
    const other: unknown[] = [];
    const unsubscribe = desk.subscribe((m) => seen.push(m));
    const unsubscribeOther = desk.subscribe((m) => other.push(m));
    expect(ipcRenderer.listenerCount('desk:stream')).toBe(1);
    ipcRenderer.emit('desk:stream', { sender: 'event object' }, { type: 'accounts' });
    expect(seen).toEqual([{ type: 'accounts' }]);
    unsubscribe();
    ipcRenderer.emit('desk:stream', {}, { type: 'config' });
    expect(seen).toEqual([{ type: 'accounts' }]);
    expect(other).toEqual([{ type: 'accounts' }, { type: 'config' }]);
    unsubscribeOther();
    expect(ipcRenderer.listenerCount('desk:stream')).toBe(0);
  });

  it('refuses a subscriber that is not a function', () => {
    expect(() => desk.subscribe('nope' as never)).toThrow(TypeError);
  });

  it('sends the desktop operations (§22 remote) on desk:call like the contract’s, never synchronously', async () => {
    await desk.call('remoteConnection');
    expect(ipcRenderer.invoked.at(-1)).toEqual(['desk:call', 'remoteConnection', {}]);
    await desk.call('saveRemote', { url: null });
    expect(ipcRenderer.invoked.at(-1)).toEqual(['desk:call', 'saveRemote', { url: null }]);
    expect(ipcRenderer.invoked.every((c) => c[0] === 'desk:call')).toBe(true);
  });
});
