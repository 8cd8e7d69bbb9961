import type { ApiErrorBody, ErrorCode, OperationName, StreamMessage } from '../../../shared/contract';
import { ROUTES } from '../../../shared/routes';
import { ApiError, type ApiClient, type CallArgs, type ConnectionState } from './api-client';

/** A request as the HTTP server expects it, built from the contract's method and path. */
export interface HttpRequest {
  method: string;
  url: string;
  body?: string;
}

/** `:param` segments are filled from the input; GET sends the rest as a query string, other methods as a JSON body. */
export function buildRequest(name: OperationName, input: Record<string, unknown> = {}, baseUrl = ''): HttpRequest {
  const def = ROUTES[name];
  const rest: Record<string, unknown> = { ...input };
  const path = def.path.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => {
    const value = rest[key];
    if (value === undefined || value === null || value === '') {
      throw new ApiError({ error: 'invalid', message: `${name} needs "${key}"` });
    }
    delete rest[key];
    return encodeURIComponent(String(value));
  });
  const present = Object.entries(rest).filter(([, value]) => value !== undefined);
  if (def.method === 'GET') {
    const query = new URLSearchParams();
    for (const [key, value] of present) {
      if (Array.isArray(value)) for (const item of value) query.append(key, String(item));
      else query.append(key, String(value));
    }
    const qs = query.toString();
    return { method: def.method, url: `${baseUrl}${path}${qs ? `?${qs}` : ''}` };
  }
  return {
    method: def.method,
    url: `${baseUrl}${path}`,
    body: present.length > 0 ? JSON.stringify(Object.fromEntries(present)) : undefined,
  };
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  503: 'unavailable',
};

function isErrorBody(value: unknown): value is ApiErrorBody {
  const v = value as Partial<ApiErrorBody> | null;
  return typeof v === 'object' && v !== null && typeof v.error === 'string' && typeof v.message === 'string';
}

async function errorOf(response: Response): Promise<ApiError> {
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    // Not JSON: described by the status below.
  }
  if (isErrorBody(parsed)) return new ApiError(parsed);
  return new ApiError({
    error: STATUS_CODES[response.status] ?? 'internal',
    message: `the service answered ${response.status} ${response.statusText}`.trim(),
  });
}

/** The stream's message types, checked against the contract so a new type is a compile error here. */
const STREAM_TYPES = {
  queue: true,
  health: true,
  log: true,
  trade: true,
  accounts: true,
  config: true,
  feed: true,
  'setup-check': true,
  setup: true,
} satisfies Record<StreamMessage['type'], true>;

export interface HttpTransportOptions {
  token: string | null;
  baseUrl?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Delay before opening a new stream after the browser gave up on the old one. */
  reconnectDelayMs?: number;
  /** Why the last request to `baseUrl` failed, when the page's fetch cannot say (the desktop app's certificate check). */
  explainFailure?: () => Promise<string | null>;
}

/**
 * Why a request did not reach the service, in words: fetch's own message ("fetch failed", "Failed to fetch") and,
 * where the runtime gives one, its cause (a refused certificate, a refused connection), else what `explainFailure`
 * knows (the desktop app's certificate check).
 */
async function reasonOf(error: unknown, explain?: () => Promise<string | null>): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? (error.cause as { message?: unknown; code?: unknown } | undefined) : undefined;
  const detail =
    cause && typeof cause.message === 'string' && cause.message !== ''
      ? `${cause.message}${typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : ''}`
      : await explain?.().catch(() => null);
  return detail ? `${message}: ${detail}` : message;
}

/** The HTTP + SSE transport used when the window is a browser page served by `serve` / `demo`. */
export function createHttpApi(options: HttpTransportOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const EventSourceImpl = options.EventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource);
  const listeners = new Set<(message: StreamMessage) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | null = null;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;
  let state: ConnectionState = 'connecting';

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  }

  function deliver(data: string): void {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !Object.hasOwn(STREAM_TYPES, type)) return;
    for (const listener of listeners) listener(message as StreamMessage);
  }

  function open(): void {
    if (!EventSourceImpl || source) return;
    const url = `${baseUrl}/api/stream?token=${encodeURIComponent(options.token ?? '')}`;
    const es = new EventSourceImpl(url);
    source = es;
    const onMessage = (event: MessageEvent<string>) => deliver(event.data);
    es.addEventListener('message', onMessage);
    for (const type of Object.keys(STREAM_TYPES)) es.addEventListener(type, onMessage);
    es.addEventListener('open', () => setState('open'));
    es.addEventListener('ready', () => setState('open'));
    es.addEventListener('error', () => {
      setState('reconnecting');
      if (es.readyState === es.CLOSED) {
        // The browser gave up (e.g. the server was down at connect time): open a new stream after a pause.
        es.close();
        source = null;
        if (listeners.size > 0 && reopenTimer === null) {
          reopenTimer = setTimeout(() => {
            reopenTimer = null;
            if (listeners.size > 0) open();
          }, options.reconnectDelayMs ?? 2_000);
        }
      }
    });
  }

  function close(): void {
    source?.close();
    source = null;
    if (reopenTimer !== null) clearTimeout(reopenTimer);
    reopenTimer = null;
    state = 'connecting';
  }

  return {
    async call<N extends OperationName>(name: N, ...args: CallArgs<N>) {
      const request = buildRequest(name, (args[0] ?? {}) as Record<string, unknown>, baseUrl);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      if (request.body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await doFetch(request.url, { method: request.method, headers, body: request.body });
      } catch (error) {
        throw new ApiError({
          error: 'unavailable',
          message: `cannot reach the Rebalance Desk service${baseUrl ? ` at ${baseUrl}` : ''} (${await reasonOf(error, options.explainFailure)})`,
        });
      }
      if (!response.ok) throw await errorOf(response);
      return (await response.json()) as never;
    },
    subscribe(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) close();
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
