import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK, MemorySecretStore } from '../core/config/secrets';
import type { Settings } from '../core/config/schema';
import { SettingsStore } from '../core/config/settings-store';
import { createManagementHandlers } from '../core/management/handlers';
import type { ManagementPorts } from '../core/management/ports';
import { createHttpApp } from './http-app';

const TOKEN = 'config-test-token';
const REALTIME = {
  key: 'demo.app:demo-secret',
  token: 'tok-123',
  tokenDetails: { token: 'td-456', expires: 1 },
  authHeaders: { 'x-auth': 'hdr-789' },
  authParams: { secret: 'prm-000' },
  password: 'pw-111',
  endpoint: 'localhost',
  tls: false,
};
const PLAIN_SECRETS = ['demo-secret', 'tok-123', 'td-456', 'hdr-789', 'prm-000', 'pw-111'];

/** The settings operations over a real SettingsStore, behind the real HTTP routes (no Redis, no gateway needed). */
async function configApp(dir: string) {
  const store = new SettingsStore(join(dir, 'settings.json'), new MemorySecretStore());
  await store.save({
    zehnlabs: { realtime: REALTIME, realtimeApiKey: 'rt-key' },
    ib: { port: 4002 },
    accounts: [{ accountId: 'DU123456', strategy: 'etf-blend-200-35', cashReservePercent: 1 }],
  });
  // Only the settings port: the config operations use nothing else.
  const ports = {
    settings: {
      current: () => store.settings,
      loadIssues: () => [],
      saveAndApply: (next: Settings) => store.save(next),
      dataDir: dir,
      simulated: true,
    },
  } as unknown as ManagementPorts;
  const app = createHttpApp({
    handlers: createManagementHandlers(ports),
    token: TOKEN,
    subscribe: () => () => {},
  });
  const call = async (method: string, body?: unknown) => {
    const res = await app.request('http://x/api/config', {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  };
  return { store, call };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-config-route-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/config and PUT /api/config', () => {
  it('masks every credential inside zehnlabs.realtime and leaves the other options readable', async () => {
    const { call } = await configApp(dir);
    const got = await call('GET');
    expect(got.status).toBe(200);
    for (const secret of [...PLAIN_SECRETS, 'rt-key']) expect(got.text).not.toContain(secret);
    const realtime = (JSON.parse(got.text) as { settings: { zehnlabs: { realtime: Record<string, unknown> } } })
      .settings.zehnlabs.realtime;
    expect(realtime).toEqual({
      key: SECRET_MASK,
      token: SECRET_MASK,
      tokenDetails: SECRET_MASK,
      authHeaders: SECRET_MASK,
      authParams: SECRET_MASK,
      password: SECRET_MASK,
      endpoint: 'localhost',
      tls: false,
    });
  });

  it('keeps the realtime credentials when a PUT sends the masks back, and answers masked again', async () => {
    const { store, call } = await configApp(dir);
    const view = JSON.parse((await call('GET')).text) as { settings: Record<string, unknown> };
    const settings = structuredClone(view.settings) as { queue: { retryDelayMs: number } };
    settings.queue.retryDelayMs = 1_234;
    const put = await call('PUT', { settings });
    expect(put.status, put.text).toBe(200);
    for (const secret of PLAIN_SECRETS) expect(put.text).not.toContain(secret);
    expect(store.settings.queue.retryDelayMs).toBe(1_234);
    expect(store.settings.zehnlabs.realtime).toEqual(REALTIME);
    expect(store.settings.zehnlabs.realtimeApiKey).toBe('rt-key');
    // §18: the secret store is a keychain here, so settings.json keeps the realtime options without the credentials.
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')).zehnlabs.realtime).toEqual({
      endpoint: 'localhost',
      tls: false,
    });
  });

  it('replaces a credential the trader typed anew and drops one the trader removed', async () => {
    const { store, call } = await configApp(dir);
    const view = JSON.parse((await call('GET')).text) as {
      settings: { zehnlabs: { realtime: Record<string, unknown> } };
    };
    const { password: _password, ...rest } = view.settings.zehnlabs.realtime;
    view.settings.zehnlabs.realtime = { ...rest, key: 'new.app:new-secret' };
    expect((await call('PUT', { settings: view.settings })).status).toBe(200);
    const { password: _old, ...kept } = REALTIME;
    expect(store.settings.zehnlabs.realtime).toEqual({ ...kept, key: 'new.app:new-secret' });
  });

  it('refuses an out-of-range value with the schema message in words and changes nothing', async () => {
    const { store, call } = await configApp(dir);
    const view = JSON.parse((await call('GET')).text) as { settings: Record<string, unknown> };
    const settings = structuredClone(view.settings) as {
      ib: { port: unknown };
      accounts: { cashReservePercent: unknown }[];
      queue: { retryDelayMs: unknown };
    };
    settings.ib.port = 99_999_999;
    settings.accounts[0]!.cashReservePercent = 150;
    settings.queue.retryDelayMs = -5;
    const put = await call('PUT', { settings });
    expect(put.status).toBe(400);
    const body = JSON.parse(put.text) as {
      error: string;
      message: string;
      issues: { path: string; message: string }[];
    };
    expect(body.error).toBe('invalid');
    expect(body.issues).toEqual([
      { path: 'ib.port', message: 'must be a port between 1 and 65535' },
      { path: 'accounts.0.cashReservePercent', message: 'must be a percentage from 0 to 100' },
      { path: 'queue.retryDelayMs', message: 'must be a whole number of milliseconds, at least 1' },
    ]);
    expect(body.message).toContain('ib.port: must be a port between 1 and 65535');
    expect(store.settings.ib.port).toBe(4002);
    expect(store.settings.accounts[0]!.cashReservePercent).toBe(1);
  });

  it('refuses a switch to LIVE without confirmLive, saying so in a machine-readable reason, and saves it with one', async () => {
    const { store, call } = await configApp(dir);
    const view = JSON.parse((await call('GET')).text) as { settings: { tradingMode: string } };
    const settings = { ...view.settings, tradingMode: 'live' };
    const refused = await call('PUT', { settings });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toEqual({
      error: 'invalid',
      reason: 'needs-live-confirmation',
      message: 'switching to LIVE trading needs confirmation (confirmLive: true)',
      issues: [{ path: 'tradingMode', message: 'switching to live trading needs confirmation' }],
    });
    expect(store.settings.tradingMode).toBe('paper');
    const confirmed = await call('PUT', { settings, confirmLive: true });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(store.settings.tradingMode).toBe('live');
    // Already live: saving again needs no second confirmation.
    expect((await call('PUT', { settings })).status).toBe(200);
  });
});

