import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationNames, operations, type Handlers, type StreamMessage } from '../shared/contract';
import { ApiError } from '../core/management/api-error';
import { CONTENT_SECURITY_POLICY, createHttpApp } from './http-app';

const TOKEN = 'test-token-123';

/** Handlers that echo their parsed input, so routing and validation can be checked without a core. */
function echoHandlers(): Handlers {
  const handlers = {} as Record<string, (input: unknown) => Promise<unknown>>;
  for (const name of operationNames) handlers[name] = async (input) => ({ op: name, input });
  return handlers as unknown as Handlers;
}

function samplePath(path: string): string {
  return path.replace(':id', 'e1').replace(':accountId', 'DU123456').replace(':command', 'rebalance');
}

function appWith(overrides: Partial<Handlers> = {}) {
  const listeners = new Set<(m: StreamMessage) => void>();
  const app = createHttpApp({
    handlers: { ...echoHandlers(), ...overrides },
    token: TOKEN,
    demo: true,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    keepAliveMs: 50,
  });
  return { app, listeners };
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('the HTTP API generated from the contract', () => {
  it.each(operationNames)('%s answers 401 without a token and with a wrong one', async (name) => {
    const { app } = appWith();
    const def = operations[name];
    const url = `http://x${samplePath(def.path)}`;
    const none = await app.request(url, { method: def.method });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'unauthorized' });
    const wrong = await app.request(url, { method: def.method, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses the stream without a token, and accepts ?token= for it', async () => {
    const { app, listeners } = appWith();
    expect((await app.request('http://x/api/stream')).status).toBe(401);
    const res = await app.request(`http://x/api/stream?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: ready');
    for (const l of listeners) l({ type: 'accounts' });
    const next = new TextDecoder().decode((await reader.read()).value);
    expect(next).toContain('event: accounts');
    await reader.cancel();
  });

  it('merges path, query and body into the validated input', async () => {
    const { app } = appWith();
    const res = await app.request('http://x/api/queue/events?state=delayed&limit=20', { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ op: 'listEvents', input: { state: 'delayed', limit: 20, offset: 0 } });

    const post = await app.request('http://x/api/queue/events/abc/hold', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ expectedStatus: 'pending' }),
    });
    expect(await post.json()).toEqual({ op: 'hold', input: { id: 'abc', expectedStatus: 'pending' } });
  });

  it('answers 201 for enqueue', async () => {
    const { app } = appWith();
    const res = await app.request('http://x/api/queue/events', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ accountId: 'DU123456', command: 'print-equity' }),
    });
    expect(res.status).toBe(201);
  });

  it("routes Rebalance all and one account's command to their own operations", async () => {
    const { app } = appWith();
    const all = await app.request('http://x/api/accounts/commands/rebalance', { method: 'POST', headers: auth });
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({ op: 'runCommandAll', input: { command: 'rebalance' } });
    const one = await app.request('http://x/api/accounts/DU123456/commands/rebalance', {
      method: 'POST',
      headers: auth,
    });
    expect(one.status).toBe(201);
    expect(await one.json()).toEqual({ op: 'runCommand', input: { accountId: 'DU123456', command: 'rebalance' } });
    const bad = await app.request('http://x/api/accounts/commands/buy-everything', { method: 'POST', headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/command/);
  });

  it.each([
    ['an unknown command', { accountId: 'DU123456', command: 'buy-everything' }, 'command'],
    ['a malformed account id', { accountId: 'not an account', command: 'rebalance' }, 'accountId'],
    ['a missing account id', { command: 'rebalance' }, 'accountId'],
    ['an unexpected field', { accountId: 'DU123456', command: 'rebalance', extra: 1 }, ''],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const { app } = appWith();
    const res = await app.request('http://x/api/queue/events', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; message: string; issues: { path: string }[] };
    expect(json.error).toBe('invalid');
    expect(json.issues.map((i) => i.path)).toContain(field);
    if (field) expect(json.message).toContain(field);
  });

  it.each([
    ['not JSON', '{"accountId": '],
    ['an array', '[1,2]'],
  ])('answers 400 for a body that is %s', async (_label, body) => {
    const { app } = appWith();
    const res = await app.request('http://x/api/queue/events', { method: 'POST', headers: auth, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/JSON/);
  });

  it('answers 400 for a bad query string', async () => {
    const { app } = appWith();
    const res = await app.request('http://x/api/queue/events?limit=-3', { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('limit');
  });

  it('maps typed core errors to 404 and 409', async () => {
    const { app } = appWith({
      getEvent: async () => {
        throw Object.assign(new Error('no event e1'), { code: 'not-found' });
      },
      enqueue: async () => {
        throw new ApiError('duplicate', 'DU123456 already has a rebalance queued', { existingId: 'old-1' });
      },
      retry: async () => {
        throw Object.assign(new Error('event is pending, not delayed'), { code: 'conflict' });
      },
    });
    const missing = await app.request('http://x/api/queue/events/e1', { headers: auth });
    expect(missing.status).toBe(404);
    const dup = await app.request('http://x/api/queue/events', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ accountId: 'DU123456', command: 'rebalance' }),
    });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toEqual({
      error: 'duplicate',
      message: 'DU123456 already has a rebalance queued',
      existingId: 'old-1',
    });
    const conflict = await app.request('http://x/api/queue/events/e1/retry', { method: 'POST', headers: auth });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'conflict' });
  });

  it('lets the desktop app attached from app://desk call across origins, and no other origin (§22)', async () => {
    const { app } = appWith();
    const desk = { origin: 'app://desk' };
    const preflight = await app.request('http://x/api/queue/events', {
      method: 'OPTIONS',
      headers: { ...desk, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('app://desk');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const call = await app.request('http://x/api/health', { headers: { ...desk, ...auth } });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('app://desk');
    // still the token: a refused call is readable by the page, and refused
    const noToken = await app.request('http://x/api/health', { headers: desk });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('access-control-allow-origin')).toBe('app://desk');
    // any other page gets no CORS answer at all
    const other = { origin: 'https://evil.example' };
    const otherPreflight = await app.request('http://x/api/health', { method: 'OPTIONS', headers: other });
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(otherPreflight.status).not.toBe(204);
    const otherCall = await app.request('http://x/api/health', { headers: { ...other, ...auth } });
    expect(otherCall.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 404 for an unknown API route', async () => {
    const { app } = appWith();
    const res = await app.request('http://x/api/nothing-here', { headers: auth });
    expect(res.status).toBe(404);
  });

  it('leaves demo-only operations out unless in demo mode', async () => {
    const app = createHttpApp({ handlers: echoHandlers(), token: TOKEN, subscribe: () => () => {} });
    const res = await app.request('http://x/api/demo/signal', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ strategy: 'x' }),
    });
    expect(res.status).toBe(404);
  });

  it('sends the CSP as a header, frame-ancestors included, on the UI, the API and errors', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rd-static-'));
    try {
      await writeFile(join(root, 'index.html'), '<!doctype html><title>x</title>');
      const app = createHttpApp({
        handlers: echoHandlers(),
        token: TOKEN,
        subscribe: () => () => {},
        staticRoot: root,
      });
      for (const [path, headers, status] of [
        ['/', {}, 200],
        ['/queue', {}, 200],
        ['/api/health', auth, 200],
        ['/api/health', {}, 401],
        ['/api/nothing-here', auth, 404],
      ] as const) {
        const res = await app.request(`http://x${path}`, { headers });
        expect(res.status, path).toBe(status);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp, path).toBe(CONTENT_SECURITY_POLICY);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("keeps in index.html's <meta> CSP exactly the header's directives that a <meta> may carry", async () => {
    const html = await readFile(join(import.meta.dirname, '../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = (policy: string) => policy.split(';').map((d) => d.trim());
    expect(directives(meta)).toEqual(
      // connect-src only in the header: the desktop app attached to a remote core widens it to that origin (§22).
      directives(CONTENT_SECURITY_POLICY).filter((d) => !/^(frame-ancestors|report-uri|sandbox|connect-src)\b/.test(d)),
    );
  });
});
