/**
 * §22 remote window in the desktop app (mocked `electron`): with `remote.url` set the app starts no core and no
 * Redis, the window opens with a CSP that lets it reach exactly that origin, the remote's certificate is checked
 * against `remote.ca` for that host only, and the window learns where to connect. Saving a remote from Settings keeps
 * the token out of settings.json (keychain) and restarts the app attached.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RuntimeOptions } from '../core/runtime';
import type { Handlers, StreamMessage } from '../shared/contract';
import type { Health } from '../shared/dto';
import { DESKTOP_APP_ORIGIN } from '../shared/csp';
import type { RemoteSaveResult } from '../shared/remote';
import { APP_ORIGIN } from './app-page';
import { runDesktopApp, type DesktopApp } from './app-lifecycle';
import type { CoreRuntime } from './core-host';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  resetFakes,
  session,
  Tray,
} from './test/fake-electron.test-support';
import { CONTENT_SECURITY_POLICY } from './window-security';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

const MAIN_DIR = '/opt/rebalance-desk/out/main';
const PAGE = 'app://desk/index.html';

const green = { state: 'green' as const, detail: 'ok' };
const health: Health = {
  status: 'ok',
  redis: green,
  ib: green,
  feed: green,
  processor: green,
  queue: green,
  tradingMode: 'paper',
  simulated: false,
};

let started: string[] = [];

class FakeRuntime implements CoreRuntime {
  readonly handlers = { health: async () => health } as unknown as Handlers;
  constructor(readonly options: RuntimeOptions) {}
  get settings() {
    return this.options.settingsStore.settings;
  }
  async start() {
    started.push('runtime.start');
  }
  async stop() {}
  subscribe(_listener: (message: StreamMessage) => void) {
    return () => undefined;
  }
  async health() {
    return health;
  }
  async saveSettings(next: Parameters<CoreRuntime['saveSettings']>[0]) {
    await this.options.settingsStore.save(next);
  }
  async applySettings() {}
}

let appData: string;
let userData: string;
let desk: DesktopApp | null = null;

async function launch(settings?: object): Promise<DesktopApp> {
  if (settings) {
    await mkdir(userData, { recursive: true });
    await writeFile(join(userData, 'settings.json'), JSON.stringify(settings));
  }
  desk = runDesktopApp({ mainDir: MAIN_DIR, createRuntime: (o) => new FakeRuntime(o), platform: 'linux' });
  if (!desk) throw new Error('no app');
  app.becomeReady();
  await desk.ready;
  return desk;
}

beforeEach(async () => {
  resetFakes();
  started = [];
  appData = await mkdtemp(join(tmpdir(), 'rd-remote-'));
  app.appData = appData;
  userData = join(appData, 'Rebalance Desk');
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(async () => {
  if (desk && !desk.shutdownSteps.includes('exit')) await desk.shutdown('test end');
  desk = null;
  vi.restoreAllMocks();
  await rm(appData, { recursive: true, force: true });
});

describe('attached to a remote core', () => {
  const remote = { url: 'https://desk.example:8765', token: 'r3mote-token', ca: '/etc/rd/ca.pem' };

  it('starts no core of its own, opens the window and says nothing is wrong', async () => {
    const running = await launch({ remote });
    expect(started).toEqual([]);
    expect(running.host).toBeNull();
    expect(running.remote).toMatchObject({ url: 'https://desk.example:8765', host: 'desk.example:8765' });
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(dialog.errors).toEqual([]);
    expect(dialog.messages).toEqual([]);
  });

  it('is answered across origins by the server as app://desk, the page it really is', () => {
    expect(APP_ORIGIN).toBe(DESKTOP_APP_ORIGIN);
  });

  it('lets the page connect to exactly that origin, on the page and on every response', async () => {
    await launch({ remote });
    const wanted = CONTENT_SECURITY_POLICY.replace(
      "connect-src 'self'",
      "connect-src 'self' https://desk.example:8765",
    );
    const callback = vi.fn();
    session.defaultSession.headersListener?.({ url: PAGE, responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [wanted] } });
    const page = await protocol.handlers.get('app')?.(new Request('app://desk/missing.js'));
    expect(page?.headers.get('content-security-policy')).toBe(wanted);
  });

  it('checks certificates only for the remote host', async () => {
    await launch({ remote });
    const verify = session.defaultSession.certificateVerifyProc;
    expect(verify).toBeTypeOf('function');
    const other = vi.fn();
    verify?.({ hostname: 'bank.example', certificate: { data: '' }, verificationResult: 'x', errorCode: -202 }, other);
    expect(other).toHaveBeenCalledWith(-3);
    // the remote's certificate against a remote.ca that cannot be read: refused, and the window can ask why
    const ours = vi.fn();
    verify?.({ hostname: 'desk.example', certificate: { data: '' }, verificationResult: 'x', errorCode: -202 }, ours);
    expect(ours).toHaveBeenCalledWith(-2);
    const why = await ipcMain.call(PAGE, 'remoteProblem');
    expect(why).toMatchObject({ ok: true });
    expect((why as { value: string }).value).toMatch(
      /certificate of desk\.example:8765 was refused: remote\.ca: cannot read \/etc\/rd\/ca\.pem/,
    );
  });

  it('names the remote in the title instead of a trading mode it does not know, and the tray says why it cannot pause', async () => {
    await launch({ remote });
    expect(BrowserWindow.instances[0]?.getTitle()).toBe('Rebalance Desk — REMOTE desk.example:8765');
    const pause = Tray.instances[0]?.menu?.items.find((item) => item.label === 'Pause processing');
    pause?.click?.();
    await vi.waitFor(() => expect(dialog.messages.length).toBe(1));
    expect(JSON.stringify(dialog.messages[0])).toContain(
      'attached to the core at https://desk.example:8765: pause and resume it from the window',
    );
  });

  it('tells its own page where to connect and with which token', async () => {
    await launch({ remote });
    expect(await ipcMain.call(PAGE, 'remoteConnection')).toEqual({
      ok: true,
      value: { url: 'https://desk.example:8765', host: 'desk.example:8765', token: 'r3mote-token' },
    });
  });

  it('keeps a running local core without remote, and installs no certificate check', async () => {
    await launch();
    expect(started).toEqual(['runtime.start']);
    expect(session.defaultSession.certificateVerifyProc).toBeNull();
    expect(await ipcMain.call(PAGE, 'remoteConnection')).toEqual({ ok: true, value: null });
  });
});

describe('Settings attaching the app to a remote core', () => {
  it('stores the token in the keychain, never in settings.json, and restarts attached', async () => {
    vi.spyOn(app, 'exit').mockImplementation(() => undefined);
    await launch();
    const answer = (await ipcMain.call(PAGE, 'saveRemote', {
      url: 'https://desk.example:8765',
      token: 'typed-token',
      ca: '/etc/rd/ca.pem',
    })) as { ok: true; value: RemoteSaveResult };
    expect(answer.value).toMatchObject({ ok: true, restarting: true });
    const onDisk = await readFile(join(userData, 'settings.json'), 'utf8');
    expect(JSON.parse(onDisk).remote).toEqual({ url: 'https://desk.example:8765', token: '', ca: '/etc/rd/ca.pem' });
    expect(onDisk).not.toContain('typed-token');
    expect(existsSync(join(userData, 'secrets'))).toBe(true);
    expect(await readFile(join(userData, 'secrets'), 'utf8')).not.toContain('typed-token');
    await vi.waitFor(() => expect(app.calls).toContain('relaunch'));
    await vi.waitFor(() => expect(desk?.shutdownSteps).toContain('exit'));
    expect(desk?.shutdownSteps).toContain('stop-core');
  });
});
