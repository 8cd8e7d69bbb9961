/**
 * The desktop app attached to a remote core (PRODUCT.md §22): what the preload, the main process and the window share
 * about it. The window then talks to that core over HTTPS + SSE itself (the HTTP transport); these channels only tell
 * it where, and let Settings change or clear the desktop's own `remote` setting.
 */

/** Sync: the connection the window should use, or null when the core runs in this app. */
export const REMOTE_CONNECTION_CHANNEL = 'desk:remote-connection';
/** The desktop's `remote` setting as Settings shows it. */
export const REMOTE_SETTINGS_CHANNEL = 'desk:remote-settings';
/** Saves the desktop's `remote` setting (validated); the app then restarts attached or local. */
export const REMOTE_SAVE_CHANNEL = 'desk:remote-save';
/** Why the last connection to the remote failed at the certificate check, or null. */
export const REMOTE_PROBLEM_CHANNEL = 'desk:remote-problem';

export interface RemoteConnection {
  /** The remote core's origin, e.g. `https://desk.example:8765`. */
  url: string;
  /** Its host (and port) as shown in the status strip: "REMOTE desk.example:8765". */
  host: string;
  /** Its `management.token`. */
  token: string;
}

/** `remote` for Settings: the token is never sent back, only whether one is stored. */
export interface RemoteView {
  url: string | null;
  ca: string | null;
  tokenSet: boolean;
  /** True when this window is attached to `url`. */
  attached: boolean;
}

/** A change from Settings: an empty or omitted token keeps the stored one; `url: null` runs the core here again. */
export interface RemoteInput {
  url: string | null;
  token?: string;
  ca?: string | null;
}

export type RemoteSaveResult =
  { ok: true; view: RemoteView; restarting: boolean } | { ok: false; issues: { path: string; message: string }[] };
