import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The headless default data directory (§14); the desktop app uses Electron's userData instead. */
export function defaultHeadlessDataDir(home = homedir()): string {
  return join(home, '.rebalance-desk');
}

/** The data directory in force: the settings' `dataDir` when set, else the host's default. */
export function resolveDataDir(settingsDataDir: string | null, hostDefault: string): string {
  return resolve(settingsDataDir ?? hostDefault);
}
