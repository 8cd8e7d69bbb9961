/**
 * The tray icon (§18): coloured by health, open / pause / resume / quit. On a desktop without a tray (GNOME) there is
 * none and the app says so once. Pause and resume act on the local core; attached to a remote core they say to use
 * the window.
 */
import { app, dialog } from 'electron';
import type { CoreHost } from './core-host';
import { DeskTray } from './tray';

export interface TraySetup {
  appName: string;
  host: () => CoreHost | null;
  /** Why there is no local core to act on. */
  noLocalCore: () => Error;
  showWindow: () => void;
  tradingMode: () => 'paper' | 'live';
  warn: (message: string) => void;
}

export function setupTray(setup: TraySetup): DeskTray | null {
  const { host, noLocalCore } = setup;
  try {
    return new DeskTray({
      onOpen: () => setup.showWindow(),
      onQuit: () => app.quit(),
      pause: () => host()?.handlers.pause({}) ?? Promise.reject(noLocalCore()),
      resume: () => host()?.handlers.resume({}) ?? Promise.reject(noLocalCore()),
      queueStatus: () => host()?.handlers.queueStatus({}) ?? Promise.reject(noLocalCore()),
      tradingMode: setup.tradingMode,
      onError: (message) => void dialog.showMessageBox({ type: 'error', title: setup.appName, message }),
    });
  } catch (error) {
    setup.warn(`no tray icon on this desktop: ${(error as Error).message}`);
    return null;
  }
}
