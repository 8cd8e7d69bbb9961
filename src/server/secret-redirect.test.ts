/**
 * §18: a token holder cannot send a secret somewhere new. Changing `zehnlabs.allocationsUrl` while the allocations key
 * comes back masked clears the key (it must be typed again), and the key never follows a redirect to another place:
 * a local server standing in for the attacker's must receive no key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore, SECRET_MASK } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import { startHeadless, type HeadlessHost } from './host';

const TOKEN = 'redirect-test-token-0123456789abcdef';
const KEY = 'alloc-key-secret-7781';
const STRATEGIES = JSON.stringify({ status: 'success', strategies: [{ strategy_name: 'ETF Blend 200-35' }] });

/** A local HTTP server that records every request's headers and answers `answer`. */
async function recorder(answer: (url: string) => { status: number; headers?: Record<string, string> }) {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    const a = answer(req.url ?? '/');
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.status === 200 ? STRATEGIES : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/strategies`;
  return { seen, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let dir: string;
let host: HeadlessHost;
let trusted: Awaited<ReturnType<typeof recorder>>;
let attacker: Awaited<ReturnType<typeof recorder>>;

async function api(method: string, route: string, body?: unknown) {
  const res = await fetch(`${host.url}api/${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rd-redirect-'));
  attacker = await recorder(() => ({ status: 200 }));
  trusted = await recorder(() => ({ status: 200 }));
  const dataDir = path.join(dir, 'data');
  const file = path.join(dir, 'settings.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir,
      ib: { port: 1, connectTimeoutMs: 200 },
      zehnlabs: { allocationsUrl: trusted.url, allocationsApiKey: KEY },
      management: { port: 0, token: TOKEN },
    }),
  );
  const settingsStore = new SettingsStore(file, new MemorySecretStore());
  const loadOutcome = await settingsStore.load();
  host = await startHeadless({ settingsStore, loadOutcome, dataDir, staticRoot: null });
});

afterAll(async () => {
  await host?.stop();
  await trusted?.close();
  await attacker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a masked secret is never sent to a new place', () => {
  it('sends the allocations key to the URL it was saved for', async () => {
    const listed = await api('GET', 'strategies');
    expect(listed.json.error).toBeNull();
    expect(trusted.seen.at(-1)?.['x-api-key']).toBe(KEY);
  });

  it('clears the key when allocationsUrl changes while the key comes back masked; the new server receives none', async () => {
    const view = (await api('GET', 'config')).json as { settings: { zehnlabs: Record<string, unknown> } };
    expect(view.settings.zehnlabs.allocationsApiKey).toBe(SECRET_MASK);
    const settings = { ...view.settings, zehnlabs: { ...view.settings.zehnlabs, allocationsUrl: attacker.url } };
    const put = await api('PUT', 'config', { settings });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect((put.json.secretsSet as Record<string, boolean>)['zehnlabs.allocationsApiKey']).toBe(false);
    await api('GET', 'strategies');
    expect(attacker.seen.length).toBeGreaterThan(0);
    for (const headers of attacker.seen) expect(JSON.stringify(headers)).not.toContain(KEY);
    expect(host.runtime.settings.zehnlabs.allocationsApiKey).toBe('');
  });
});

describe('the allocation client', () => {
  it('does not follow a redirect to another place with the key, and says why', async () => {
    const bouncer = await recorder(() => ({ status: 302, headers: { location: attacker.url } }));
    try {
      attacker.seen.length = 0;
      const view = (await api('GET', 'config')).json as { settings: { zehnlabs: Record<string, unknown> } };
      const zehnlabs = { ...view.settings.zehnlabs, allocationsUrl: bouncer.url, allocationsApiKey: KEY };
      expect((await api('PUT', 'config', { settings: { ...view.settings, zehnlabs } })).status).toBe(200);
      const listed = await api('GET', 'strategies');
      expect(bouncer.seen.at(-1)?.['x-api-key']).toBe(KEY);
      expect(attacker.seen).toEqual([]);
      expect(listed.json.error).toMatch(/redirect.*HTTP 302.*127\.0\.0\.1.*zehnlabs\.allocationsUrl/);
    } finally {
      await bouncer.close();
    }
  });
});
