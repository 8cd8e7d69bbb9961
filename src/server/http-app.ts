import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  operationNames,
  operations,
  type ApiErrorBody,
  type Handlers,
  type OperationName,
  type StreamMessage,
} from '../shared/contract';
import { ApiError, statusOf, toErrorBody } from '../core/management/api-error';
import { invokeOperation } from '../core/management/invoke';
import { CONTENT_SECURITY_POLICY, DESKTOP_APP_ORIGIN } from '../shared/csp';
import { limitBody } from './body-limit';

export interface HttpAppOptions {
  handlers: Handlers;
  token: string;
  subscribe: (listener: (message: StreamMessage) => void) => () => void;
  /** The built renderer (`out/renderer`); omitted in API-only tests. */
  staticRoot?: string | null;
  /** Demo-only operations are answered only when true. */
  demo?: boolean;
  /** SSE keep-alive comment interval (ms). */
  keepAliveMs?: number;
  /**
   * §18 DNS rebinding: the `Host` values (lower-case `name:port`) this server answers to; any other is a 421. Read per
   * request (the port is known only once listening); null, or the option omitted: no check (a non-loopback bind,
   * API-only tests).
   */
  allowedHosts?: () => ReadonlySet<string> | null;
  /** §18: served over HTTPS — every answer carries HSTS. */
  hsts?: boolean;
  /** How a slowed-down 401 waits (tests record it instead). */
  sleep?: (ms: number) => Promise<void>;
}

/** §18: wrong tokens a client may send before its 401s slow down, and the longest wait. */
export const FREE_AUTH_FAILURES = 5;
export const MAX_AUTH_DELAY_MS = 10_000;

/**
 * Wrong tokens per client address: after FREE_AUTH_FAILURES each further 401 waits twice as long as the one before
 * (250 ms, 500 ms … up to MAX_AUTH_DELAY_MS); a right token from that address starts it over. Bounded in size.
 */
class AuthFailures {
  private readonly counts = new Map<string, number>();

  /** How long the 401 for this failure waits. */
  failed(client: string): number {
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.delete(client);
    this.counts.set(client, count);
    if (this.counts.size > 1_000) this.counts.delete(this.counts.keys().next().value!);
    return count <= FREE_AUTH_FAILURES ? 0 : Math.min(250 * 2 ** (count - FREE_AUTH_FAILURES - 1), MAX_AUTH_DELAY_MS);
  }

  succeeded(client: string): void {
    this.counts.delete(client);
  }
}

/** The client's address as @hono/node-server gives it; undefined in API-only tests (`app.request`). */
function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** §18: the largest `/api/*` request body; a larger one is a 413 before anything reads it. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** HSTS on every HTTPS answer (§18): a year, as browsers expect for a site that only speaks HTTPS. */
export const HSTS_HEADER = 'max-age=31536000';

export { CONTENT_SECURITY_POLICY };

