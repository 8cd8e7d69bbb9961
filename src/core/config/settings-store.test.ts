import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from './schema';
import { EnvSecretStore, MemorySecretStore, SECRET_MASK, keepUnchangedSecrets, maskSecrets } from './secrets';
import { SettingsError, SettingsStore, parseSettings, parseSettingsText } from './settings-store';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/settings');

/** The field each bad fixture must be reported against, and the words it is reported in. */
const expectedIssues: Record<string, [path: string, message: RegExp]> = {
  'bad-json.json': ['', /^not valid JSON/],
  'array-root.json': ['', /^must be a JSON object$/],
  'bad-trading-mode.json': ['tradingMode', /^must be "paper" or "live"$/],
  'port-as-string.json': ['ib.port', /^must be a port between 1 and 65535$/],
  'port-out-of-range.json': ['ib.port', /^must be a port between 1 and 65535$/],
  'strategy-not-slug.json': ['accounts.0.strategy', /^must be a strategy slug/],
  'bad-account-id.json': ['accounts.0.accountId', /^must look like an IB account id/],
  'reserve-over-100.json': ['accounts.0.cashReservePercent', /^must be a percentage from 0 to 100$/],
  'unknown-replacement-set.json': ['accounts.0.replacementSet', /"ira" is not defined in replacementSets/],
  'duplicate-account.json': ['accounts.1.accountId', /^DU123456 is listed twice$/],
  'bad-order-type.json': ['orders.type', /^must be MKT \(market\) or LMT \(limit\)$/],
  'bad-buy-type.json': ['orders.buyType', /^must be MKT \(market\) or LMT \(limit\)$/],
  'max-order-value-negative.json': [
    'limits.maxOrderValue',
    /^must be an amount above 0 \(USD\), or empty for no limit$/,
  ],
  'allocation-change-over-100.json': [
    'limits.maxAllocationChangePercent',
    /^must be a percentage above 0 and at most 100, or empty for no limit$/,
  ],
  'negative-retry-delay.json': ['queue.retryDelayMs', /^must be a whole number of milliseconds, at least 1$/],
  'bad-hold-on.json': ['queue.holdOn.1', /^must be one of transient, market-closed, rejected, partial, invalid$/],
  'bad-allocations-url.json': ['zehnlabs.allocationsUrl', /^must be an http:\/\/ or https:\/\/ URL$/],
  'redis-url-no-scheme.json': ['redis.url', /^must start with redis:\/\/ or rediss:\/\/$/],
  'replacement-without-target.json': ['replacementSets.ira.0.target', /^must be a ticker symbol/],
  'bad-log-level.json': ['logLevel', /^must be one of trace, debug, info, warn, error, fatal$/],
};

/** zod's own wording, which must never reach the trader. */
const RAW_ZOD_TEXT =
  /Invalid input|Too (big|small)|expected (number|string|object|array|boolean)|Invalid (option|URL)/i;

/** Every bounded or typed field with a wrong value: the field's one message in words. */
const wrongValues: [path: string, value: unknown, message: string][] = [
  ['ib.port', 99_999_999, 'must be a port between 1 and 65535'],
  ['ib.port', 0, 'must be a port between 1 and 65535'],
  ['ib.port', 4002.5, 'must be a port between 1 and 65535'],
  ['ib.port', 'abc', 'must be a port between 1 and 65535'],
  ['ib.clientId', -1, 'must be a whole number from 0 to 2147483647, or empty to draw one'],
  ['ib.marketDataType', 5, 'must be 1 (live), 2 (frozen), 3 (delayed) or 4 (delayed frozen)'],
  ['ib.connectTimeoutMs', 0, 'must be a whole number of milliseconds, at least 1'],
  ['ib.requestTimeoutMs', -5, 'must be a whole number of milliseconds, at least 1'],
  ['ib.reconnectDelayMs', '1e3', 'must be a whole number of milliseconds, at least 1'],
  ['accounts.0.cashReservePercent', 150, 'must be a percentage from 0 to 100'],
  ['accounts.0.cashReservePercent', -1, 'must be a percentage from 0 to 100'],
  ['replacementSets.ira.0.scale', 0, 'must be a number above 0 and at most 10'],
  ['replacementSets.ira.0.scale', 11, 'must be a number above 0 and at most 10'],
  ['orders.limitOffsetPercent', 10.5, 'must be a percentage from 0 to 10'],
  ['orders.fillTimeoutMs', 0, 'must be a whole number of milliseconds, at least 1'],
  ['orders.minTradeValue', -1, 'must be an amount of 0 or more'],
  ['queue.retryDelayMs', -5, 'must be a whole number of milliseconds, at least 1'],
  ['queue.concurrency', 65, 'must be a whole number of workers from 1 to 64'],
  ['queue.leaseMs', 999, 'must be a whole number of milliseconds, at least 1000'],
  ['queue.historyLimit', 99, 'must be a whole number of entries, at least 100'],
  ['queue.retainDoneDays', -1, 'must be a number of days, 0 or more'],
  ['management.port', 65_536, 'must be a port between 0 and 65535 (0 picks a free port)'],
  ['orders.whatIf', 'yes', 'must be true or false'],
  ['zehnlabs.realtime', 'not json', 'must be a JSON object of Ably client options, {} for none'],
  ['notifications.ntfyUrl', 'ntfy.sh', 'must be an http:// or https:// URL, or empty for none'],
];

