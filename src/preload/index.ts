/**
 * The only bridge between the window and the main process (PRODUCT.md §18): `window.desk = { call, subscribe }`, and
 * for §22's remote window `remote`, `remoteSettings`, `saveRemote`, `remoteProblem`.
 * No ipcRenderer, no Node API and no event objects reach the page; inputs and outputs are structured-cloned by the
 * context bridge. Sandboxed, so this file is bundled to CommonJS and imports nothing but electron.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallResult, StreamMessage } from '../shared/contract';
import { CALL_CHANNEL, STREAM_CHANNEL } from '../shared/ipc-channels';
import {
  REMOTE_CONNECTION_CHANNEL,
  REMOTE_PROBLEM_CHANNEL,
  REMOTE_SAVE_CHANNEL,
  REMOTE_SETTINGS_CHANNEL,
  type RemoteConnection,
  type RemoteSaveResult,
  type RemoteView,
} from '../shared/remote';

type Listener = (message: StreamMessage) => void;

const listeners = new Set<Listener>();
let attached = false;

function onStream(_event: IpcRendererEvent, message: StreamMessage): void {
  for (const listener of [...listeners]) {
    try {
      listener(message);
    } catch (error) {
      console.error('desk stream listener failed', error);
    }
  }
}

let remoteConnection: RemoteConnection | null | undefined;

const desk = {
  /** Calls a contract operation by name; resolves with `{ok:true,value}` or `{ok:false,error}`, never rejects on API errors. */
  call(name: string, input?: unknown): Promise<CallResult<unknown>> {
    return ipcRenderer.invoke(CALL_CHANNEL, String(name), input ?? {}) as Promise<CallResult<unknown>>;
  },
  /** Receives pushed stream messages; returns the function that stops them. */
  subscribe(listener: Listener): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function');
    listeners.add(listener);
    if (!attached) {
      ipcRenderer.on(STREAM_CHANNEL, onStream);
      attached = true;
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && attached) {
        ipcRenderer.removeListener(STREAM_CHANNEL, onStream);
        attached = false;
      }
    };
  },
  /**
   * §22: the remote core this window is attached to (`{url, host, token}`), or null when the core runs in this app.
   * Asked once; attaching or detaching restarts the app.
   */
  remote(): RemoteConnection | null {
    if (remoteConnection === undefined) {
      const answer = ipcRenderer.sendSync(REMOTE_CONNECTION_CHANNEL) as RemoteConnection | null;
      remoteConnection = answer && typeof answer.url === 'string' ? answer : null;
    }
    return remoteConnection;
  },
  /** The desktop's own `remote` setting (never the token). */
  remoteSettings(): Promise<RemoteView | null> {
    return ipcRenderer.invoke(REMOTE_SETTINGS_CHANNEL) as Promise<RemoteView | null>;
  },
  /** Saves `remote` (`{url, token?, ca?}`; url null runs the core here); the app restarts when it must. */
  saveRemote(input: unknown): Promise<RemoteSaveResult> {
    return ipcRenderer.invoke(REMOTE_SAVE_CHANNEL, input) as Promise<RemoteSaveResult>;
  },
  /** Why the remote's certificate was refused, or null. */
  remoteProblem(): Promise<string | null> {
    return ipcRenderer.invoke(REMOTE_PROBLEM_CHANNEL) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('desk', desk);
