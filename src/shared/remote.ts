/**
 * The desktop app attached to a remote core (PRODUCT.md §22): what the preload, the main process and the window share
 * about it. The window then talks to that core over HTTPS + SSE itself (the HTTP transport); the desktop operations
 * below only tell it where, and let Settings change or clear the desktop's own `remote` setting.
 */

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

/**
 * The desktop app's own operations (§22): answered by its main process over the same `desk:call` as the contract's
 * operations, from the app's own page only, as `CallResult`s. They are not in the contract, so no HTTP route serves
 * them and `serve` does not know them.
 */
export interface DesktopOperations {
  /** The connection the window should use, or null when the core runs in this app (asked once, at start). */
  remoteConnection: { input: Record<string, never>; output: RemoteConnection | null };
  /** The desktop's `remote` setting as Settings shows it (never the token). */
  remoteSettings: { input: Record<string, never>; output: RemoteView };
  /** Saves the desktop's `remote` setting (validated); the app then restarts attached or local when it must. */
  saveRemote: { input: RemoteInput; output: RemoteSaveResult };
  /** Why the last connection to the remote failed at the certificate check, or null. */
  remoteProblem: { input: Record<string, never>; output: string | null };
}

export type DesktopOperationName = keyof DesktopOperations;

export const DESKTOP_OPERATION_NAMES = [
  'remoteConnection',
  'remoteSettings',
  'saveRemote',
  'remoteProblem',
] as const satisfies readonly DesktopOperationName[];

export function isDesktopOperation(name: unknown): name is DesktopOperationName {
  return typeof name === 'string' && (DESKTOP_OPERATION_NAMES as readonly string[]).includes(name);
}

/** The main process' answers to the desktop operations; the input is unchecked (it comes from the page). */
export type DesktopHandlers = {
  [N in DesktopOperationName]: (
    input: unknown,
  ) => DesktopOperations[N]['output'] | Promise<DesktopOperations[N]['output']>;
};
