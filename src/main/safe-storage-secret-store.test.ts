import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../core/config/schema';
import { SettingsStore } from '../core/config/settings-store';
import { toErrorBody } from '../core/management/api-error';
import { SafeStorageSecretStore, SecretStorageUnavailableError } from './safe-storage-secret-store';
import { resetFakes, safeStorage } from './test/fake-electron.test-support';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

let dir: string;
beforeEach(async () => {
  resetFakes();
  dir = await mkdtemp(join(tmpdir(), 'rd-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function withSecrets() {
  const s = defaultSettings();
  return {
    ...s,
    zehnlabs: { ...s.zehnlabs, realtimeApiKey: 'app.key:realtime-secret', allocationsApiKey: 'alloc-secret' },
    management: { ...s.management, token: 'token-secret' },
  };
}

describe('SafeStorageSecretStore', () => {
  it('keeps secrets out of settings.json', () => {
    expect(new SafeStorageSecretStore(safeStorage, join(dir, 'secrets')).keepsSecretsInSettingsFile).toBe(false);
  });

  it('reads nothing when nothing is stored', async () => {
    const store = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    expect(await store.get('zehnlabs.realtimeApiKey')).toBeUndefined();
    expect(store.lastReadError).toBeNull();
  });

  it('round-trips every secret encrypted, as base64 blobs per secret path', async () => {
    const file = join(dir, 'secrets');
    const store = new SafeStorageSecretStore(safeStorage, file, 'linux');
    await store.save(withSecrets());
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('realtime-secret');
    expect(text).not.toContain('alloc-secret');
    const json = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(json).sort()).toEqual([
      'management.token',
      'zehnlabs.allocationsApiKey',
      'zehnlabs.realtimeApiKey',
    ]);
    expect(Buffer.from(json['management.token'] ?? '', 'base64').toString()).toMatch(/^enc:/);

    const again = new SafeStorageSecretStore(safeStorage, file, 'linux');
    expect(await again.get('zehnlabs.realtimeApiKey')).toBe('app.key:realtime-secret');
    expect(await again.get('zehnlabs.allocationsApiKey')).toBe('alloc-secret');
    expect(await again.get('management.token')).toBe('token-secret');
  });

  it('works with the settings store: secrets in the keychain file, never in settings.json', async () => {
    const secrets = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    const settingsFile = join(dir, 'settings.json');
    await new SettingsStore(settingsFile, secrets).save(withSecrets());
    expect(await readFile(settingsFile, 'utf8')).not.toContain('secret');
    const loaded = await new SettingsStore(settingsFile, secrets).load();
    expect(loaded.settings.zehnlabs.realtimeApiKey).toBe('app.key:realtime-secret');
  });

  it('refuses to store secrets without encryption, with a clear message, and writes nothing', async () => {
    safeStorage.available = false;
    const file = join(dir, 'secrets');
    const store = new SafeStorageSecretStore(safeStorage, file, 'darwin');
    const error = await store.save(withSecrets()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStorageUnavailableError);
    expect((error as Error).message).toMatch(/keychain is not available.*never written in plain text/);
    expect(toErrorBody(error)).toMatchObject({ error: 'unavailable' });
    expect(existsSync(file)).toBe(false);

    // And the settings file does not get them either.
    const settingsFile = join(dir, 'settings.json');
    await expect(new SettingsStore(settingsFile, store).save(withSecrets())).rejects.toThrow(/not saved/);
    expect(existsSync(settingsFile)).toBe(false);
  });

  it("refuses Linux's hard-coded basic_text key as well", async () => {
    safeStorage.backend = 'basic_text';
    const store = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    await expect(store.save(withSecrets())).rejects.toThrow(/GNOME Keyring or KWallet/);
  });

  it('refuses while the Linux backend is still unknown', async () => {
    safeStorage.backend = 'unknown';
    const store = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    const error = await store.save(withSecrets()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStorageUnavailableError);
    expect((error as Error).message).toMatch(/backend is not known.*never written in plain text/);
  });

  it('stores a secret again with the current key when the keychain asks for it (shouldReEncrypt)', async () => {
    const file = join(dir, 'secrets');
    const store = new SafeStorageSecretStore(safeStorage, file, 'linux');
    await store.save(withSecrets());
    const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    safeStorage.keyVersion = 2;
    expect(await store.get('management.token')).toBe('token-secret');
    const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(Buffer.from(after['management.token'] ?? '', 'base64').toString()).toMatch(/^enc2:/);
    expect(after['zehnlabs.allocationsApiKey']).toBe(before['zehnlabs.allocationsApiKey']);
    expect(store.lastReadError).toBeNull();
    expect(await new SafeStorageSecretStore(safeStorage, file, 'linux').get('management.token')).toBe('token-secret');
  });

  it('still saves settings without secrets when encryption is unavailable, and still reads', async () => {
    safeStorage.available = false;
    const store = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    await expect(store.save(defaultSettings())).resolves.toBeUndefined();
    expect(await store.get('management.token')).toBeUndefined();
  });

  it('reports a secret that cannot be decrypted instead of failing the start', async () => {
    const file = join(dir, 'secrets');
    await writeFile(file, JSON.stringify({ 'management.token': Buffer.from('garbage').toString('base64') }));
    const store = new SafeStorageSecretStore(safeStorage, file, 'linux');
    expect(await store.get('management.token')).toBeUndefined();
    expect(store.lastReadError).toMatch(/management\.token could not be decrypted/);
  });
});

describe('keychain mode (§18): settings.json holds no secret at all', () => {
  const REDIS_PASSWORD = 'r3dis-p@ss-1';
  const QUERY_PASSWORD = 'q-pass-22';
  const SENTINEL_PASSWORD = 'sentinel-pass-33';
  const NTFY_PASSWORD = 'ntfy-pass-44';
  const REALTIME = { key: 'app.key:rt-cred-55', tokenDetails: { token: 'rt-token-66' }, endpoint: 'localhost' };
  const PLAIN = [
    'realtime-secret',
    'alloc-secret',
    'token-secret',
    REDIS_PASSWORD,
    encodeURIComponent(REDIS_PASSWORD),
    QUERY_PASSWORD,
    SENTINEL_PASSWORD,
    NTFY_PASSWORD,
    'rt-cred-55',
    'rt-token-66',
  ];

  async function roundTrip(settings: ReturnType<typeof withSecrets>) {
    const file = join(dir, 'settings.json');
    const secrets = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    await new SettingsStore(file, secrets).save(settings);
    const bytes = await readFile(file);
    const lastGood = await readFile(join(dir, 'settings.last-good.json'));
    const reloaded = new SettingsStore(file, new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux'));
    await reloaded.load();
    return { text: bytes.toString('utf8') + lastGood.toString('utf8'), settings: reloaded.settings };
  }

  it('keeps the realtime credentials and the Redis and ntfy URL passwords in the keychain and gives them back', async () => {
    const s = withSecrets();
    const redisUrl = `redis://app:${encodeURIComponent(REDIS_PASSWORD)}@db.example:6379/0?password=${QUERY_PASSWORD}`;
    const settings = {
      ...s,
      zehnlabs: { ...s.zehnlabs, realtime: REALTIME },
      redis: { ...s.redis, url: redisUrl },
      notifications: { ...s.notifications, ntfyUrl: `https://alice:${NTFY_PASSWORD}@ntfy.example/`, ntfyTopic: 't' },
    };
    const { text, settings: loaded } = await roundTrip(settings);
    for (const secret of PLAIN) expect(text, secret).not.toContain(secret);
    expect(JSON.parse(text.slice(0, text.indexOf('\n}\n') + 2)).redis.url).toBe('redis://app@db.example:6379/0');
    expect(loaded.redis.url).toBe(redisUrl);
    expect(loaded.notifications.ntfyUrl).toBe(`https://alice:${NTFY_PASSWORD}@ntfy.example/`);
    expect(loaded.zehnlabs.realtime).toEqual(REALTIME);
    expect(loaded.zehnlabs.allocationsApiKey).toBe('alloc-secret');
  });

  it('keeps the sentinel password in the keychain', async () => {
    const s = withSecrets();
    const sentinel = {
      masterName: 'mymaster',
      sentinels: [{ host: '10.0.0.5', port: 26379 }],
      password: SENTINEL_PASSWORD,
    };
    const { text, settings: loaded } = await roundTrip({ ...s, redis: { ...s.redis, sentinel } });
    expect(text).not.toContain(SENTINEL_PASSWORD);
    expect(loaded.redis.sentinel).toEqual(sentinel);
  });

  it('gives a stored URL password back only to the URL it was saved with (the file was edited: typed again)', async () => {
    const s = withSecrets();
    const file = join(dir, 'settings.json');
    const secrets = new SafeStorageSecretStore(safeStorage, join(dir, 'secrets'), 'linux');
    await new SettingsStore(file, secrets).save({
      ...s,
      redis: { ...s.redis, url: `redis://:${REDIS_PASSWORD}@db.example` },
    });
    const json = JSON.parse(await readFile(file, 'utf8')) as { redis: { url: string } };
    json.redis.url = 'redis://elsewhere.example';
    await writeFile(file, JSON.stringify(json));
    const reloaded = new SettingsStore(file, secrets);
    await reloaded.load();
    expect(reloaded.settings.redis.url).toBe('redis://elsewhere.example');
  });
});
