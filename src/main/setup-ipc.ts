/**
 * The window's IPC: `call` answered by the local core's handlers (every operation `unavailable`, health down, while
 * there is none), and the remote window's channels (§22) once the settings were read. Returns the close of both.
 */
import { app, ipcMain } from 'electron';
import type { SettingsStore } from '../core/config/settings-store';
import { unavailableHandlers, type CoreHost } from './core-host';
import { registerIpc } from './ipc';
import { registerRemoteIpc, type RemoteCertificateCheck, type RemoteTarget } from './remote-core';

export interface IpcSetup {
  isAppUrl: (url: string) => boolean;
  host: () => CoreHost | null;
  /** Why there is no core yet (the settings could not be read, or it is starting). */
  startupError: string | null;
  /** The settings store, when the settings were read: the remote window's channels read and save through it. */
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
  const closeCallIpc = registerIpc(ipcMain, { handlers: () => host()?.handlers ?? fallback, isAppUrl: setup.isAppUrl });
  const closeRemoteIpc = store
    ? registerRemoteIpc({
        ipcMain,
        isAppUrl: setup.isAppUrl,
        attached: remote,
        settings: () => host()?.settings ?? store.settings,
        save: (next) => host()?.saveSettings(next) ?? store.save(next),
        problem: () => setup.certificates?.problem ?? null,
        restart: () => {
          app.relaunch();
          void setup.shutdown(remote ? 'remote core changed' : 'attaching to a remote core');
        },
      })
    : () => undefined;
  return () => {
    closeCallIpc();
    closeRemoteIpc();
  };
}
