import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, type Settings } from '../core/config/schema';
import type { RuntimeOptions } from '../core/runtime';
import type { CallResult, Handlers, StreamMessage } from '../shared/contract';
import type { Health } from '../shared/dto';
import { runDesktopApp, type DesktopApp } from './app-lifecycle';
import type { CoreRuntime } from './core-host';
import { CONTENT_SECURITY_POLICY } from './window-security';
import { dotDataUrl } from './tray-icon';
import {
  app,
  BrowserWindow,
  dialog,
  fakeEvent,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  resetFakes,
  session,
  Tray,
  type FakeImage,
  type FakeMenuItem,
} from './test/fake-electron.test-support';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

const MAIN_DIR = '/opt/rebalance-desk/out/main';
const PAGE_URL = 'app://desk/index.html';
const fixtures = join(import.meta.dirname, '../core/config/fixtures/legacy');

/** Everything the fakes did, in order. */
let log: string[] = [];

function healthOf(status: Health['status'], over: Partial<Health> = {}): Health {
  const light = { state: status === 'ok' ? ('green' as const) : ('red' as const), detail: status };
  return {
    status,
    redis: light,
    ib: light,
    feed: light,
    processor: light,
    queue: light,
    tradingMode: 'paper',
    simulated: false,
    ...over,
  };
}

class FakeRuntime implements CoreRuntime {
  static failStart: Error | null = null;
  static instances: FakeRuntime[] = [];
  private readonly listeners = new Set<(message: StreamMessage) => void>();
  readonly handlers: Handlers;

