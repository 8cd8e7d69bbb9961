import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from './schema';
import { EnvSecretStore, MemorySecretStore, SECRET_MASK, keepUnchangedSecrets, maskSecrets } from './secrets';
import { SettingsError, SettingsStore, parseSettings, parseSettingsText } from './settings-store';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/settings');

/** The field each bad fixture must be reported against. */
const expectedPaths: Record<string, string> = {
  'bad-json.json': '',
  'array-root.json': '',
  'bad-trading-mode.json': 'tradingMode',
  'port-as-string.json': 'ib.port',
  'port-out-of-range.json': 'ib.port',
  'strategy-not-slug.json': 'accounts.0.strategy',
  'bad-account-id.json': 'accounts.0.accountId',
  'reserve-over-100.json': 'accounts.0.cashReservePercent',
  'unknown-replacement-set.json': 'accounts.0.replacementSet',
  'duplicate-account.json': 'accounts.1.accountId',
  'bad-order-type.json': 'orders.type',
  'negative-retry-delay.json': 'queue.retryDelayMs',
  'bad-hold-on.json': 'queue.holdOn.1',
  'bad-allocations-url.json': 'zehnlabs.allocationsUrl',
  'redis-url-no-scheme.json': 'redis.url',
  'replacement-without-target.json': 'replacementSets.ira.0.target',
  'bad-log-level.json': 'logLevel',
};

describe('settings defaults', () => {
  it('has every default of PRODUCT.md §14', () => {
    expect(defaultSettings()).toEqual({
      tradingMode: 'paper',
      dataDir: null,
      redis: { url: null, binary: null, keyPrefix: '' },
      ib: {
        host: '127.0.0.1',
        port: 4002,
        clientId: null,
        marketDataType: 1,
        connectTimeoutMs: 5000,
        requestTimeoutMs: 10000,
        reconnectDelayMs: 5000,
      },
      zehnlabs: {
        realtimeApiKey: '',
        allocationsApiKey: '',
        allocationsUrl: 'https://workers.fintech.zehnlabs.com/api/v1/strategies',
        realtime: {},
        autoCatchUp: false,
      },
      accounts: [],
      replacementSets: {},
      orders: {
        type: 'MKT',
        timeInForce: 'DAY',
        outsideRth: false,
        limitOffsetPercent: 0.5,
        fillTimeoutMs: 300000,
        minTradeValue: 0,
        whatIf: true,
      },
      queue: {
        retryDelayMs: 60000,
        concurrency: 4,
        leaseMs: 30000,
        holdOn: [],
        historyLimit: 100000,
        retainDoneDays: 90,
      },
      management: { host: '127.0.0.1', port: 8765, token: '' },
      notifications: { desktop: true, ntfyUrl: null, ntfyTopic: null },
      logLevel: 'info',
    });
  });

  it('completes a partial file with the defaults, including each account', () => {
    const parsed = parseSettingsText(
      JSON.stringify({
        ib: { port: 7497 },
        accounts: [{ accountId: 'DU123456', strategy: 'etf-blend-200-35', replacementSet: 'ira' }],
        replacementSets: { ira: [{ source: 'dbc', target: 'pdbc' }] },
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.settings.ib).toMatchObject({ host: '127.0.0.1', port: 7497, connectTimeoutMs: 5000 });
    expect(parsed.settings.accounts[0]).toEqual({
      accountId: 'DU123456',
      name: '',
      type: 'paper',
      enabled: true,
      strategy: 'etf-blend-200-35',
      cashReservePercent: 1,
      replacementSet: 'ira',
      approval: 'auto',
      approvalMinutes: 10,
    });
    expect(parsed.settings.replacementSets.ira).toEqual([{ source: 'DBC', target: 'PDBC', scale: 1 }]);
  });

  it('takes approval and fractional approvalMinutes per account (§19), naming a bad value', () => {
    const account = { accountId: 'DU123456', strategy: 'etf-blend-200-35' };
    const ok = parseSettings({ accounts: [{ ...account, approval: 'timer', approvalMinutes: 0.1 }] });
    expect(ok.ok && ok.settings.accounts[0]).toMatchObject({ approval: 'timer', approvalMinutes: 0.1 });
    const bad = parseSettings({ accounts: [{ ...account, approval: 'ask', approvalMinutes: 0 }] });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const issues = bad.issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/accounts\.0\.approval: must be auto, confirm or timer/),
        expect.stringMatching(/accounts\.0\.approvalMinutes: must be more than 0 minutes/),
      ]),
    );
  });
});

