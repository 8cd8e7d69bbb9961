/**
 * §22: `serve` over HTTPS with `management.tls`, and never plain HTTP on an address other machines reach unless told
 * `--allow-insecure-remote`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../core/config/secrets';
import type { SettingsInput } from '../core/config/schema';
import { SettingsStore } from '../core/config/settings-store';
import { isLoopback, startHeadless, type HeadlessHost } from './host';

let dir: string;
let cert: string;
let key: string;
const hosts: HeadlessHost[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rd-host-tls-'));
  cert = path.join(dir, 'cert.pem');
  key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function store(settings: SettingsInput): Promise<{ settingsStore: SettingsStore; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(dir, 'data-'));
  const file = path.join(dataDir, 'settings.json');
  writeFileSync(file, JSON.stringify({ dataDir, ib: { port: 1, connectTimeoutMs: 200 }, ...settings }));
  const settingsStore = new SettingsStore(file, new MemorySecretStore());
  await settingsStore.load();
  return { settingsStore, dataDir };
}

/** fetch over node:https trusting the test certificate (the global fetch takes no CA). */
function trustingFetch(ca: Buffer): typeof fetch {
  return (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, ca },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 500,
                headers: res.headers as Record<string, string>,
              }),
            ),
          );
        },
      );
      req.on('error', reject);
      if (init?.body) req.write(init.body);
      req.end();
    });
  }) as typeof fetch;
}

describe('serve on the network', () => {
  it('knows loopback addresses from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.5', '::', 'desk.example']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses a non-loopback host without TLS, saying what to set', async () => {
    const opts = await store({ management: { host: '0.0.0.0', port: 0 } });
    await expect(
      startHeadless({ ...opts, loadOutcome: { settings: opts.settingsStore.settings, from: 'file', error: null } }),
    ).rejects.toThrow(
      /management\.host 0\.0\.0\.0 is reachable from other machines.*management\.tls \{cert, key\}.*--allow-insecure-remote/,
    );
  });

  it('names a TLS file it cannot read', async () => {
    const opts = await store({ management: { port: 0, tls: { cert: path.join(dir, 'missing.pem'), key } } });
    await expect(
      startHeadless({ ...opts, loadOutcome: { settings: opts.settingsStore.settings, from: 'file', error: null } }),
    ).rejects.toThrow(/management\.tls\.cert: cannot read .*missing\.pem/);
  });

  it('answers the API and the push stream over HTTPS with management.tls', async () => {
    const opts = await store({ management: { port: 0, token: 'tls-token-0123456789abcdefghij', tls: { cert, key } } });
    const host = await startHeadless({
      ...opts,
      loadOutcome: { settings: opts.settingsStore.settings, from: 'file', error: null },
    });
    hosts.push(host);
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = readFileSync(cert);
    const get = trustingFetch(ca);
    const auth = { authorization: 'Bearer tls-token-0123456789abcdefghij' };
    const health = (await (await get(`${host.url}api/health`, { headers: auth })).json()) as {
      redis: { state: string };
    };
    expect(health.redis.state).toBe('green');
    // §18: HTTPS answers carry HSTS, the unauthorised ones too
    expect((await get(`${host.url}api/health`, { headers: auth })).headers.get('strict-transport-security')).toBe(
      'max-age=31536000',
    );
    const refused = await get(`${host.url}api/health`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const enqueued = await get(`${host.url}api/queue/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: 'DU123456', command: 'print-equity' }),
    });
    // no such account in these settings: the server's answer, in words, came back over TLS
    expect(enqueued.status).toBe(400);
    expect(((await enqueued.json()) as { message: string }).message).toMatch(/DU123456/);
    // the push stream (SSE) is served over TLS too
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${host.url}api/stream?token=tls-token-0123456789abcdefghij`,
        { ca: readFileSync(cert) },
        (res) => {
          res.once('data', (chunk: Buffer) => {
            resolve(`${res.statusCode} ${String(res.headers['content-type'])} ${chunk.toString()}`);
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(first).toMatch(/^200 text\/event-stream/);
    // plain HTTP to the TLS port is not served
    await expect(fetch(host.url.replace('https', 'http') + 'api/health')).rejects.toThrow();
  }, 60_000);
});
