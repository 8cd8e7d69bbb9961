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
