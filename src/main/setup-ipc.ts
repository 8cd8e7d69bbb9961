/**
 * The window's IPC: `call` answered by the local core's handlers (every operation `unavailable`, health down, while
 * there is none), and the desktop operations (§22 `remote`) once the settings were read. Returns its close.
 */
import { app, ipcMain } from 'electron';
import type { SettingsStore } from '../core/config/settings-store';
import { unavailableHandlers, type CoreHost } from './core-host';
import { registerIpc } from './ipc';
import { remoteHandlers, type RemoteCertificateCheck, type RemoteTarget } from './remote-core';

export interface IpcSetup {
  isAppUrl: (url: string) => boolean;
  host: () => CoreHost | null;
  /** Why there is no core yet (the settings could not be read, or it is starting). */
  startupError: string | null;
  /** The settings store, when the settings were read: the desktop operations read and save `remote` through it. */
  store: Pick<SettingsStore, 'settings' | 'save'> | null;
  remote: RemoteTarget | null;
  certificates: RemoteCertificateCheck | null;
  /** Relaunch and quit (attaching to or leaving a remote core takes a restart). */
  shutdown: (reason: string) => Promise<void>;
}

export function setupIpc(setup: IpcSetup): () => void {
  const { host, store, remote } = setup;
  // Every operation `unavailable` (health: down) when the settings could not even be read.
  const fallbackReason = setup.startupError ?? 'Rebalance Desk is starting.';
  const fallback = unavailableHandlers(
    () => fallbackReason,
    () => 'paper',
  );
  const desktop = store
    ? remoteHandlers({
        attached: remote,
        settings: () => host()?.settings ?? store.settings,
        save: (next) => host()?.saveSettings(next) ?? store.save(next),
        problem: () => setup.certificates?.problem ?? null,
        restart: () => {
          app.relaunch();
          void setup.shutdown(remote ? 'remote core changed' : 'attaching to a remote core');
        },
      })
    : null;
  return registerIpc(ipcMain, { handlers: () => host()?.handlers ?? fallback, isAppUrl: setup.isAppUrl, desktop });
}
