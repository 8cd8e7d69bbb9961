import type { CallResult, InputOf, OperationName, OutputOf, StreamMessage } from '../../../shared/contract';
import type { RemoteConnection, RemoteInput, RemoteSaveResult, RemoteView } from '../../../shared/remote';
import { ApiError, type ApiClient, type CallArgs } from './api-client';

/** What the Electron preload exposes as `window.desk` (and nothing else). */
export interface DeskBridge {
  call<N extends OperationName>(name: N, input: InputOf<N>): Promise<CallResult<OutputOf<N>>>;
  subscribe(listener: (message: StreamMessage) => void): () => void;
  /** §22 (desktop app only): the remote core this window is attached to, or null. */
  remote?(): RemoteConnection | null;
  remoteSettings?(): Promise<RemoteView | null>;
  saveRemote?(input: RemoteInput): Promise<RemoteSaveResult>;
  remoteProblem?(): Promise<string | null>;
}

declare global {
  interface Window {
    desk?: DeskBridge;
  }
}

/** The IPC transport: results come back as `CallResult` envelopes and are turned into values or `ApiError`s here. */
export function createIpcApi(bridge: DeskBridge): ApiClient {
  return {
    async call<N extends OperationName>(name: N, ...args: CallArgs<N>) {
      const result = await bridge.call(name, (args[0] ?? {}) as InputOf<N>);
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}