describe('settings defaults', () => {
  it('has every default of PRODUCT.md §14', () => {
    expect(defaultSettings()).toEqual({
      tradingMode: 'paper',
      dataDir: null,
      redis: { url: null, binary: null, keyPrefix: '', tls: null, sentinel: null, cluster: null, minReplicas: 0 },
      ib: {
        host: '127.0.0.1',
        port: 4002,
        clientId: null,
        marketDataType: 1,
        connectTimeoutMs: 5000,
        requestTimeoutMs: 10000,
        reconnectDelayMs: 5000,
        restartWindow: '23:40-00:15 America/New_York',
      },
      zehnlabs: {
        realtimeApiKey: '',
        allocationsApiKey: '',
        allocationsUrl: 'https://workers.fintech.zehnlabs.com/api/v1/strategies',
        realtime: {},
        autoCatchUp: false,
        staleAllocationDays: 45,
      },
      accounts: [],
      replacementSets: {},
      orders: {
        type: 'MKT',
        buyType: null,
        sellType: null,
        timeInForce: 'DAY',
        outsideRth: false,
        limitOffsetPercent: 0.5,
        fillTimeoutMs: 300000,
        minTradeValue: 0,
        whatIf: true,
      },
      limits: { maxOrderValue: null, maxTurnoverPercent: 200, maxAllocationChangePercent: null },
      queue: {
        retryDelayMs: 60000,
        concurrency: 4,
        leaseMs: 30000,
        holdOn: [],
        historyLimit: 100000,
        retainDoneDays: 90,
      },
      management: { host: '127.0.0.1', port: 8765, token: '', tls: null },
      notifications: { desktop: true, ntfyUrl: null, ntfyTopic: null },
      schedules: [],
      scheduleGraceMinutes: 30,
      desktop: { launchAtLogin: false },
      drift: { checkMinutes: 15, alertPercent: 5, autoRebalance: false },
      cashFlows: { minAmount: 500 },
      remote: { url: null, token: '', ca: null },
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
      pdtGuard: true,
      approval: 'auto',
      approvalMinutes: 10,
      rebalanceMode: 'full',
      cashFlow: 'notify',
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
        expect.stringMatching(/accounts\.0\.approvalMinutes: must be a number of minutes above 0 and at most 10080/),
      ]),
    );
  });
});

