/**
 * The desktop app's lifecycle (PRODUCT.md §2, §18): one instance, the core hosted with settings in
 * `<userData>/settings.json` and secrets in the OS keychain, a hardened window that opens even when the core does not
 * start, tray and notifications, and a graceful quit — also on OS shutdown — that stops the core before exiting.
 */
import { join } from 'node:path';
import { app, dialog, protocol, session, type BrowserWindow } from 'electron';
import type { RuntimeOptions } from '../core/runtime';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler, resolveAppPage, type AppPage } from './app-page';
import type { CoreHost, CoreRuntime } from './core-host';
import { DesktopNotifier } from './desktop-notifier';
import type { RemoteTarget } from './remote-core';
import { loadDesktopSettings, setupCoreHost, setupCoreStream, startCore } from './setup-core-host';
import { setupIpc } from './setup-ipc';
import { setupMenu } from './setup-menu';
import { setupRemote } from './setup-remote';
import { setupShutdown, type ShutdownStep } from './setup-shutdown';
import { setupTray } from './setup-tray';
import { setupWindow } from './setup-window';
import { keepsRunningWhenClosed, loadShellPrefs, stillRunningNotice } from './shell-prefs';
import type { DeskTray } from './tray';
import { CONTENT_SECURITY_POLICY, installSessionSecurity } from './window-security';
import { startedHidden } from './workstation';

export type { ShutdownStep } from './setup-shutdown';

export const APP_NAME = 'Rebalance Desk';
export const APP_ID = 'com.rebalancedesk.app';
/** §26: the first run (no settings file) opens on Get started; later the window picks from the core's checklist. */
export const FIRST_RUN_HASH = '/get-started';

export interface DesktopAppOptions {
  /** Folder of the built main bundle (`out/main`); the preload and the page are found beside it. */
  mainDir: string;
  createRuntime: (options: RuntimeOptions) => CoreRuntime;
  /** Where `redis/<platform>/` is shipped; default `process.resourcesPath` packaged, `<appPath>/resources` otherwise. */
  resourcesDir?: string;
  /** Longest wait for the core to stop on quit before exiting anyway (default 20 s). */
  stopTimeoutMs?: number;
  /** Default `process.platform` (tests). */
  platform?: NodeJS.Platform;
}

/** Handles on the running app, for index.ts and tests. */
export interface DesktopApp {
  /** Resolves once the window is open and the core's start has finished (successfully or not). */
  ready: Promise<void>;
  readonly host: CoreHost | null;
  /** §22: the remote core the window is attached to (no local core then), or null. */
  readonly remote: RemoteTarget | null;
  readonly tray: DeskTray | null;
  readonly firstRun: boolean;
  mainWindow(): BrowserWindow | null;
  showWindow(hash?: string): BrowserWindow;
  /** The graceful quit; runs once, later calls get the same promise. */
  shutdown(reason: string): Promise<void>;
  /** The shutdown steps done so far, in order. */
  readonly shutdownSteps: ShutdownStep[];
}

/**
 * Starts the desktop app: each part is set up by its own module (setup-*.ts), in this order, and owns its state; this
 * function only hands them to each other. Returns null when another instance already runs (that one is focused
 * instead and this one quits).
 */