  constructor(readonly options: RuntimeOptions) {
    FakeRuntime.instances.push(this);
    log.push('runtime.new');
    const handlers: Partial<Record<string, (input: unknown) => Promise<unknown>>> = {
      health: () => this.health(),
      queueStatus: async () => ({ paused: false, counts: { awaiting: 0 } }),
      pause: async () => {
        log.push('handlers.pause');
        return { paused: true };
      },
      resume: async () => ({ paused: false }),
      enqueue: async (input) => ({ id: 'e1', ...(input as object) }),
    };
    this.handlers = new Proxy(handlers, {
      get: (target, name: string) =>
        target[name] ??
        (async () => {
          throw new Error(`${name} is not faked`);
        }),
    }) as unknown as Handlers;
  }
  get settings(): Settings {
    return this.options.settingsStore.settings;
  }
  async start() {
    log.push('runtime.start');
    if (FakeRuntime.failStart) throw FakeRuntime.failStart;
  }
  async stop() {
    // What Runtime.stop does, in its order.
    for (const part of ['feed', 'processor', 'ib', 'queue', 'redis']) {
      await Promise.resolve();
      log.push(`${part}.stop`);
    }
  }
  subscribe(listener: (message: StreamMessage) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  broadcast(message: StreamMessage) {
    for (const l of this.listeners) l(message);
  }
  async health() {
    return healthOf('ok');
  }
  async saveSettings(next: Settings) {
    await this.options.settingsStore.save(next);
    log.push('runtime.saveSettings');
  }
  async applySettings() {
    log.push('runtime.applySettings');
  }
}

let appData: string;
let userData: string;
let desk: DesktopApp | null;

async function launch(platform: NodeJS.Platform = 'linux'): Promise<DesktopApp> {
  desk = runDesktopApp({
    mainDir: MAIN_DIR,
    createRuntime: (o) => new FakeRuntime(o),
    resourcesDir: join(userData, 'res'),
    platform,
  });
  if (!desk) throw new Error('no app');
  app.becomeReady();
  await desk.ready;
  return desk;
}

function theWindow(): BrowserWindow {
  const win = BrowserWindow.instances[0];
  if (!win) throw new Error('no window');
  return win;
}

async function ipcCall(
  name: string,
  input: unknown,
  url = theWindow().webContents.getURL(),
): Promise<CallResult<unknown>> {
  const handler = ipcMain.handlers.get('desk:call');
  if (!handler) throw new Error('desk:call not registered');
  return (await handler({ senderFrame: { url } }, name, input)) as CallResult<unknown>;
}

function menuItem(label: string): FakeMenuItem {
  const walk = (items: FakeMenuItem[]): FakeMenuItem | undefined => {
    for (const item of items) {
      if (item.label === label) return item;
      const inner = item.submenu ? walk(item.submenu) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const found = walk(Menu.applicationMenu?.items ?? []);
  if (!found) throw new Error(`no menu item ${label}`);
  return found;
}

beforeEach(async () => {
  resetFakes();
  log = [];
  FakeRuntime.failStart = null;
  FakeRuntime.instances = [];
  appData = await mkdtemp(join(tmpdir(), 'rd-desktop-'));
  app.appData = appData;
  userData = join(appData, 'Rebalance Desk');
  const exit = app.exit.bind(app);
  vi.spyOn(app, 'exit').mockImplementation((code?: number) => {
    log.push('app.exit');
    exit(code);
  });
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

describe('single instance', () => {
  it('keeps its files in <appData>/Rebalance Desk', async () => {
    await launch();
    expect(app.getPath('userData')).toBe(userData);
    expect(app.name).toBe('Rebalance Desk');
  });

  it('quits at once when another instance already runs', () => {
    app.gotLock = false;
    expect(runDesktopApp({ mainDir: MAIN_DIR, createRuntime: (o) => new FakeRuntime(o) })).toBeNull();
    expect(app.calls).toContain('quit');
    expect(BrowserWindow.instances).toEqual([]);
    expect(log).toEqual([]);
  });

  it('focuses the running window on a second launch', async () => {
    await launch();
    const win = theWindow();
    win.minimized = true;
    win.calls = [];
    app.emit('second-instance', fakeEvent(), ['rebalance-desk'], '/');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    expect(BrowserWindow.instances).toHaveLength(1);
  });
});

describe('the window', () => {
  it('is isolated, sandboxed, without Node, with the CJS preload', async () => {
    await launch();
    expect(theWindow().options.webPreferences).toMatchObject({
      preload: resolve(MAIN_DIR, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('shows PAPER / LIVE in its title and keeps the page from replacing it', async () => {
    await launch();
    const win = theWindow();
    expect(win.getTitle()).toBe('Rebalance Desk — PAPER');
    const titleEvent = fakeEvent();
    win.emit('page-title-updated', titleEvent, 'Rebalance Desk');
    expect(titleEvent.defaultPrevented).toBe(true);
    FakeRuntime.instances[0]?.broadcast({ type: 'health', health: healthOf('ok', { tradingMode: 'live' }) });
    expect(win.getTitle()).toBe('Rebalance Desk — LIVE');
  });

  it("puts the strict CSP on the app's responses and denies permission requests", async () => {
    await launch();
    const callback = vi.fn();
    session.defaultSession.headersListener?.({ url: PAGE_URL, responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    const permission = vi.fn();
    session.defaultSession.permissionRequestHandler?.({}, 'media', permission);
    expect(permission).toHaveBeenCalledWith(false);
    expect(session.defaultSession.permissionCheckHandler?.()).toBe(false);
  });

  it('serves its page from the privileged app:// scheme, registered before ready and handled after', async () => {
    const running = runDesktopApp({ mainDir: MAIN_DIR, createRuntime: (o) => new FakeRuntime(o), platform: 'linux' });
    desk = running;
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(protocol.isProtocolHandled('app')).toBe(false);
    app.becomeReady();
    await running?.ready;
    expect(protocol.isProtocolHandled('app')).toBe(true);
    const missing = await protocol.handlers.get('app')?.(new Request('app://desk/nothing-here.js'));
    expect(missing?.status).toBe(404);
    expect(missing?.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('maximizes a window that was maximized only once it is ready to show', async () => {
    await mkdir(userData, { recursive: true });
    await writeFile(
      join(userData, 'window-state.json'),
      JSON.stringify({ bounds: { x: 0, y: 0, width: 1000, height: 700 }, maximized: true }),
    );
    await launch();
    const win = theWindow();
    expect(win.calls).not.toContain('maximize');
    win.emit('ready-to-show');
    expect(win.calls).toEqual(['maximize', 'show']);
  });

  it('reloads the page when its renderer crashes, and stops after repeated crashes', async () => {
    await launch();
    const contents = theWindow().webContents;
    contents.emit('render-process-gone', fakeEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(contents.reloads).toBe(0);
    for (let i = 0; i < 3; i++) contents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(contents.reloads).toBe(3);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringMatching(/page is gone \(crashed, exit code 139\); reloading/),
    );
    contents.emit('render-process-gone', fakeEvent(), { reason: 'oom', exitCode: 1 });
    expect(contents.reloads).toBe(3);
    expect(dialog.errors).toContainEqual(
      expect.objectContaining({ content: expect.stringMatching(/crashed 4 times/) }),
    );
  });

  it('denies navigation and new windows from its page', async () => {
    await launch();
    const contents = theWindow().webContents;
    const away = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.defaultPrevented).toBe(true);
    const within = fakeEvent({ url: `${PAGE_URL}#/accounts` });
    contents.emit('will-navigate', within, `${PAGE_URL}#/accounts`);
    expect(within.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
  });

  it('opens on Get started the first time (no settings file), on no page in particular afterwards', async () => {
    const first = await launch();
    expect(first.firstRun).toBe(true);
    expect(theWindow().loaded).toEqual({ url: `${PAGE_URL}#/get-started` });
    await first.shutdown('test');

    resetFakes();
    app.appData = appData;
    await writeFile(join(userData, 'settings.json'), '{}');
    const second = await launch();
    expect(second.firstRun).toBe(false);
    expect(theWindow().loaded).toEqual({ url: PAGE_URL });
  });
});

describe('start-up', () => {
  it('exits with code 1 when the start-up fails before the app is usable', async () => {
    vi.spyOn(session.defaultSession.webRequest, 'onHeadersReceived').mockImplementation(() => {
      throw new Error('no session');
    });
    desk = runDesktopApp({ mainDir: MAIN_DIR, createRuntime: (o) => new FakeRuntime(o), platform: 'linux' });
    app.becomeReady();
    await expect(desk?.ready).rejects.toThrow('no session');
    await vi.waitFor(() => expect(app.exitCode).toBe(1));
    expect(dialog.errors).toContainEqual({
      title: 'Rebalance Desk',
      content: 'Rebalance Desk could not start: no session',
    });
    desk = null;
  });

  it("hands the core the shipped redis-server and forbids redis-memory-server's download", async () => {
    const shipped = join(
      userData,
      'res',
      'redis',
      process.platform,
      process.platform === 'win32' ? 'redis-server.exe' : 'redis-server',
    );
    await mkdir(dirname(shipped), { recursive: true });
    await writeFile(shipped, '');
    await launch();
    expect(FakeRuntime.instances[0]?.options.embeddedRedis).toEqual({ bundledBinary: shipped, allowDownload: false });
  });

  it('uses the electron executable as app user-model id on Windows while unpackaged, the appId when packaged', async () => {
    const ids: string[] = [];
    vi.spyOn(app, 'setAppUserModelId').mockImplementation((id: string) => void ids.push(id));
    const first = await launch('win32');
    await first.shutdown('test');
    resetFakes();
    app.appData = appData;
    app.isPackaged = true;
    try {
      await launch('win32');
    } finally {
      app.isPackaged = false;
    }
    expect(ids).toEqual([process.execPath, 'com.rebalancedesk.app']);
  });
});

describe('closing the last window', () => {
  it('quits on Linux unless the trader opted in (GNOME shows no tray icon)', async () => {
    await launch('linux');
    theWindow().close();
    app.emit('window-all-closed');
    await vi.waitFor(() => expect(app.exitCode).toBe(0));
    expect(log).toContain('redis.stop');
  });

  it('keeps running on Linux after File › Keep Running When the Window Is Closed, and says how to get back', async () => {
    await launch('linux');
    const item = menuItem('Keep Running When the Window Is Closed');
    expect(item.type).toBe('checkbox');
    item.click?.({ checked: true });
    expect(JSON.parse(await readFile(join(userData, 'desktop.json'), 'utf8'))).toEqual({ keepRunningWhenClosed: true });
    theWindow().close();
    app.emit('window-all-closed');
    expect(app.calls).not.toContain('quit');
    expect(Notification.shown).toEqual([
      { title: 'Rebalance Desk', body: expect.stringMatching(/may show no tray icon.*start Rebalance Desk again/) },
    ]);
  });

  it('keeps running in the tray on Windows', async () => {
    await launch('win32');
    expect(() => menuItem('Keep Running When the Window Is Closed')).toThrow();
    theWindow().close();
    app.emit('window-all-closed');
    expect(app.calls).not.toContain('quit');
    expect(Notification.shown[0]?.body).toMatch(/notification area/);
  });
});

describe('IPC and stream', () => {
  it("answers the app page's calls from the core and refuses other frames", async () => {
    await launch();
    expect(await ipcCall('health', {})).toEqual({ ok: true, value: healthOf('ok') });
    expect(await ipcCall('enqueue', { accountId: 'DU123456', command: 'rebalance' })).toEqual({
      ok: true,
      value: { id: 'e1', accountId: 'DU123456', command: 'rebalance' },
    });
    expect(await ipcCall('health', {}, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { error: 'forbidden' },
    });
  });

  it('forwards stream messages to the window and colours the tray by health', async () => {
    await launch();
    const runtime = FakeRuntime.instances[0]!;
    const tray = Tray.instances[0]!;
    runtime.broadcast({ type: 'health', health: healthOf('down') });
    expect(theWindow().webContents.sent).toContainEqual({
      channel: 'desk:stream',
      message: { type: 'health', health: healthOf('down') },
    });
    expect((tray.image as FakeImage).dataURL).toBe(dotDataUrl('red'));
    runtime.broadcast({ type: 'health', health: healthOf('ok') });
    expect((tray.image as FakeImage).dataURL).toBe(dotDataUrl('green'));
  });

  it("pauses processing from the tray through the core's pause handler", async () => {
    await launch();
    const pause = Tray.instances[0]?.menu?.items.find((i) => i.label === 'Pause processing');
    pause?.click?.();
    await vi.waitFor(() => expect(log).toContain('handlers.pause'));
  });
});

describe('quit', () => {
  it('prevents the first quit, stops the core in order, saves the window state, then exits', async () => {
    const running = await launch();
    app.quit();
    app.quit(); // a second Cmd+Q while stopping is swallowed too
    await running.shutdown('again');
    expect(app.calls.filter((c) => c === 'quit-proceeded')).toEqual([]);
    expect(log).toEqual([
      'runtime.new',
      'runtime.start',
      'feed.stop',
      'processor.stop',
      'ib.stop',
      'queue.stop',
      'redis.stop',
      'app.exit',
    ]);
    expect(running.shutdownSteps).toEqual([
      'save-window-state',
      'stop-stream',
      'stop-core',
      'close-ipc',
      'remove-tray',
      'exit',
    ]);
    expect(app.exitCode).toBe(0);
    expect(JSON.parse(await readFile(join(userData, 'window-state.json'), 'utf8'))).toMatchObject({ maximized: false });
    expect(ipcMain.handlers.has('desk:call')).toBe(false);
    expect(Tray.instances[0]?.destroyed).toBe(true);
  });

  it('stops the same way when the OS shuts down', async () => {
    const running = await launch();
    const event = fakeEvent();
    powerMonitor.emit('shutdown', event);
    await running.shutdown('again');
    expect(event.defaultPrevented).toBe(true);
    expect(log.slice(-2)).toEqual(['redis.stop', 'app.exit']);
  });

  it('stops on Windows session end', async () => {
    const running = await launch();
    theWindow().emit('session-end', fakeEvent());
    await running.shutdown('again');
    expect(log.slice(-2)).toEqual(['redis.stop', 'app.exit']);
  });
});

describe('when the core does not start', () => {
  it('still opens the window, shows the error and reports Redis red with the reason', async () => {
    FakeRuntime.failStart = new Error('redis-server binary not found at /nope (from redis.binary).');
    await launch();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(dialog.messages).toContainEqual(
      expect.objectContaining({
        type: 'error',
        message: 'Rebalance Desk started without its core.',
        detail: expect.stringContaining('redis-server binary not found'),
      }),
    );
    const health = await ipcCall('health', {});
    expect(health).toMatchObject({
      ok: true,
      value: { status: 'down', redis: { state: 'red', detail: expect.stringContaining('/nope') } },
    });
    expect(await ipcCall('queueStatus', {})).toMatchObject({ ok: false, error: { error: 'unavailable' } });
    expect(await ipcCall('getConfig', {})).toMatchObject({ ok: true, value: { dataDir: userData, simulated: false } });
    expect(theWindow().webContents.sent).toContainEqual({
      channel: 'desk:stream',
      message: expect.objectContaining({ type: 'health' }),
    });
    expect(Tray.instances[0]?.image.dataURL).toBe(dotDataUrl('red'));
  });

  it('starts again when Settings are saved', async () => {
    FakeRuntime.failStart = new Error('no redis-server');
    await launch();
    FakeRuntime.failStart = null;
    // §18: putConfig takes the whole settings (a partial one would reset the rest)
    const full = defaultSettings();
    const saved = await ipcCall('putConfig', {
      settings: { ...full, redis: { ...full.redis, binary: '/usr/bin/redis-server' } },
    });
    expect(saved).toMatchObject({ ok: true });
    expect(await ipcCall('health', {})).toMatchObject({ ok: true, value: { status: 'ok' } });
    expect(JSON.parse(await readFile(join(userData, 'settings.json'), 'utf8')).redis.binary).toBe(
      '/usr/bin/redis-server',
    );
  });

  it('asks for the live-trading confirmation while the core is down, with the same machine-readable reason', async () => {
    FakeRuntime.failStart = new Error('no redis-server');
    await launch();
    const settings = { ...defaultSettings(), tradingMode: 'live' };
    const refused = await ipcCall('putConfig', { settings });
    expect(refused).toMatchObject({ ok: false, error: { error: 'invalid', reason: 'needs-live-confirmation' } });
    expect(await ipcCall('putConfig', { settings, confirmLive: true })).toMatchObject({
      ok: true,
    });
  });
});

describe('File › Import from ibkr-portfolio-rebalancer…', () => {
  it('imports the folder after confirmation and saves through the runtime', async () => {
    await launch();
    dialog.folders = [join(fixtures, 'good')];
    menuItem('Import from ibkr-portfolio-rebalancer…').click?.();
    await vi.waitFor(() => expect(log).toContain('runtime.applySettings'));
    expect(log).toContain('runtime.saveSettings');
    const confirm = dialog.messages.find((m) => m.buttons?.includes('Import'));
    expect(confirm?.detail).toContain('Add account DU123456 (paper, etf-blend-200-35, replacement set ira)');
    expect(confirm?.detail).not.toContain('alloc-key-very-secret');
    const file = await readFile(join(userData, 'settings.json'), 'utf8');
    expect(JSON.parse(file).accounts.map((a: { accountId: string }) => a.accountId)).toEqual([
      'DU123456',
      'DU7654321',
      'U1234567',
    ]);
    expect(file).not.toContain('very-secret');
    expect(existsSync(join(userData, 'secrets'))).toBe(true);
  });

  it('saves nothing when the trader cancels the summary', async () => {
    await launch();
    dialog.folders = [join(fixtures, 'good')];
    dialog.responses = [1];
    menuItem('Import from ibkr-portfolio-rebalancer…').click?.();
    await vi.waitFor(() => expect(dialog.messages).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(log).not.toContain('runtime.saveSettings');
  });

  it('shows why and saves nothing when the merged settings are invalid', async () => {
    await launch();
    const folder = await mkdtemp(join(tmpdir(), 'rd-legacy-'));
    await writeFile(
      join(folder, 'accounts.yaml'),
      'accounts:\n  - account_id: DU123456\n    strategy: s1\n    replacement_set: ira\n',
    );
    dialog.folders = [folder];
    menuItem('Import from ibkr-portfolio-rebalancer…').click?.();
    await vi.waitFor(() => expect(dialog.messages).toHaveLength(1));
    expect(dialog.messages[0]).toMatchObject({
      type: 'error',
      message: 'The imported settings are not valid, so nothing was saved.',
      detail: expect.stringContaining('accounts.0.replacementSet'),
    });
    expect(log).not.toContain('runtime.saveSettings');
    await rm(folder, { recursive: true, force: true });
  });
});