describe('a bad settings file', () => {
  it.each(Object.entries(expectedIssues))(
    '%s is reported against its field, in words',
    async (file, [path, message]) => {
      const parsed = parseSettingsText(await readFile(join(fixtures, file), 'utf8'));
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      const issue = parsed.issues.find((i) => i.path === path);
      expect(issue?.message).toMatch(message);
      for (const i of parsed.issues) expect(i.message).not.toMatch(RAW_ZOD_TEXT);
    },
  );

  it('covers every fixture in the corpus', async () => {
    expect((await readdir(fixtures)).sort()).toEqual(Object.keys(expectedIssues).sort());
  });

  it.each(wrongValues)('%s = %j is refused with "%s"', (path, value, message) => {
    const settings: Record<string, unknown> = {
      accounts: [{ accountId: 'DU123456', strategy: 'etf-blend-200-35', replacementSet: 'ira' }],
      replacementSets: { ira: [{ source: 'DBC', target: 'PDBC' }] },
    };
    const keys = path.split('.');
    let at: Record<string, unknown> = settings;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = value;
    const parsed = parseSettings(settings);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([{ path, message }]);
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
    const current = { ...defaultSettings(), management: { host: '127.0.0.1', port: 1, token: 't0ken', tls: null } };
    const masked = maskSecrets(current);
    expect(masked.management.token).toBe(SECRET_MASK);
    expect(masked.zehnlabs.realtimeApiKey).toBe('');
    expect(keepUnchangedSecrets(masked, current).management.token).toBe('t0ken');
  });

  it("masks Redis passwords (redis.url's and the sentinels') and keeps them when the mask comes back", () => {
    const base = defaultSettings();
    const withUrl = { ...base, redis: { ...base.redis, url: 'rediss://app:s3cr%40t@db.example:6380/0' } };
    const maskedUrl = maskSecrets(withUrl);
    expect(maskedUrl.redis.url).toBe(`rediss://app:${SECRET_MASK}@db.example:6380/0`);
    expect(JSON.stringify(maskedUrl)).not.toContain('s3cr');
    expect(keepUnchangedSecrets(maskedUrl, withUrl).redis.url).toBe('rediss://app:s3cr%40t@db.example:6380/0');
    // a new password typed by the trader is kept exactly as typed
    const retyped = { ...maskedUrl, redis: { ...maskedUrl.redis, url: 'rediss://app:n%65w@db.example:6380/0' } };
    expect(keepUnchangedSecrets(retyped, withUrl).redis.url).toBe('rediss://app:n%65w@db.example:6380/0');
    expect(maskSecrets(base).redis.url).toBeNull();

    const sentinel = { masterName: 'm', sentinels: [{ host: 'a', port: 26379 }], password: 'hunter2' };
    const withSentinel = { ...base, redis: { ...base.redis, sentinel } };
    const maskedSentinel = maskSecrets(withSentinel);
    expect(maskedSentinel.redis.sentinel?.password).toBe(SECRET_MASK);
    expect(keepUnchangedSecrets(maskedSentinel, withSentinel).redis.sentinel?.password).toBe('hunter2');
  });
});

describe('a masked secret is never sent to a new place (§18)', () => {
  const base = defaultSettings();
  const current = {
    ...base,
    zehnlabs: {
      ...base.zehnlabs,
      realtimeApiKey: 'app.key:rt-secret',
      allocationsApiKey: 'alloc-secret',
      realtime: { endpoint: 'zehnlabs-ably', key: 'cred-secret' },
    },
    redis: { ...base.redis, url: 'redis://:r-secret@db.example:6379/0' },
    notifications: { ...base.notifications, ntfyUrl: 'https://me:n-secret@ntfy.example/' },
    remote: { ...base.remote, url: 'https://desk.example:8765', token: 'remote-secret' },
  };
  const masked = maskSecrets(current);

  it('keeps every secret when nothing around it changed', () => {
    expect(keepUnchangedSecrets(masked, current)).toEqual(current);
  });

  it('drops each secret whose destination changed while it came back masked', () => {
    const moved = {
      ...masked,
      zehnlabs: {
        ...masked.zehnlabs,
        allocationsUrl: 'https://evil.example/api',
        realtime: { ...masked.zehnlabs.realtime, endpoint: 'evil.example' },
      },
      redis: { ...masked.redis, url: masked.redis.url!.replace('db.example', 'evil.example') },
      notifications: { ...masked.notifications, ntfyUrl: masked.notifications.ntfyUrl!.replace('ntfy', 'evil') },
      remote: { ...masked.remote, url: 'https://evil.example:8765' },
    };
    const kept = keepUnchangedSecrets(moved, current);
    expect(kept.zehnlabs.allocationsApiKey).toBe('');
    expect(kept.zehnlabs.realtimeApiKey).toBe('');
    expect(kept.zehnlabs.realtime).toEqual({ endpoint: 'evil.example' });
    expect(kept.redis.url).toBe('redis://evil.example:6379/0');
    expect(kept.notifications.ntfyUrl).toBe('https://me@evil.example/');
    expect(kept.remote.token).toBe('');
    expect(JSON.stringify(kept)).not.toMatch(/-secret/);
  });

  it('keeps a secret typed again with the new destination', () => {
    const retyped = {
      ...masked,
      zehnlabs: { ...masked.zehnlabs, allocationsUrl: 'https://new.example/api', allocationsApiKey: 'typed-again' },
    };
    expect(keepUnchangedSecrets(retyped, current).zehnlabs.allocationsApiKey).toBe('typed-again');
  });

  it('drops the sentinel password when the sentinels changed', () => {
    const sentinel = { masterName: 'm', sentinels: [{ host: 'a', port: 26379 }], password: 'hunter2' };
    const withSentinel = { ...base, redis: { ...base.redis, sentinel } };
    const m = maskSecrets(withSentinel);
    const moved = {
      ...m,
      redis: { ...m.redis, sentinel: { ...m.redis.sentinel!, sentinels: [{ host: 'evil', port: 1 }] } },
    };
    expect(keepUnchangedSecrets(moved, withSentinel).redis.sentinel?.password).toBeNull();
  });
});
