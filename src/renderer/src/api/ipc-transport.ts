import type { CallResult, InputOf, OperationName, OutputOf, StreamMessage } from '../../../shared/contract';
import type { DesktopOperationName, DesktopOperations } from '../../../shared/remote';
import { ApiError, type ApiClient, type CallArgs } from './api-client';

/** What the Electron preload exposes as `window.desk` (and nothing else): the contract's operations, and the desktop's. */
export interface DeskBridge {
  call<N extends OperationName>(name: N, input: InputOf<N>): Promise<CallResult<OutputOf<N>>>;
  call<N extends DesktopOperationName>(
    name: N,
    input: DesktopOperations[N]['input'],
  ): Promise<CallResult<DesktopOperations[N]['output']>>;
  subscribe(listener: (message: StreamMessage) => void): () => void;
}

declare global {
  interface Window {
    desk?: DeskBridge;
  }
}

/** A desktop operation (§22, desktop app only) over the preload's `call`: its value, or an `ApiError`. */
export async function callDesktop<N extends DesktopOperationName>(
  bridge: DeskBridge,
  name: N,
  input: DesktopOperations[N]['input'],
): Promise<DesktopOperations[N]['output']> {
  const result = await bridge.call(name, input);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
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
