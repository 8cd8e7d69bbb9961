import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../core/management/api-error';
import { operations, type Handlers, type StreamMessage } from '../shared/contract';
import { DESKTOP_OPERATION_NAMES } from '../shared/remote';
import { isAppPageUrl, type AppPage } from './app-page';
import { createCallHandler, forwardStream, registerIpc } from './ipc';

const page: AppPage = { kind: 'protocol', root: '/opt/rebalance-desk/out/renderer', url: 'app://desk/index.html' };
const isAppUrl = (url: string) => isAppPageUrl(page, url);
const own = { senderFrame: { url: 'app://desk/index.html#/queue' } };

function fakeHandlers(): Handlers {
  const unexpected = async () => {
    throw new Error('not used by this test');
  };
  return new Proxy({} as Handlers, {
    get(_target, name: string) {
      if (name === 'enqueue') {
        return async (input: { accountId: string; command: string }) => ({
          id: 'e1',
          ...input,
          createdAt: new Date('2025-01-02T03:04:05Z'),
        });
      }
      if (name === 'retry') {
        return async () => {
          throw new ApiError('conflict', 'the event is no longer delayed');
        };
      }
      if (name === 'listEvents') return async (input: unknown) => ({ events: [], total: 0, input });
      return unexpected;
    },
  });
}

describe('desk:call', () => {
  const call = createCallHandler({ handlers: fakeHandlers, isAppUrl });

  it('returns {ok:true} with the handler value, serialised like the HTTP API (dates as ISO strings)', async () => {
    const result = await call(own, 'enqueue', { accountId: 'DU123456', command: 'print-positions' });
    expect(result).toEqual({
      ok: true,
      value: { id: 'e1', accountId: 'DU123456', command: 'print-positions', createdAt: '2025-01-02T03:04:05.000Z' },
    });
  });

  it('applies the schema defaults before calling the handler', async () => {
    const result = await call(own, 'listEvents', undefined);
    expect(result).toEqual({ ok: true, value: { events: [], total: 0, input: { limit: 200, offset: 0 } } });
  });

  it('rejects an unknown operation', async () => {
    expect(await call(own, 'dropDatabase', {})).toEqual({
      ok: false,
      error: { error: 'not-found', message: 'no operation named "dropDatabase"' },
    });
    expect(await call(own, 42, {})).toMatchObject({ ok: false, error: { error: 'not-found' } });
    expect(await call(own, '__proto__', {})).toMatchObject({ ok: false, error: { error: 'not-found' } });
  });

  it('rejects demo-only operations in the desktop app', async () => {
    expect(await call(own, 'publishSignal', { strategy: 'x' })).toMatchObject({
      ok: false,
      error: { error: 'not-found', message: 'publishSignal is only available in demo mode' },
    });
  });

  it('rejects a call from a foreign frame, or from no frame at all', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', 'about:blank', '']) {
      const result = await call({ senderFrame: { url } }, 'enqueue', { accountId: 'DU123456', command: 'rebalance' });
      expect(result).toMatchObject({ ok: false, error: { error: 'forbidden' } });
    }
    expect(await call({ senderFrame: null }, 'health', {})).toMatchObject({ ok: false, error: { error: 'forbidden' } });
  });

  it('rejects invalid input with a 400-style invalid body naming the field', async () => {
    const result = await call(own, 'enqueue', { accountId: 'nope', command: 'rebalance' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.error).toBe('invalid');
    expect(result.error.message).toMatch(/^invalid input: accountId: /);
    expect(result.error.issues).toEqual([{ path: 'accountId', message: 'must be an IB account id such as DU123456' }]);
  });

  it('rejects unknown fields and non-object input', async () => {
    expect(await call(own, 'health', { extra: 1 })).toMatchObject({ ok: false, error: { error: 'invalid' } });
    expect(await call(own, 'health', 'text')).toMatchObject({
      ok: false,
      error: { error: 'invalid', message: 'input must be an object' },
    });
    expect(await call(own, 'health', [1])).toMatchObject({ ok: false, error: { error: 'invalid' } });
  });

  it('turns a thrown typed error into a result, never a rejection', async () => {
    expect(await call(own, 'retry', { id: 'e1' })).toEqual({
      ok: false,
      error: { error: 'conflict', message: 'the event is no longer delayed' },
    });
    expect(await call(own, 'getEvent', { id: 'e1' })).toEqual({
      ok: false,
      error: { error: 'internal', message: 'not used by this test' },
    });
  });

  it('is registered on ipcMain as desk:call and can be removed', async () => {
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    const ipcMain = {
      handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => void handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    };
    const remove = registerIpc(ipcMain, { handlers: fakeHandlers, isAppUrl });
    const result = await handlers.get('desk:call')?.(own, 'enqueue', { accountId: 'DU123456', command: 'rebalance' });
    expect(result).toMatchObject({ ok: true, value: { id: 'e1' } });
    remove();
    expect(handlers.size).toBe(0);
  });

  it('answers the desktop operations (§22) from their own handlers, which no contract operation shadows', async () => {
    const remoteProblem = vi.fn(() => 'refused: because');
    const call = createCallHandler({
      handlers: fakeHandlers,
      isAppUrl,
      desktop: {
        remoteConnection: () => null,
        remoteSettings: () => ({ url: null, ca: null, tokenSet: false, attached: false }),
        saveRemote: () => ({ ok: false, issues: [] }),
        remoteProblem,
      },
    });
    expect(await call(own, 'remoteProblem', {})).toEqual({ ok: true, value: 'refused: because' });
    expect(await call({ senderFrame: { url: 'https://evil.example/' } }, 'remoteProblem', {})).toMatchObject({
      ok: false,
      error: { error: 'forbidden' },
    });
    expect(remoteProblem).toHaveBeenCalledOnce();
    expect(DESKTOP_OPERATION_NAMES.filter((name) => Object.hasOwn(operations, name))).toEqual([]);
  });
});

