/**
 * The local core (§2, §18): settings in `<userData>/settings.json` with secrets in the OS keychain, the core hosted
 * with the shipped redis-server and the power-save blocker, its stream forwarded to the window, the tray and the title,
 * sleep and wake handed to it, launch at login following its setting, and a dialog when it does not start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, powerMonitor, powerSaveBlocker, safeStorage } from 'electron';
import { resolveDataDir } from '../core/config/data-dir';
import { SettingsStore, type LoadOutcome } from '../core/config/settings-store';
import type { RuntimeOptions } from '../core/runtime';
import type { StreamMessage } from '../shared/contract';
import { CoreHost, type CoreRuntime } from './core-host';
import type { DesktopNotifier } from './desktop-notifier';
import { bundledRedisBinary } from './embedded-redis';
import { forwardStream } from './ipc';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import type { DeskTray } from './tray';
import { applyLaunchAtLogin, powerSaveKeeper, watchSleep } from './workstation';

/** What reading the settings file came to; `loadOutcome` null (with `startupError`) when it could not be read. */
export interface DesktopSettings {
  store: SettingsStore;
  loadOutcome: LoadOutcome | null;
  startupError: string | null;
  /** No settings file yet: the window opens on Settings. */
  firstRun: boolean;
}

export async function loadDesktopSettings(userData: string, warn: (message: string) => void): Promise<DesktopSettings> {
  const settingsFile = join(userData, 'settings.json');
  const firstRun = !existsSync(settingsFile);
  const secrets = new SafeStorageSecretStore(safeStorage, join(userData, 'secrets'));
  const store = new SettingsStore(settingsFile, secrets);
  let loadOutcome: LoadOutcome | null = null;
  let startupError: string | null = null;
  try {
    loadOutcome = await store.load();
  } catch (error) {
    startupError = `The settings in ${settingsFile} could not be read: ${(error as Error).message}`;
  }
  if (secrets.lastReadError) warn(secrets.lastReadError);
  return { store, loadOutcome, startupError, firstRun };
}

export interface CoreHostSetup {
  store: SettingsStore;
  loadOutcome: LoadOutcome;
  userData: string;
  /** Where `redis/<platform>/` is shipped. */
  resourcesDir: string;
  notifier: DesktopNotifier;
  createRuntime: (options: RuntimeOptions) => CoreRuntime;
}

export function setupCoreHost(setup: CoreHostSetup): CoreHost {
  return new CoreHost({
    settingsStore: setup.store,
    loadOutcome: setup.loadOutcome,
    dataDirOf: (settings) => resolveDataDir(settings.dataDir, setup.userData),
    notifier: setup.notifier,
    // The shipped redis-server, and never redis-memory-server's download (it compiles Redis or installs
    // Memurai from the internet): without a binary the core reports how to get one.
    createRuntime: (runtimeOptions) =>
      setup.createRuntime({
        ...runtimeOptions,
        embeddedRedis: {
          bundledBinary: bundledRedisBinary({ resourcesDir: setup.resourcesDir }),
          allowDownload: false,
        },
        keepAwake: powerSaveKeeper(powerSaveBlocker, (message) => console.info(`[rebalance-desk] ${message}`)),
      }),
    log: (level, message) => console[level](`[rebalance-desk] ${message}`),
  });
}

export interface CoreStreamSetup {
  isAppUrl: (url: string) => boolean;
  tray: () => DeskTray | null;
  updateTitle: (mode: 'paper' | 'live') => void;
  warn: (message: string) => void;
}

/**
 * Forwards the core's stream to the app's windows, colours the tray and sets the title by health, follows
 * `desktop.launchAtLogin` (§29) and hands sleep and wake to the core. Returns the stop of all of it.
 */
export function setupCoreStream(host: CoreHost, setup: CoreStreamSetup): () => void {
  const { warn } = setup;
  let launchAtLogin: boolean | null = null;
  const syncLaunchAtLogin = () => {
    const wanted = host.settings.desktop.launchAtLogin ?? null;
    if (wanted === null || wanted === launchAtLogin) return;
    launchAtLogin = wanted;
    try {
      applyLaunchAtLogin(app, wanted);
    } catch (error) {
      warn(`launch at login could not be ${wanted ? 'set' : 'removed'}: ${(error as Error).message}`);
    }
  };
  const stopForwarding = forwardStream(
    (listener) => host.subscribe(listener),
    () => BrowserWindow.getAllWindows(),
    setup.isAppUrl,
  );
  host.subscribe((message: StreamMessage) => {
    if (message.type === 'health') {
      setup.tray()?.update(message.health);
      setup.updateTitle(message.health.tradingMode);
    } else if (message.type === 'config') {
      setup.updateTitle(host.settings.tradingMode);
      syncLaunchAtLogin();
    }
  });
  const stopWatchingSleep = watchSleep(powerMonitor, host, warn);
  syncLaunchAtLogin();
  return () => {
    stopWatchingSleep();
    stopForwarding();
  };
}

/** Starts the core; when it does not start, says why and offers Settings (saving them tries again). */
export async function startCore(
  host: CoreHost,
  appName: string,
  showWindow: (hash?: string) => BrowserWindow,
  updateTitle: (mode: 'paper' | 'live') => void,
): Promise<void> {
  await host.start();
  updateTitle(host.settings.tradingMode);
  if (host.state === 'failed' && host.error) {
    const answer = await dialog.showMessageBox(showWindow(), {
      type: 'error',
      title: appName,
      message: 'Rebalance Desk started without its core.',
      detail:
        `${host.error.message}\n\nNothing is processed until this is fixed. The status strip shows it in red; ` +
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
