/**
 * The main window (§2, §18): hardened, its bounds kept across runs, PAPER / LIVE (or REMOTE) in its title whatever the
 * page says, reloaded when its page crashes (not after more than three crashes in a minute), and the one window shown
 * again rather than a second one opened. Owns the window and its state file.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, screen, shell, type WebContents } from 'electron';
import { appPageUrl, isAppPageUrl, type AppPage } from './app-page';
import { askBeforeDiscardingEdits } from './unload-guard';
import { hardenWebContents, secureWebPreferences } from './window-security';
import { DEFAULT_SIZE, MIN_SIZE, loadWindowState, trackWindowState } from './window-state';

export interface WindowSetup {
  appName: string;
  page: AppPage;
  /** The built preload (`out/preload/index.cjs`). */
  preload: string;
  /** The title bar for a trading mode, and the mode to show now. */
  titleFor: (mode: 'paper' | 'live') => string;
  tradingMode: () => 'paper' | 'live';
  /** Windows log-off / shutdown / restart. */
  onSessionEnd: () => void;
  warn: (message: string) => void;
}

export interface MainWindow {
  current(): BrowserWindow | null;
  /** Opens the window (on `hash`) or brings the open one to the front, navigating it to `hash` when given. */
  show(hash?: string): BrowserWindow;
  /** Hardens any web contents once (`web-contents-created`). */
  harden(contents: WebContents): void;
  isAppUrl(url: string): boolean;
  /** Every window's title for this trading mode. */
  updateTitle(mode: 'paper' | 'live'): void;
  /** Writes the window's bounds now (on quit). */
  flushState(): void;
}

export function setupWindow(setup: WindowSetup): MainWindow {
  const { page, warn } = setup;
  const hardened = new WeakSet<WebContents>();
  let window: BrowserWindow | null = null;
  let flushWindowState: (() => void) | null = null;
  const isAppUrl = (url: string) => isAppPageUrl(page, url);

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
      title: setup.titleFor(setup.tradingMode()),
      webPreferences: secureWebPreferences(setup.preload, { devTools: !app.isPackaged }),
    });
    harden(win.webContents);
    // §26: a reload or close with unsaved settings asks first (the page vetoes the unload).
    askBeforeDiscardingEdits(win, (w, options) => dialog.showMessageBoxSync(w, options));
    // Maximized before the first paint only once the page is ready (earlier, some window managers ignore it).
    win.once('ready-to-show', () => {
      if (state.maximized) win.maximize();
      win.show();
    });
    reloadWhenCrashed(win, setup.appName);
    // The page's <title> must not replace PAPER / LIVE in the title bar.
    win.on('page-title-updated', (event) => event.preventDefault());
    flushWindowState = trackWindowState(win, stateFile);
    // Windows: log-off / shutdown / restart. Nothing can delay it, so stop as far as we get.
    win.on('session-end', () => setup.onSessionEnd());
    win.on('closed', () => {
      if (window === win) window = null;
    });
    navigate(win, hash);
    return win;
  }

  function show(hash?: string): BrowserWindow {
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

  return {
    current: () => window,
    show,
    harden,
    isAppUrl,
    updateTitle: (mode) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.setTitle(setup.titleFor(mode));
    },
    flushState: () => flushWindowState?.(),
  };
}

/** Reloads the page when its renderer is gone, unless it crashed more than three times within the last minute. */
function reloadWhenCrashed(win: BrowserWindow, appName: string): void {
  const crashes: number[] = [];
  win.webContents.on('render-process-gone', (_event, details: { reason: string; exitCode: number }) => {
    if (win.isDestroyed() || details.reason === 'clean-exit') return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && (crashes[0] ?? now) < now - 60_000) crashes.shift();
    if (crashes.length > 3) {
      console.error(`[rebalance-desk] the window's page keeps crashing (${details.reason}); not reloading again`);
      dialog.showErrorBox(
        appName,
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
}