describe('a bad settings file', () => {
  it.each(Object.entries(expectedPaths))('%s is reported against the field %j', async (file, path) => {
    const parsed = parseSettingsText(await readFile(join(fixtures, file), 'utf8'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toContain(path);
    for (const issue of parsed.issues) expect(issue.message.length).toBeGreaterThan(3);
  });

  it('covers every fixture in the corpus', async () => {
    expect((await readdir(fixtures)).sort()).toEqual(Object.keys(expectedPaths).sort());
  });
});

describe('SettingsStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with the defaults when there is no file', async () => {
    const store = new SettingsStore(join(dir, 'settings.json'), new MemorySecretStore());
    const outcome = await store.load();
    expect(outcome.from).toBe('defaults');
    expect(outcome.settings).toEqual(defaultSettings());
  });

  it('keeps the last good settings in force when the file turns bad, naming the bad field', async () => {
    const file = join(dir, 'settings.json');
    const store = new SettingsStore(file, new MemorySecretStore());
    await store.save({ ib: { port: 4001 } });
    await writeFile(file, JSON.stringify({ ib: { port: 'four thousand' } }));

    const outcome = await new SettingsStore(file, new MemorySecretStore()).load();
    expect(outcome.from).toBe('last-good');
    expect(outcome.settings.ib.port).toBe(4001);
    expect(outcome.error).toBeInstanceOf(SettingsError);
    expect(outcome.error?.message).toContain('ib.port');
  });

  it('refuses to save an invalid update and keeps the settings in force', async () => {
    const store = new SettingsStore(join(dir, 'settings.json'), new MemorySecretStore());
    await store.save({ queue: { concurrency: 2 } });
    await expect(store.save({ queue: { concurrency: 0 } })).rejects.toThrow(/queue\.concurrency/);
    expect(store.settings.queue.concurrency).toBe(2);
  });

  it('keeps secrets out of the file when a keychain-like store holds them', async () => {
    const file = join(dir, 'settings.json');
    const secrets = new MemorySecretStore();
    const store = new SettingsStore(file, secrets);
    await store.save({ zehnlabs: { realtimeApiKey: 'app.key:very-secret' } });
    expect(await readFile(file, 'utf8')).not.toContain('very-secret');
    const reloaded = await new SettingsStore(file, secrets).load();
    expect(reloaded.settings.zehnlabs.realtimeApiKey).toBe('app.key:very-secret');
  });

  it('lets environment variables override secrets of the file headless', async () => {
    const file = join(dir, 'settings.json');
    await writeFile(file, JSON.stringify({ management: { token: 'from-file' } }));
    const env = { REBALANCE_DESK_TOKEN: 'from-env' };
    const outcome = await new SettingsStore(file, new EnvSecretStore(env)).load();
    expect(outcome.settings.management.token).toBe('from-env');
  });
});

describe('secret masking', () => {
  it('masks set secrets and keeps them when an update sends the mask back', () => {
    const current = { ...defaultSettings(), management: { host: '127.0.0.1', port: 1, token: 't0ken' } };
    const masked = maskSecrets(current);
    expect(masked.management.token).toBe(SECRET_MASK);
    expect(masked.zehnlabs.realtimeApiKey).toBe('');
    expect(keepUnchangedSecrets(masked, current).management.token).toBe('t0ken');
  });
});
