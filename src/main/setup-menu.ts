/**
 * The application menu: File › Import from ibkr-portfolio-rebalancer…, Settings, the data and log folders, and on
 * Linux File › Keep Running When the Window Is Closed (kept in `<userData>/desktop.json`). Owns those preferences.
 */
import { join } from 'node:path';
import { app, Menu, shell, type BrowserWindow } from 'electron';
import { appMenuTemplate } from './app-menu';
import type { CoreHost } from './core-host';
import { runLegacyImport } from './import-action';
import { loadShellPrefs, saveShellPrefs } from './shell-prefs';

export interface MenuSetup {
  appName: string;
  platform: NodeJS.Platform;
  userData: string;
  /** The local core, once there is one (none while attached to a remote core). */
  host: () => CoreHost | null;
  showWindow: (hash?: string) => BrowserWindow;
  warn: (message: string) => void;
}

export function setupMenu(setup: MenuSetup): void {
  const { platform, userData, warn } = setup;
  const prefsFile = join(userData, 'desktop.json');
  let prefs = loadShellPrefs(prefsFile);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        isMac: platform === 'darwin',
        appName: setup.appName,
        devTools: !app.isPackaged,
        onImport: () => {
          const host = setup.host();
          if (!host) return;
          void runLegacyImport(setup.showWindow(), host);
        },
        onOpenSettings: () => setup.showWindow('/settings'),
        onOpenDataFolder: () => void shell.openPath(setup.host()?.dataDir ?? userData),
        onOpenLogFolder: () => void shell.openPath(join(setup.host()?.dataDir ?? userData, 'logs')),
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
}
