/**
 * §18's body limit as a client meets it: a body over the limit is refused with the answer the client can read, even
 * while it is still uploading; the connection survives; a body under the limit reaches the handler unchanged.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { limitBody } from './body-limit';

const LIMIT = 1000;
const MAX_DISCARD = 200_000;
const IDLE_MS = 300;

let server: ServerType;
let port: number;
let handled: string[] = [];
const agents: Agent[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.use(
    '/api/*',
    limitBody({
      maxBytes: LIMIT,
      maxDiscardBytes: MAX_DISCARD,
      idleMs: IDLE_MS,
      onTooLarge: (c) => c.json({ error: 'too-large' }, 413),
    }),
  );
  app.post('/api/echo', async (c) => {
    const text = await c.req.text();
    handled.push(text);
    return c.json({ length: text.length });
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  handled = [];
  for (const agent of agents.splice(0)) agent.destroy();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/** Starts a POST; the caller writes the body. Resolves with the answer, rejects if the connection breaks first. */
function post(
  headers: Record<string, string | number>,
  agent: Agent | false = false,
): { req: ClientRequest; answer: Promise<Answer> } {
  let req!: ClientRequest;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/echo', headers, agent },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            reusedSocket: req.reusedSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
  return { req, answer };
}

function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `total` bytes of `x` in `pieces` writes, `gapMs` apart; the last one ends the request. */
async function upload(req: ClientRequest, total: number, pieces: number, gapMs: number): Promise<void> {
  const piece = Buffer.alloc(Math.ceil(total / pieces), 'x');
  for (let sent = piece.length; sent < total; sent += piece.length) {
    req.write(piece);
    await sleep(gapMs);
  }
  req.end(piece.subarray(0, total - piece.length * (pieces - 1)));
}

describe('a body under the limit', () => {
  it('reaches the handler unchanged, sent with a length or in chunks', async () => {
    const text = 'é'.repeat(LIMIT / 2);
    const withLength = post({ 'content-length': Buffer.byteLength(text) });
    withLength.req.end(text);
    expect((await withLength.answer).status).toBe(200);
    const chunked = post({});
    chunked.req.write(text.slice(0, 100));
    chunked.req.end(text.slice(100));
    expect((await chunked.answer).status).toBe(200);
    expect(handled).toEqual([text, text]);
  });
});

describe('a body over the limit', () => {
  it('is refused only after the client has sent it all, however slowly, and the connection is used again', async () => {
    const agent = keepAliveAgent();
    // Twenty pieces 40 ms apart: longer than @hono/node-server's 500 ms drain, which cut such an upload off with a
    // reset when the refused body was left half read.
    const first = post({}, agent);
    await upload(first.req, MAX_DISCARD / 2, 20, 40);
    const refused = await first.answer;
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual({ error: 'too-large' });

    const second = post({ 'content-length': 2 }, agent);
    second.req.end('ok');
    expect(await second.answer).toMatchObject({ status: 200, reusedSocket: true });
    expect(handled).toEqual(['ok']);
  });

  it('is refused the same way when it declares its length', async () => {
    const agent = keepAliveAgent();
    const first = post({ 'content-length': LIMIT * 5 }, agent);
    await upload(first.req, LIMIT * 5, 5, 20);
    expect((await first.answer).status).toBe(413);
    const second = post({ 'content-length': 2 }, agent);
    second.req.end('ok');
    expect(await second.answer).toMatchObject({ status: 200, reusedSocket: true });
    expect(handled).toEqual(['ok']);
  });

  it('is answered at once, unread, when it declares more than is worth reading', async () => {
    const huge = post({ 'content-length': MAX_DISCARD * 10 });
    huge.req.write('x'.repeat(LIMIT)); // and nothing more: the answer must not wait for the rest
    const answer = await huge.answer;
    expect(answer.status).toBe(413);
    huge.req.destroy();
    expect(handled).toEqual([]);
  });

  it('is answered when it stops sending, after the idle time', async () => {
    const stalled = post({ 'content-length': LIMIT * 10 });
    stalled.req.write('x'.repeat(LIMIT * 2));
    const startedAt = Date.now();
    expect((await stalled.answer).status).toBe(413);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
    stalled.req.destroy();
  });

  it('leaves the server answering when the client gives up half way', async () => {
    const quitter = post({});
    quitter.answer.catch(() => undefined);
    quitter.req.write('x'.repeat(LIMIT * 3));
    await sleep(50);
    quitter.req.destroy();
    const next = post({ 'content-length': 2 });
    next.req.end('ok');
    expect((await next.answer).status).toBe(200);
    expect(handled).toEqual(['ok']);
  });
});
