/**
 * The desktop shell's own preferences, in `<userData>/desktop.json` (not settings.json: they are about the window,
 * not the core). `keepRunningWhenClosed`: on Linux the app quits when its last window closes unless the trader opts
 * in — GNOME shows no tray icon without the AppIndicator extension, so a hidden app would be out of reach.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ShellPrefs {
  keepRunningWhenClosed: boolean;
}

export function loadShellPrefs(file: string): ShellPrefs {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShellPrefs> | null;
    return { keepRunningWhenClosed: json?.keepRunningWhenClosed === true };
  } catch {
    return { keepRunningWhenClosed: false };
  }
}

export function saveShellPrefs(file: string, prefs: ShellPrefs): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(prefs, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * Whether closing the last window keeps the app running: on macOS and Windows when there is a tray icon; on Linux
 * only when the trader opted in (and there is a tray, or at least a way back: starting the app again).
 */
export function keepsRunningWhenClosed(platform: NodeJS.Platform, hasTray: boolean, prefs: ShellPrefs): boolean {
  if (platform === 'linux') return prefs.keepRunningWhenClosed;
  return hasTray;
}

/** The notice shown the first time the window closes while the app keeps running, worded for the platform. */
export function stillRunningNotice(platform: NodeJS.Platform): string {
  if (platform === 'darwin')
    return 'Still running in the menu bar and processing events. Quit from its menu or with ⌘Q.';
  if (platform === 'win32') {
    return 'Still running in the notification area and processing events. Quit from its tray icon menu.';
  }
  return (
    'Still running in the background and processing events. Your desktop may show no tray icon (GNOME needs the ' +
    'AppIndicator extension): start Rebalance Desk again to open its window, and quit from its File menu.'
  );
}
