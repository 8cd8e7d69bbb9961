/**
 * §18: the headless server refuses strangers — a `Host` it was not bound for (DNS rebinding) is a 421, an `/api/*`
 * body above 1 MB is a 413 and none of it is used, a short `management.token` stops the start naming the setting,
 * and a token from the settings is never printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../core/config/secrets';
import type { SettingsInput } from '../core/config/schema';
import { SettingsStore } from '../core/config/settings-store';
import { listeningLine, startHeadless, type HeadlessHost } from './host';

const TOKEN = 'guards-test-token-0123456789abcdef';
let dir: string;
let host: HeadlessHost;
let settingsFile: string;

async function start(settings: SettingsInput): Promise<HeadlessHost> {
  const dataDir = mkdtempSync(path.join(dir, 'data-'));
  const file = path.join(dataDir, 'settings.json');
  writeFileSync(file, JSON.stringify({ dataDir, ib: { port: 1, connectTimeoutMs: 200 }, ...settings }));
  const settingsStore = new SettingsStore(file, new MemorySecretStore());
  const loadOutcome = await settingsStore.load();
  settingsFile = file;
  return startHeadless({ settingsStore, loadOutcome, dataDir, staticRoot: null });
}

/** A raw HTTP request, so the Host header and the body are exactly what a browser under attack would send. */
function raw(options: {
  method?: string;
  path: string;
  host?: string;
  body?: Buffer | string;
  token?: string;
}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(host.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          host: options.host ?? url.host,
          authorization: `Bearer ${options.token ?? TOKEN}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
        );
      },
    );
    // A refused body is read to its end before the answer (body-limit.ts), so a broken connection is a failure here.
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rd-guards-'));
  host = await start({
    management: { port: 0, token: TOKEN },
    accounts: [{ accountId: 'DU123456', strategy: 'etf-blend-200-35' }],
  });
});

afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Host header (DNS rebinding)', () => {
  it('answers for 127.0.0.1, localhost and [::1] with its port', async () => {
    const port = new URL(host.url).port;
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await raw({ path: '/api/health', host: name })).status, name).toBe(200);
    }
  });

  it('answers 421 to any other name or port, even with the right token', async () => {
    const port = new URL(host.url).port;
    for (const name of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) + 1}`, `127.0.0.1`]) {
      const res = await raw({ path: '/api/health', host: name });
      expect(res.status, name).toBe(421);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'misdirected' });
      expect(JSON.parse(res.body).message).toMatch(/Host/);
    }
  });
});

describe('request bodies', () => {
  it('answers 413 to a 5 MB body, saying the limit, and changes nothing', async () => {
    const res = await raw({ method: 'PUT', path: '/api/config', body: Buffer.alloc(5 * 1024 * 1024, 'x') });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({
      error: 'too-large',
      message: 'request body is larger than 1 MB; none of it was used and nothing changed',
    });
    expect(host.runtime.settings.accounts.map((a) => a.accountId)).toEqual(['DU123456']);
  });

  it('never wipes the accounts with a 50 MB junk body', async () => {
    const junk = `{"settings":{"accounts":[]},"junk":"${'j'.repeat(50 * 1024 * 1024)}"}`;
    const res = await raw({ method: 'PUT', path: '/api/config', body: junk });
    expect(res.status).toBe(413);
    expect(host.runtime.settings.accounts.map((a) => a.accountId)).toEqual(['DU123456']);
    expect(JSON.parse(readFileSync(settingsFile, 'utf8')).accounts).toHaveLength(1);
  });
});

describe('management.token', () => {
  it('refuses to start with a short token, naming the setting', async () => {
    await expect(start({ management: { port: 0, token: 'ab' } })).rejects.toThrow(
      'management.token is 2 characters long; it must be at least 24 (or leave it empty and serve makes one)',
    );
  });

  it('prints the token only when serve made it', () => {
    const printed = listeningLine({ url: 'http://127.0.0.1:8765/', token: 'made-for-this-run', tokenGenerated: true });
    expect(printed).toBe('listening on http://127.0.0.1:8765/#token=made-for-this-run');
    const fromFile = listeningLine({ url: 'http://127.0.0.1:8765/', token: TOKEN, tokenGenerated: false });
    expect(fromFile).not.toContain(TOKEN);
    expect(fromFile).toBe(
      'listening on http://127.0.0.1:8765/ (token: management.token from the settings; add #token=… to open the window)',
    );
  });
});

describe('repeated wrong tokens', () => {
  it('slow down the client that sends them, and a right token resets it', async () => {
    const { createHttpApp } = await import('./http-app');
    const delays: number[] = [];
    const app = createHttpApp({
      handlers: host.runtime.handlers,
      token: TOKEN,
      subscribe: () => () => {},
      sleep: async (ms) => void delays.push(ms),
    });
    // As @hono/node-server hands the socket to the app: the client is known by its address.
    const env = { incoming: { socket: { remoteAddress: '192.0.2.7' } } };
    const call = (token: string) =>
      app.request('http://x/api/health', { headers: { authorization: `Bearer ${token}` } }, env);
    for (let i = 0; i < 9; i++) expect((await call(`wrong-${i}`)).status).toBe(401);
    expect(delays).toEqual([250, 500, 1_000, 2_000]);
    expect((await call(TOKEN)).status).toBe(200);
    expect((await call('wrong-again')).status).toBe(401);
    expect(delays).toHaveLength(4);
  });
});