describe('stream forwarding', () => {
  it("sends each stream message to the app's windows only", () => {
    let listener: ((message: StreamMessage) => void) | null = null;
    const makeWindow = (url: string, destroyed = false) => ({
      sent: [] as unknown[],
      isDestroyed: () => destroyed,
      webContents: {
        isDestroyed: () => false,
        getURL: () => url,
        send(channel: string, message: unknown) {
          this.sentTo.push([channel, message]);
        },
        sentTo: [] as unknown[],
      },
    });
    const mine = makeWindow('app://desk/index.html#/accounts');
    const foreign = makeWindow('https://example.com/');
    const gone = makeWindow('app://desk/index.html', true);
    const unsubscribe = vi.fn();
    const stop = forwardStream(
      (l) => {
        listener = l;
        return unsubscribe;
      },
      () => [mine, foreign, gone],
      isAppUrl,
    );
    listener!({ type: 'accounts' });
    expect(mine.webContents.sentTo).toEqual([['desk:stream', { type: 'accounts' }]]);
    expect(foreign.webContents.sentTo).toEqual([]);
    expect(gone.webContents.sentTo).toEqual([]);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});

describe('isAppPageUrl', () => {
  it('accepts app://desk/index.html with any hash, and the dev server origin', () => {
    expect(isAppUrl('app://desk/index.html')).toBe(true);
    expect(isAppUrl('app://desk/index.html?x=1#/settings?firstRun=1')).toBe(true);
    expect(isAppUrl('app://desk/other.html')).toBe(false);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    // The built file itself is not the app page any more: only app://desk/ gets the CSP header.
    expect(isAppUrl('file:///opt/rebalance-desk/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    const dev: AppPage = { kind: 'url', url: 'http://localhost:5173/' };
    expect(isAppPageUrl(dev, 'http://localhost:5173/#/queue')).toBe(true);
    expect(isAppPageUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isAppPageUrl(dev, 'file:///opt/rebalance-desk/out/renderer/index.html')).toBe(false);
  });
});
