/**
 * §22 remote window: the window's own HTTP + SSE transport (src/renderer/src/api/http-transport.ts) against `serve`
 * with `management.tls`, its certificate signed by a test CA that the client is told to trust — the way the desktop
 * app attached to a remote core talks to it. A wrong token is refused; a certificate nobody vouched for is reported
 * as such, not as a vague failure.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Agent, EventSource as UndiciEventSource, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/core/config/secrets';
import { SettingsStore } from '../../src/core/config/settings-store';
import { startHeadless, type HeadlessHost } from '../../src/server/host';
import type { OperationName, OutputOf, StreamMessage } from '../../src/shared/contract';
import { makeTestCerts, type TestCerts } from '../support/tls-certs';

/**
 * The window's transport, loaded at run time: it is DOM code (tsconfig.web.json), which this Node-side program does
 * not type-check, so its shape is restated here.
 */
type ConnectionState = 'connecting' | 'open' | 'reconnecting';
interface ApiClient {
  call<N extends OperationName>(name: N, input?: object): Promise<OutputOf<N>>;
  subscribe(listener: (message: StreamMessage) => void): () => void;
  onConnection?(listener: (state: ConnectionState) => void): () => void;
}
interface TransportModule {
  createHttpApi(options: {
    token: string | null;
    baseUrl?: string;
    fetch?: unknown;
    EventSource?: unknown;
    reconnectDelayMs?: number;
  }): ApiClient;
}
const TRANSPORT = '../../src/renderer/src/api/http-transport';
const { createHttpApi } = (await import(/* @vite-ignore */ TRANSPORT)) as TransportModule;

/** The transport's ApiError (checked by shape: the class is in the DOM program). */
function isApiError(error: unknown, code: string): error is Error & { code: string } {
  return error instanceof Error && error.name === 'ApiError' && (error as { code?: unknown }).code === code;
}

const TOKEN = 'remote-window-token-0123456789';
let certs: TestCerts;
let host: HeadlessHost;
let baseUrl: string;

beforeAll(async () => {
  certs = await makeTestCerts();
  const dataDir = mkdtempSync(path.join(certs.dir, 'data-'));
  const file = path.join(dataDir, 'settings.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir,
      ib: { port: 1, connectTimeoutMs: 200 },
      accounts: [{ accountId: 'DU123456', name: 'Paper IRA', type: 'paper', strategy: 'etf-blend-200-35' }],
      management: { port: 0, token: TOKEN, tls: { cert: certs.cert, key: certs.key } },
    }),
  );
  const settingsStore = new SettingsStore(file, new MemorySecretStore());
  const loadOutcome = await settingsStore.load();
  host = await startHeadless({ settingsStore, loadOutcome, dataDir, staticRoot: null });
  baseUrl = host.url.replace(/\/$/, '');
}, 60_000);

afterAll(async () => {
  await host?.stop();
  certs?.cleanup();
});

/** The transport with fetch and EventSource trusting `ca` (as the desktop app trusts `remote.ca`). */
function transport(token: string, ca: string | null): ApiClient {
  const dispatcher = ca ? new Agent({ connect: { ca: readFileSync(ca) } }) : undefined;
  const withCa = (init?: object) => (dispatcher ? { ...init, dispatcher } : { ...init });
  class TrustingEventSource extends UndiciEventSource {
    constructor(url: string | URL) {
      super(url, withCa());
    }
  }
  return createHttpApi({
    token,
    baseUrl,
    fetch: (url: string, init?: object) => undiciFetch(url, withCa(init)),
    EventSource: TrustingEventSource,
    reconnectDelayMs: 60_000,
  });
}

/** Resolves with the first stream message `match` accepts. */
function nextMessage(api: ApiClient, match: (m: StreamMessage) => boolean): Promise<StreamMessage> & { stop(): void } {
  let stop = () => {};
  const promise = new Promise<StreamMessage>((resolve) => {
    stop = api.subscribe((m) => {
      if (match(m)) resolve(m);
    });
  });
  return Object.assign(promise, { stop: () => stop() });
}

function connectionReaches(api: ApiClient, wanted: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = api.onConnection!((state) => {
      if (state === wanted) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

describe('the window transport against serve over HTTPS', () => {
  it('calls operations and receives the push stream with the CA trusted', async () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const api = transport(TOKEN, certs.ca);
    const health = await api.call('health');
    expect(health.redis.state).toBe('green');
    expect(health.tradingMode).toBe('paper');
    const accounts = await api.call('accounts');
    expect(accounts.accounts.map((a) => a.accountId)).toEqual(['DU123456']);

    const open = connectionReaches(api, 'open');
    const queued = nextMessage(api, (m) => m.type === 'queue');
    await open;
    const event = await api.call('enqueue', { accountId: 'DU123456', command: 'print-equity' });
    expect(event.accountId).toBe('DU123456');
    const message = await queued;
    queued.stop();
    expect(message.type).toBe('queue');
    expect(JSON.stringify(message)).toContain(event.id);
  }, 60_000);

  it('refuses a wrong token: calls answer 401 unauthorized and the stream does not open', async () => {
    const api = transport('not-the-token', certs.ca);
    const error = await api.call('health').catch((e: unknown) => e);
    expect(isApiError(error, 'unauthorized')).toBe(true);
    expect((error as Error).message).toMatch(/missing or wrong token/);
    const refused = connectionReaches(api, 'reconnecting');
    const stream = nextMessage(api, () => true);
    await refused;
    stream.stop();
  }, 60_000);

  it('reports a certificate it was not told to trust as a certificate problem', async () => {
    for (const ca of [null, certs.otherCa]) {
      const error = await transport(TOKEN, ca)
        .call('health')
        .catch((e: unknown) => e);
      expect(isApiError(error, 'unavailable')).toBe(true);
      expect((error as Error).message).toMatch(
        /^cannot reach the Rebalance Desk service at https:\/\/127\.0\.0\.1:\d+ \(fetch failed: .*certificate/,
      );
    }
  }, 60_000);
});
