/**
 * The desktop app's lifecycle (PRODUCT.md §2, §18): one instance, the core hosted with settings in
 * `<userData>/settings.json` and secrets in the OS keychain, a hardened window that opens even when the core does not
 * start, tray and notifications, and a graceful quit — also on OS shutdown — that stops the core before exiting.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { resolveDataDir } from '../core/config/data-dir';
import { SettingsStore, type LoadOutcome } from '../core/config/settings-store';
import type { RuntimeOptions } from '../core/runtime';
import type { StreamMessage } from '../shared/contract';
import { appMenuTemplate } from './app-menu';
import { applyLaunchAtLogin, powerSaveKeeper, startedHidden, watchSleep } from './workstation';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appPageUrl,
  appProtocolHandler,
  isAppPageUrl,
  resolveAppPage,
  type AppPage,
} from './app-page';
import { CoreHost, unavailableHandlers, type CoreRuntime } from './core-host';
import { DesktopNotifier } from './desktop-notifier';
import { bundledRedisBinary } from './embedded-redis';
import { runLegacyImport } from './import-action';
import { forwardStream, registerIpc } from './ipc';
import {
  registerRemoteIpc,
  remoteCertificateCheck,
  remotePolicy,
  remoteTargetOf,
  type RemoteTarget,
} from './remote-core';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import { keepsRunningWhenClosed, loadShellPrefs, saveShellPrefs, stillRunningNotice } from './shell-prefs';
import { DeskTray } from './tray';
import {
  CONTENT_SECURITY_POLICY,
  hardenWebContents,
  installSessionSecurity,
  secureWebPreferences,
} from './window-security';
import { askBeforeDiscardingEdits } from './unload-guard';
import { DEFAULT_SIZE, MIN_SIZE, loadWindowState, trackWindowState } from './window-state';

export const APP_NAME = 'Rebalance Desk';
export const APP_ID = 'com.rebalancedesk.app';
export const FIRST_RUN_HASH = '/settings?firstRun=1';

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

export type ShutdownStep = 'save-window-state' | 'stop-stream' | 'stop-core' | 'close-ipc' | 'remove-tray' | 'exit';

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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the desktop app. Returns null when another instance already runs (that one is focused instead and this one
 * quits).
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
  const isAppUrl = (url: string) => isAppPageUrl(page, url);
  const preload = join(options.mainDir, '../preload/index.cjs');
  const hardened = new WeakSet<WebContents>();
  const shutdownSteps: ShutdownStep[] = [];

  let window: BrowserWindow | null = null;
  let host: CoreHost | null = null;
  let tray: DeskTray | null = null;
  let firstRun = false;
  let startupError: string | null = null;
  let flushWindowState: (() => void) | null = null;
  let stopStream: (() => void) | null = null;
  let closeIpc: (() => void) | null = null;
  let remote: RemoteTarget | null = null;
  let csp = CONTENT_SECURITY_POLICY;
  let shuttingDown: Promise<void> | null = null;
  let toldAboutTray = false;

  const noLocalCore = () =>
    new Error(
      remote
        ? `this app is attached to the core at ${remote.url}: pause and resume it from the window`
        : 'the core is not running',
    );
  const notifier = new DesktopNotifier(() => void showWindow('/queue'));
  const warn = (message: string) => console.warn(`[rebalance-desk] ${message}`);
  const tradingMode = (): 'paper' | 'live' => host?.settings.tradingMode ?? 'paper';
  // Attached to a remote core, this app does not know its trading mode (the window's strip shows it): never claim one.
  const titleFor = (mode: 'paper' | 'live') =>
    remote ? `${APP_NAME} — REMOTE ${remote.host}` : `${APP_NAME} — ${mode.toUpperCase()}`;

  const harden = (contents: WebContents) => {
    if (hardened.has(contents)) return;
    hardened.add(contents);
    hardenWebContents(contents, { isAppUrl, openExternal: (url) => shell.openExternal(url), warn });
  };

  const navigate = (win: BrowserWindow, hash: string) => {
    win
      .loadURL(appPageUrl(page, hash))
      .catch((error: Error) => warn(`the window's page did not load: ${error.message}`));
  };

  function createWindow(hash: string): BrowserWindow {
    const userData = app.getPath('userData');
    const stateFile = join(userData, 'window-state.json');
    const state = loadWindowState(
      stateFile,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const win = new BrowserWindow({
      ...(state.bounds ?? DEFAULT_SIZE),
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: titleFor(tradingMode()),
      webPreferences: secureWebPreferences(preload, { devTools: !app.isPackaged }),
    });
    harden(win.webContents);
    askBeforeDiscardingEdits(win, (w, options) => dialog.showMessageBoxSync(w, options));
    // Maximized before the first paint only once the page is ready (earlier, some window managers ignore it).
    win.once('ready-to-show', () => {
      if (state.maximized) win.maximize();
      win.show();
    });
    const crashes: number[] = [];
    win.webContents.on('render-process-gone', (_event, details: { reason: string; exitCode: number }) => {
      if (win.isDestroyed() || details.reason === 'clean-exit') return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && (crashes[0] ?? now) < now - 60_000) crashes.shift();
      if (crashes.length > 3) {
        console.error(`[rebalance-desk] the window's page keeps crashing (${details.reason}); not reloading again`);
        dialog.showErrorBox(
          APP_NAME,
          `The window's page crashed ${crashes.length} times in a minute (${details.reason}). The core keeps ` +
            'running; close the window and open it again, or restart the app.',
        );
        return;
      }
      console.error(
        `[rebalance-desk] the window's page is gone (${details.reason}, exit code ${details.exitCode}); reloading`,
      );
      win.webContents.reload();
    });
    // The page's <title> must not replace PAPER / LIVE in the title bar.
    win.on('page-title-updated', (event) => event.preventDefault());
    flushWindowState = trackWindowState(win, stateFile);
    // Windows: log-off / shutdown / restart. Nothing can delay it, so stop as far as we get.
    win.on('session-end', () => void shutdown('session-end'));
    win.on('closed', () => {
      if (window === win) window = null;
    });
    navigate(win, hash);
    return win;
  }

  function showWindow(hash?: string): BrowserWindow {
    if (!window || window.isDestroyed()) {
      window = createWindow(hash ?? '');
      return window;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    if (hash) navigate(window, hash);
    return window;
  }

  function updateTitle(mode: 'paper' | 'live'): void {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.setTitle(titleFor(mode));
  }

  function onStream(message: StreamMessage): void {
    if (message.type === 'health') {
      tray?.update(message.health);
      updateTitle(message.health.tradingMode);
    } else if (message.type === 'config') {
      updateTitle(tradingMode());
      syncLaunchAtLogin();
    }
  }

  /** §29 `desktop.launchAtLogin`: the login item follows the setting (started in the tray). */
  let launchAtLogin: boolean | null = null;
  function syncLaunchAtLogin(): void {
    const wanted = host?.settings.desktop.launchAtLogin ?? null;
    if (wanted === null || wanted === launchAtLogin) return;
    launchAtLogin = wanted;
    try {
      applyLaunchAtLogin(app, wanted);
    } catch (error) {
      warn(`launch at login could not be ${wanted ? 'set' : 'removed'}: ${(error as Error).message}`);
    }
  }

  async function shutdownOnce(reason: string): Promise<void> {
    console.info(`[rebalance-desk] stopping (${reason})`);
    const step = async (name: ShutdownStep, run: () => unknown) => {
      shutdownSteps.push(name);
      try {
        await run();
      } catch (error) {
        warn(`${name} failed: ${(error as Error).message}`);
      }
    };
    await step('save-window-state', () => flushWindowState?.());
    await step('stop-stream', () => stopStream?.());
    // Feed, processor (the running command finishes or is handed back to the queue), IB, queue, embedded Redis.
    await step('stop-core', () =>
      host ? withTimeout(host.stop(), options.stopTimeoutMs ?? 20_000, 'stopping the core') : undefined,
    );
    await step('close-ipc', () => closeIpc?.());
    await step('remove-tray', () => tray?.destroy());
    shutdownSteps.push('exit');
    app.exit(0);
  }

  function shutdown(reason: string): Promise<void> {
    shuttingDown ??= shutdownOnce(reason);
    return shuttingDown;
  }

  async function onReady(): Promise<void> {
    // Windows notifications need the id of a Start-menu shortcut: the installer's appId, or in `npm start` the
    // electron executable itself.
    if (platform === 'win32') app.setAppUserModelId(app.isPackaged ? APP_ID : process.execPath);
    const userData = app.getPath('userData');
    const policy = () => csp;
    installSessionSecurity(session.defaultSession, policy);
    if (page.kind === 'protocol') protocol.handle(APP_SCHEME, appProtocolHandler(page.root, policy));
    const prefsFile = join(userData, 'desktop.json');
    let prefs = loadShellPrefs(prefsFile);

    const isMac = platform === 'darwin';
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          isMac,
          appName: APP_NAME,
          devTools: !app.isPackaged,
          onImport: () => {
            if (!host) return;
            void runLegacyImport(showWindow(), host);
          },
          onOpenSettings: () => showWindow('/settings'),
          onOpenDataFolder: () => void shell.openPath(host?.dataDir ?? userData),
          onOpenLogFolder: () => void shell.openPath(join(host?.dataDir ?? userData, 'logs')),
          ...(platform === 'linux'
            ? {
                keepRunning: {
                  checked: prefs.keepRunningWhenClosed,
                  onToggle: (checked: boolean) => {
                    prefs = { ...prefs, keepRunningWhenClosed: checked };
                    try {
                      saveShellPrefs(prefsFile, prefs);
                    } catch (error) {
                      warn(`${prefsFile} could not be written: ${(error as Error).message}`);
                    }
                  },
                },
              }
            : {}),
        }),
      ),
    );

    const settingsFile = join(userData, 'settings.json');
    firstRun = !existsSync(settingsFile);
    const secrets = new SafeStorageSecretStore(safeStorage, join(userData, 'secrets'));
    const store = new SettingsStore(settingsFile, secrets);
    let loadOutcome: LoadOutcome | null = null;
    try {
      loadOutcome = await store.load();
    } catch (error) {
      startupError = `The settings in ${settingsFile} could not be read: ${(error as Error).message}`;
    }
    if (secrets.lastReadError) warn(secrets.lastReadError);

    const resourcesDir =
      options.resourcesDir ?? (app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources'));
    // §22: attached to a remote core, this app runs no core of its own; the window talks to that one (remote-core.ts).
    remote = loadOutcome ? remoteTargetOf(loadOutcome.settings) : null;
    const certificates = remote ? remoteCertificateCheck(remote) : null;
    if (remote && certificates) {
      csp = remotePolicy(remote);
      session.defaultSession.setCertificateVerifyProc((request, callback) => certificates.verify(request, callback));
    }
    if (loadOutcome && !remote) {
      host = new CoreHost({
        settingsStore: store,
        loadOutcome,
        dataDirOf: (settings) => resolveDataDir(settings.dataDir, userData),
        notifier,
        // The shipped redis-server, and never redis-memory-server's download (it compiles Redis or installs
        // Memurai from the internet): without a binary the core reports how to get one.
        createRuntime: (runtimeOptions) =>
          options.createRuntime({
            ...runtimeOptions,
            embeddedRedis: { bundledBinary: bundledRedisBinary({ resourcesDir }), allowDownload: false },
            keepAwake: powerSaveKeeper(powerSaveBlocker, (message) => console.info(`[rebalance-desk] ${message}`)),
          }),
        log: (level, message) => console[level](`[rebalance-desk] ${message}`),
      });
    }
    // Every operation `unavailable` (health: down) when the settings could not even be read.
    const fallbackReason = startupError ?? 'Rebalance Desk is starting.';
    const fallback = unavailableHandlers(
      () => fallbackReason,
      () => 'paper',
    );
    const currentHost = () => host;
    const closeCallIpc = registerIpc(ipcMain, { handlers: () => currentHost()?.handlers ?? fallback, isAppUrl });
    const closeRemoteIpc = loadOutcome
      ? registerRemoteIpc({
          ipcMain,
          isAppUrl,
          attached: remote,
          settings: () => currentHost()?.settings ?? store.settings,
          save: (next) => currentHost()?.saveSettings(next) ?? store.save(next),
          problem: () => certificates?.problem ?? null,
          restart: () => {
            app.relaunch();
            void shutdown(remote ? 'remote core changed' : 'attaching to a remote core');
          },
        })
      : () => undefined;
    closeIpc = () => {
      closeCallIpc();
      closeRemoteIpc();
    };

    // §29 launched at login: only the tray (the first run still opens the window).
    const hidden = startedHidden(process.argv) && !firstRun;
    if (!hidden) window = showWindow(firstRun ? FIRST_RUN_HASH : '');

    try {
      tray = new DeskTray({
        onOpen: () => void showWindow(),
        onQuit: () => app.quit(),
        pause: () => (host ? host.handlers.pause({}) : Promise.reject(noLocalCore())),
        resume: () => (host ? host.handlers.resume({}) : Promise.reject(noLocalCore())),
        queueStatus: () => (host ? host.handlers.queueStatus({}) : Promise.reject(noLocalCore())),
        tradingMode,
        onError: (message) => void dialog.showMessageBox({ type: 'error', title: APP_NAME, message }),
      });
    } catch (error) {
      tray = null;
      warn(`no tray icon on this desktop: ${(error as Error).message}`);
    }

    if (hidden && !tray) window = showWindow();

    // OS shutdown / restart on macOS and Linux: delay it and quit cleanly.
    powerMonitor.on('shutdown', (...args: unknown[]) => {
      (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
      void shutdown('system shutdown');
    });

    if (remote) {
      console.info(`[rebalance-desk] attached to the remote core at ${remote.url}; no local core started`);
      return;
    }
    if (!host) {
      dialog.showErrorBox(
        APP_NAME,
        `${startupError ?? 'The settings could not be read.'}\n\nFix or remove the file and start the app again.`,
      );
      return;
    }
    const running = host;
    stopStream = forwardStream(
      (listener) => running.subscribe(listener),
      () => BrowserWindow.getAllWindows(),
      isAppUrl,
    );
    running.subscribe(onStream);
    const stopWatchingSleep = watchSleep(powerMonitor, running, warn);
    const stopForwarding = stopStream;
    stopStream = () => {
      stopWatchingSleep();
      stopForwarding();
    };
    syncLaunchAtLogin();
    await running.start();
    updateTitle(running.settings.tradingMode);
    if (running.state === 'failed' && running.error) {
      const answer = await dialog.showMessageBox(showWindow(), {
        type: 'error',
        title: APP_NAME,
        message: 'Rebalance Desk started without its core.',
        detail:
          `${running.error.message}\n\nNothing is processed until this is fixed. The status strip shows it in red; ` +
          'fix the cause (for example set the Redis binary in Settings, or install redis-server) — saving Settings ' +
          'tries again.',
        buttons: ['Open Settings', 'Close'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (answer.response === 0) showWindow('/settings');
    }
  }

  app.on('second-instance', () => {
    if (shuttingDown) return;
    showWindow();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('before-quit', (event) => {
    // Prevent once; the core stops, then app.exit ends the process (before-quit is not emitted again).
    event.preventDefault();
    void shutdown('quit');
  });
  app.on('window-all-closed', () => {
    if (shuttingDown) return;
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
    if (!shuttingDown && app.isReady()) showWindow();
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
    mainWindow: () => window,
    showWindow,
    shutdown,
    shutdownSteps,
  };
}
