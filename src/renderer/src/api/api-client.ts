import type {
  ApiErrorBody,
  ErrorCode,
  InputOf,
  OperationName,
  OutputOf,
  StreamMessage,
} from '../../../shared/contract';

/** Operations whose input has no required field may be called without one. */
export type CallArgs<N extends OperationName> =
  Record<never, never> extends InputOf<N> ? [input?: InputOf<N>] : [input: InputOf<N>];

/** State of the push stream: `reconnecting` is shown in the header until the stream is back. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/**
 * What the window needs from the core: operations of the contract by name, and the push stream. The transport (IPC in
 * Electron, HTTP + SSE in a browser) is chosen once in `createApi`; components get the client from `ApiProvider`.
 */
export interface ApiClient {
  call<N extends OperationName>(name: N, ...args: CallArgs<N>): Promise<OutputOf<N>>;
  subscribe(listener: (message: StreamMessage) => void): () => void;
  /** Connection changes of the push stream; a transport that is always connected may omit it. */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  /** §22: set when the desktop app is attached to a remote core; `host` is shown as "REMOTE host" in the strip. */
  readonly remote?: { url: string; host: string };
}

/** An operation that failed, carrying the contract's `{error, message}` body. */
export class ApiError extends Error {
  readonly body: ApiErrorBody;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.body = body;
  }

  get code(): ErrorCode {
    return this.body.error;
  }
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Any thrown value as an `ApiErrorBody`, so every error is shown the same way. */
export function errorBodyOf(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) return error.body;
  return { error: 'internal', message: error instanceof Error ? error.message : String(error) };
}