/** Headers on every answer: the CSP, and no sniffing, framing or referrer leaking the token-bearing URL. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given || !token) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function errorResponse(c: Context, body: ApiErrorBody) {
  return c.json(body, statusOf(body) as ContentfulStatusCode);
}

async function inputOf(c: Context, name: OperationName): Promise<Record<string, unknown>> {
  const def = operations[name];
  const input: Record<string, unknown> = {};
  if (def.method === 'GET' || def.method === 'DELETE') {
    for (const [key, value] of Object.entries(c.req.queries())) input[key] = value.length === 1 ? value[0] : value;
  }
  if (def.method === 'POST' || def.method === 'PUT' || def.method === 'DELETE') {
    const text = await c.req.text();
    if (text.trim() !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new ApiError('invalid', `request body is not valid JSON: ${(error as Error).message}`);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ApiError('invalid', 'request body must be a JSON object');
      }
      Object.assign(input, body);
    }
  }
  // Path parameters win over anything in the query or body.
  Object.assign(input, c.req.param());
  return input;
}

/**
 * The headless server's routes, generated from the contract table (§11): bearer-token auth on every `/api/*` route,
 * validated input, `{error, message}` bodies, the SSE stream, and the static UI (public, holds no data).
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    if (options.hsts) c.res.headers.set('Strict-Transport-Security', HSTS_HEADER);
  });

  // §18: a page on another name that resolves to this machine (DNS rebinding) is not answered at all.
  const allowedHosts = options.allowedHosts;
  if (allowedHosts) {
    app.use('*', async (c, next) => {
      const allowed = allowedHosts();
      const given = (c.req.header('host') ?? '').toLowerCase();
      if (allowed && !allowed.has(given)) {
        return errorResponse(c, {
          error: 'misdirected',
          message: `this server does not answer to Host "${given}"; open it as ${[...allowed][0] ?? 'its address'}`,
        });
      }
      await next();
    });
  }

  // §18: no /api/* body above MAX_BODY_BYTES is used; the rest of it is thrown away so the client reads the 413.
  app.use(
    '/api/*',
    limitBody({
      maxBytes: MAX_BODY_BYTES,
      onTooLarge: (c) =>
        errorResponse(c, {
          error: 'too-large',
          message: 'request body is larger than 1 MB; none of it was used and nothing changed',
        }),
    }),
  );

  // §22: the desktop app attached to this core calls the API from its app:// page, a cross-origin request. Only that
  // origin is let in; the token is still required (it is a header, there are no cookies to ride along).
  app.use('/api/*', async (c, next) => {
    if (c.req.header('origin') !== DESKTOP_APP_ORIGIN) return next();
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': DESKTOP_APP_ORIGIN,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
        'Access-Control-Max-Age': '600',
        // Chromium asks before a page reaches a private-network address (a server on the LAN).
        'Access-Control-Allow-Private-Network': 'true',
        Vary: 'Origin',
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', DESKTOP_APP_ORIGIN);
    c.res.headers.append('Vary', 'Origin');
  });

  const failures = new AuthFailures();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  app.use('/api/*', async (c, next) => {
    const given = bearerOf(c) ?? (c.req.path === '/api/stream' ? c.req.query('token') : undefined);
    const client = clientAddress(c);
    if (!sameToken(given, options.token)) {
      // §18: guessing gets slower with every wrong token from the same address.
      const delay = client === undefined ? 0 : failures.failed(client);
      if (delay > 0) await sleep(delay);
      return errorResponse(c, {
        error: 'unauthorized',
        message: 'missing or wrong token: send Authorization: Bearer <management.token>',
      });
    }
    if (client !== undefined) failures.succeeded(client);
    await next();
  });

  app.get('/api/stream', (c) =>
    streamSSE(c, async (stream) => {
      let closed = false;
      let chain = Promise.resolve();
      const unsubscribe = options.subscribe((message) => {
        chain = chain.then(() =>
          closed ? undefined : stream.writeSSE({ event: message.type, data: JSON.stringify(message) }),
        );
      });
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
      });
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ type: 'ready' }) });
      while (!closed) {
        await stream.sleep(options.keepAliveMs ?? 15_000);
        if (!closed) await stream.write(': keep-alive\n\n');
      }
    }),
  );

  const ctx = { handlers: options.handlers, demo: options.demo };
  for (const name of operationNames) {
    const def = operations[name];
    if (def.demoOnly && !options.demo) continue;
    app.on(def.method, def.path, async (c) => {
      // A body that is not JSON throws here and is answered by onError below.
      const result = await invokeOperation(name, await inputOf(c, name), ctx);
      return result.ok
        ? c.json(result.value as object, (def.successStatus ?? 200) as ContentfulStatusCode)
        : errorResponse(c, result.error);
    });
  }

  app.all('/api/*', (c) =>
    errorResponse(c, { error: 'not-found', message: `no operation at ${c.req.method} ${c.req.path}` }),
  );

  const root = options.staticRoot;
  if (root && existsSync(root)) {
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  app.onError((error, c) => errorResponse(c, toErrorBody(error)));
  return app;
}
