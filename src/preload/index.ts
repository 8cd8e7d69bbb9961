/**
 * The only bridge between the window and the main process (PRODUCT.md §18): `window.desk = { call, subscribe }`, and
 * nothing else. The desktop app's own operations (§22 `remote`) are names `call` sends like the contract's.
 * No ipcRenderer, no Node API and no event objects reach the page; inputs and outputs are structured-cloned by the
 * context bridge. Sandboxed, so this file is bundled to CommonJS and imports nothing but electron.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallResult, StreamMessage } from '../shared/contract';
import { CALL_CHANNEL, STREAM_CHANNEL } from '../shared/ipc-channels';

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

const desk = {
  /** Calls an operation (the contract's or a desktop one) by name; resolves with a `CallResult`, never rejects. */
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
};

contextBridge.exposeInMainWorld('desk', desk);