export function runDesktopApp(options: DesktopAppOptions): DesktopApp | null {
  // One userData folder in development and in the installed app alike (the lock lives there too).
  app.setName(APP_NAME);
  app.setPath('userData', join(app.getPath('appData'), APP_NAME));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Before `ready`: the page is served from app://desk/ (its responses carry the CSP header).
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  const platform = options.platform ?? process.platform;
  const page: AppPage = resolveAppPage(options.mainDir, app.isPackaged);
  const warn = (message: string) => console.warn(`[rebalance-desk] ${message}`);

  let host: CoreHost | null = null;
  let tray: DeskTray | null = null;
  let firstRun = false;
  let remote: RemoteTarget | null = null;
  let csp = CONTENT_SECURITY_POLICY;
  let stopStream: (() => void) | null = null;
  let closeIpc: (() => void) | null = null;
  let toldAboutTray = false;

  const tradingMode = (): 'paper' | 'live' => host?.settings.tradingMode ?? 'paper';
  const noLocalCore = () =>
    new Error(
      remote
        ? `this app is attached to the core at ${remote.url}: pause and resume it from the window`
        : 'the core is not running',
    );
  const shutdown = setupShutdown(
    () => ({
      flushWindowState: () => mainWindow.flushState(),
      stopStream,
      stopCore: host ? () => host!.stop() : null,
      closeIpc,
      removeTray: tray ? () => tray!.destroy() : null,
    }),
    options.stopTimeoutMs ?? 20_000,
    warn,
  );
  const mainWindow = setupWindow({
    appName: APP_NAME,
    page,
    preload: join(options.mainDir, '../preload/index.cjs'),
    // Attached to a remote core, this app does not know its trading mode (the window's strip shows it): never claim one.
    titleFor: (mode) => (remote ? `${APP_NAME} — REMOTE ${remote.host}` : `${APP_NAME} — ${mode.toUpperCase()}`),
    tradingMode,
    onSessionEnd: () => void shutdown.run('session-end'),
    warn,
  });
  const showWindow = (hash?: string) => mainWindow.show(hash);
  const notifier = new DesktopNotifier(() => void showWindow('/queue'));

  async function onReady(): Promise<void> {
    // Windows notifications need the id of a Start-menu shortcut: the installer's appId, or in `npm start` the
    // electron executable itself.
    if (platform === 'win32') app.setAppUserModelId(app.isPackaged ? APP_ID : process.execPath);
    const userData = app.getPath('userData');
    const policy = () => csp;
    installSessionSecurity(session.defaultSession, policy);
    if (page.kind === 'protocol') protocol.handle(APP_SCHEME, appProtocolHandler(page.root, policy));
    setupMenu({ appName: APP_NAME, platform, userData, host: () => host, showWindow, warn });

    const settings = await loadDesktopSettings(userData, warn);
    firstRun = settings.firstRun;
    const attached = setupRemote(settings.loadOutcome?.settings ?? null);
    remote = attached?.remote ?? null;
    if (attached) csp = attached.csp;
    if (settings.loadOutcome && !remote) {
      host = setupCoreHost({
        store: settings.store,
        loadOutcome: settings.loadOutcome,
        userData,
        resourcesDir:
          options.resourcesDir ?? (app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources')),
        notifier,
        createRuntime: options.createRuntime,
      });
    }
    closeIpc = setupIpc({
      isAppUrl: mainWindow.isAppUrl,
      host: () => host,
      startupError: settings.startupError,
      store: settings.loadOutcome ? settings.store : null,
      remote,
      certificates: attached?.certificates ?? null,
      shutdown: (reason) => shutdown.run(reason),
    });

    // §29 launched at login: only the tray (the first run still opens the window).
    const hidden = startedHidden(process.argv) && !firstRun;
    if (!hidden) showWindow(firstRun ? FIRST_RUN_HASH : '');
    tray = setupTray({ appName: APP_NAME, host: () => host, noLocalCore, showWindow, tradingMode, warn });
    if (hidden && !tray) showWindow();
    shutdown.watchOsShutdown();

    if (remote) {
      console.info(`[rebalance-desk] attached to the remote core at ${remote.url}; no local core started`);
      return;
    }
    if (!host) {
      dialog.showErrorBox(
        APP_NAME,
        `${settings.startupError ?? 'The settings could not be read.'}\n\nFix or remove the file and start the app again.`,
      );
      return;
    }
    stopStream = setupCoreStream(host, {
      isAppUrl: mainWindow.isAppUrl,
      tray: () => tray,
      updateTitle: mainWindow.updateTitle,
      warn,
    });
    await startCore(host, APP_NAME, showWindow, mainWindow.updateTitle);
  }

  app.on('second-instance', () => {
    if (shutdown.started) return;
    showWindow();
  });
  app.on('web-contents-created', (_event, contents) => mainWindow.harden(contents));
  app.on('window-all-closed', () => {
    if (shutdown.started) return;
    const userData = app.getPath('userData');
    if (!keepsRunningWhenClosed(platform, tray !== null, loadShellPrefs(join(userData, 'desktop.json')))) {
      app.quit();
      return;
    }
    if (!toldAboutTray) {
      toldAboutTray = true;
      void notifier.notify({ title: APP_NAME, body: stillRunningNotice(platform), level: 'info' });
    }
  });
  app.on('activate', () => {
    if (!shutdown.started && app.isReady()) showWindow();
  });

  const ready = app.whenReady().then(onReady);
  ready.catch((error: Error) => {
    // Nothing usable is left (no window, or no IPC): say why and end the process instead of leaving it windowless.
    console.error(`[rebalance-desk] start-up failed: ${error.stack ?? error.message}`);
    try {
      dialog.showErrorBox(APP_NAME, `Rebalance Desk could not start: ${error.message}`);
    } finally {
      app.exit(1);
    }
  });

  return {
    ready,
    get host() {
      return host;
    },
    get remote() {
      return remote;
    },
    get tray() {
      return tray;
    },
    get firstRun() {
      return firstRun;
    },
    mainWindow: () => mainWindow.current(),
    showWindow,
    shutdown: (reason) => shutdown.run(reason),
    shutdownSteps: shutdown.steps,
  };
}