describe('PUT /api/config never wipes the accounts by accident (§18)', () => {
  async function fullView(call: (method: string, body?: unknown) => Promise<{ status: number; text: string }>) {
    return (JSON.parse((await call('GET')).text) as { settings: Record<string, unknown> }).settings;
  }

  async function expectUnchanged(store: SettingsStore, before: string) {
    expect(store.settings.accounts.map((a) => a.accountId)).toEqual(['DU123456']);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(before);
  }

  it('refuses {"settings":{}}, naming every missing block, and changes nothing', async () => {
    const { store, call } = await configApp(dir);
    const before = await readFile(join(dir, 'settings.json'), 'utf8');
    const put = await call('PUT', { settings: {} });
    expect(put.status).toBe(400);
    const body = JSON.parse(put.text) as { message: string; issues: { path: string; message: string }[] };
    expect(body.issues).toContainEqual({
      path: 'accounts',
      message: 'is missing: send the whole settings, as GET /api/config gives them',
    });
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['redis', 'ib', 'zehnlabs', 'management']));
    await expectUnchanged(store, before);
  });

  it('refuses a misspelt key anywhere, naming it', async () => {
    const { store, call } = await configApp(dir);
    const before = await readFile(join(dir, 'settings.json'), 'utf8');
    const { accounts, ...rest } = await fullView(call);
    const misspeltTop = await call('PUT', { settings: { ...rest, acounts: accounts } });
    expect(misspeltTop.status).toBe(400);
    const top = JSON.parse(misspeltTop.text) as { issues: { path: string; message: string }[] };
    expect(top.issues).toContainEqual({ path: 'acounts', message: 'is not a setting (misspelt?)' });
    expect(top.issues.map((i) => i.path)).toContain('accounts');
    const settings = { ...rest, accounts, ib: { ...(rest.ib as object), prot: 4001 } };
    const misspeltNested = await call('PUT', { settings });
    expect(misspeltNested.status).toBe(400);
    expect(JSON.parse(misspeltNested.text).issues).toEqual([
      { path: 'ib.prot', message: 'is not a setting (misspelt?)' },
    ]);
    await expectUnchanged(store, before);
  });

  it('refuses to drop every account unless the save says so (dropAllAccounts)', async () => {
    const { store, call } = await configApp(dir);
    const before = await readFile(join(dir, 'settings.json'), 'utf8');
    const settings = { ...(await fullView(call)), accounts: [] };
    const refused = await call('PUT', { settings });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      reason: 'drops-every-account',
      message: 'this save would remove every account (DU123456); send dropAllAccounts: true to do so',
    });
    await expectUnchanged(store, before);
    const done = await call('PUT', { settings, dropAllAccounts: true });
    expect(done.status, done.text).toBe(200);
    expect(store.settings.accounts).toEqual([]);
  });
});

describe('PUT /api/config and management.token (§18)', () => {
  it('refuses a token shorter than 24 characters, naming the setting, and keeps the old one', async () => {
    const { store, call } = await configApp(dir);
    const view = JSON.parse((await call('GET')).text) as { settings: { management: Record<string, unknown> } };
    const settings = { ...view.settings, management: { ...view.settings.management, token: 'ab' } };
    const put = await call('PUT', { settings });
    expect(put.status).toBe(400);
    expect(JSON.parse(put.text).issues).toEqual([
      {
        path: 'management.token',
        message: 'must be at least 24 characters (it guards the API), or empty to have serve make one',
      },
    ]);
    expect(store.settings.management.token).toBe('');
    const long = { ...settings, management: { ...settings.management, token: 'x'.repeat(24) } };
    expect((await call('PUT', { settings: long })).status).toBe(200);
  });
});
