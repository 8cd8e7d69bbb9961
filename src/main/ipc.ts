/**
 * IPC generated from the contract (PRODUCT.md §11): one `desk:call` channel that checks the sender frame, then hands
 * the call to `invokeOperation` (the pipeline the HTTP server uses too: exactly the operations of the table, input
 * validated with the operation's schema) and answers its `CallResult` — the same `{error, message}` bodies and JSON
 * serialisation as the HTTP server, as results rather than thrown errors. The desktop app's own operations (§22
 * `remote`, src/shared/remote.ts) go through the same channel and sender check. Stream messages go to the app's
 * windows on `desk:stream`.
 */
import type { IpcMain } from 'electron';
import { ApiError, toErrorBody } from '../core/management/api-error';
import { invokeOperation } from '../core/management/invoke';
import type { CallResult, Handlers, StreamMessage } from '../shared/contract';
import { CALL_CHANNEL, STREAM_CHANNEL } from '../shared/ipc-channels';
import { isDesktopOperation, type DesktopHandlers } from '../shared/remote';

/** The part of an IPC event this module reads (`IpcMainInvokeEvent`). */
export interface CallEvent {
  senderFrame: { url: string } | null;
}

export interface CallHandlerOptions {
  /** The handlers in force (the core's, or its stand-ins while the core is down). */
  handlers: () => Handlers;
  /** True for the app's own page; calls from any other frame are refused. */
  isAppUrl: (url: string) => boolean;
  /** Demo-only operations are answered only in demo mode (never in the desktop app). */
  demo?: boolean;
  /** The desktop operations' answers; null while the settings could not be read (they are then `unavailable`). */
  desktop?: DesktopHandlers | null;
}

/** JSON round trip: what the window receives is exactly what the HTTP API would send (dates as ISO strings …). */
export function asJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The `desk:call` handler as a plain function (registered by `registerIpc`, called directly in tests). */
export function createCallHandler(options: CallHandlerOptions) {
  return async (event: CallEvent, name: unknown, input: unknown): Promise<CallResult<unknown>> => {
    try {
      const url = event.senderFrame?.url ?? '';
      if (!options.isAppUrl(url)) {
        throw new ApiError(
          'forbidden',
          `calls are only accepted from the app's own page, not from ${url || 'an unknown frame'}`,
        );
      }
      if (isDesktopOperation(name)) {
        if (!options.desktop) throw new ApiError('unavailable', `${name}: the desktop settings could not be read`);
        return asJson({ ok: true, value: await options.desktop[name](input ?? {}) });
      }
      const result = await invokeOperation(name, input, { handlers: options.handlers(), demo: options.demo });
      return asJson(result);
    } catch (error) {
      return { ok: false, error: asJson(toErrorBody(error)) };
    }
  };
}

/** Registers `desk:call` on ipcMain; returns the function that removes it. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  options: CallHandlerOptions,
): () => void {
  const call = createCallHandler(options);
  ipcMain.handle(CALL_CHANNEL, (event, name: unknown, input: unknown) => call(event, name, input));
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

/** The part of a BrowserWindow the stream needs. */
export interface StreamTarget {
  isDestroyed(): boolean;
  webContents: { isDestroyed(): boolean; getURL(): string; send(channel: string, message: unknown): void };
}

/**
 * Forwards every stream message to the app's windows (only windows showing the app's page) as `desk:stream`.
 * Returns the unsubscribe function.
 */
export function forwardStream(
  subscribe: (listener: (message: StreamMessage) => void) => () => void,
  windows: () => StreamTarget[],
  isAppUrl: (url: string) => boolean,
): () => void {
  return subscribe((message) => {
    const payload = asJson(message);
    for (const win of windows()) {
      if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
      if (!isAppUrl(win.webContents.getURL())) continue;
      win.webContents.send(STREAM_CHANNEL, payload);
    }
  });
}
