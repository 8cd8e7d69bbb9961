import type { Context, MiddlewareHandler } from 'hono';

export interface BodyLimitOptions {
  maxBytes: number;
  onTooLarge: (c: Context) => Response | Promise<Response>;
  /** How much of a refused body is read and thrown away so the client can read the answer. */
  maxDiscardBytes?: number;
  /** How long a refused body may stop sending before the answer goes out anyway. */
  idleMs?: number;
}

/** @hono/node-server's own drain cap: past it, a body is not worth reading. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;
const DISCARD_IDLE_MS = 5_000;

/**
 * §18: a request body above `maxBytes` is refused without being used, and the client still gets the refusal.
 *
 * Hono's own `bodyLimit` answers as soon as it has seen too much and leaves the rest of the body unread, with its
 * stream reader locked. @hono/node-server then tries to drain that body for 500 ms; the locked reader keeps the
 * socket paused, so the drain stalls and the socket is destroyed while the client is still sending. A socket closed
 * with unread data sends a TCP reset, and a client that is still uploading loses the 413 that was already on its
 * way: the browser shows a network error instead of "too large", and a test waiting for the answer hangs.
 *
 * This one reads and throws away the rest of a refused body (never keeping more than one chunk) before it answers,
 * so the connection is in order when the 413 goes out and stays usable. A body that declares more than
 * `maxDiscardBytes` gets its 413 at once, and one that sends more than that or stops sending for `idleMs` gets it
 * then, with the rest unread: nothing honest sends that much to this API, and the reset is the sender's problem.
 */
export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  const { maxBytes, onTooLarge } = options;
  const maxDiscardBytes = options.maxDiscardBytes ?? MAX_DISCARD_BYTES;
  const idleMs = options.idleMs ?? DISCARD_IDLE_MS;
  return async function bodyLimit(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.has('transfer-encoding') ? null : c.req.raw.headers.get('content-length');
    if (declared !== null) {
      // Node's HTTP parser holds a body to its Content-Length, so a declared size is the size.
      const size = Number(declared);
      if (size <= maxBytes) return next();
      if (size <= maxDiscardBytes) await discard(body.getReader(), 0, maxDiscardBytes, idleMs);
      return onTooLarge(c);
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await discard(reader, size, maxDiscardBytes, idleMs);
        return onTooLarge(c);
      }
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}

/** Reads the rest of a body and drops it, until it ends, passes `maxBytes` in all, or sends nothing for `idleMs`. */
async function discard(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  alreadyRead: number,
  maxBytes: number,
  idleMs: number,
): Promise<void> {
  let total = alreadyRead;
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<'idle'>((resolve) => {
    timer = setTimeout(() => resolve('idle'), idleMs);
  });
  try {
    while (total <= maxBytes) {
      timer?.refresh();
      // A read that loses the race is left pending: the stream settles it (or errors it) when the socket closes.
      const next = await Promise.race([reader.read(), idle]);
      if (next === 'idle' || next.done) return;
      total += next.value.length;
    }
  } catch {
    // The client went away mid-body: there is no one left to answer, and nothing was used.
  } finally {
    clearTimeout(timer);
  }
}
