/**
 * Secrets in the OS keychain (PRODUCT.md §14): each secret encrypted with Electron `safeStorage` and kept as base64
 * in `<userData>/secrets` — `{"zehnlabs.realtimeApiKey": "<base64>", …}` — never in settings.json. Without a real
 * keychain (encryption unavailable, Linux's hard-coded `basic_text` key, or a backend still `unknown`) storing is refused; there is no
 * plain-text fallback. Uses the asynchronous safeStorage API (the synchronous one is deprecated in Electron 45 and
 * removed in 46).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SafeStorage } from 'electron';
import type { Settings } from '../core/config/schema';
import { getStoredSecret, STORED_SECRETS, type SecretStore, type StoredSecret } from '../core/config/secrets';

/** The slice of Electron's safeStorage this store uses. */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync'
> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/** Thrown when secrets cannot be stored safely; `code` makes it an `unavailable` error body at the edge. */
export class SecretStorageUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'SecretStorageUnavailableError';
  }
}

type SecretFile = Partial<Record<StoredSecret, string>>;

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'safe-storage';
  readonly keepsSecretsInSettingsFile = false;
  /** Why the last read of a secret failed, if it did (shown in logs by the caller). */
  lastReadError: string | null = null;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    /** `<userData>/secrets` */
    readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Null when secrets can be stored; otherwise the reason, worded for the trader. */
  async unavailableReason(): Promise<string | null> {
    let available = false;
    try {
      available = await this.safeStorage.isAsyncEncryptionAvailable();
    } catch {
      available = false;
    }
    if (!available) {
      return (
        'The OS keychain is not available, so API keys and the token cannot be stored safely and were not saved ' +
        '(they are never written in plain text). ' +
        (this.platform === 'linux'
          ? 'Install and unlock a secret service (GNOME Keyring or KWallet) and restart the app.'
          : 'Unlock the keychain of your user account and restart the app.')
      );
    }
    const backend = this.platform === 'linux' ? this.safeStorage.getSelectedStorageBackend?.() : undefined;
    if (backend === 'unknown') {
      // Electron: `unknown` until the backend is chosen (before `ready`) — nothing known to encrypt with yet.
      return (
        'The OS keychain backend is not known yet, so API keys and the token were not saved (they are never ' +
        'written in plain text). Restart the app; if this stays, install and unlock GNOME Keyring or KWallet.'
      );
    }
    if (backend === 'basic_text') {
      return (
        'No secret service was found (safeStorage would only use a hard-coded key), so API keys and the token ' +
        'were not saved. Install and unlock GNOME Keyring or KWallet, or start the app with ' +
        '--password-store=gnome-libsecret, then restart it.'
      );
    }
    return null;
  }

  async get(path: StoredSecret): Promise<string | undefined> {
    const stored = (await this.read())[path];
    if (!stored) return undefined;
    try {
      const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
      this.lastReadError = null;
      // The keychain's key was rotated (or the backend changed): store it again with the current one.
      if (shouldReEncrypt && result) await this.reEncrypt(path, result);
      return result || undefined;
    } catch (error) {
      this.lastReadError = `${path} could not be decrypted: ${(error as Error).message}`;
      return undefined;
    }
  }

  private async reEncrypt(path: StoredSecret, plain: string): Promise<void> {
    try {
      if (await this.unavailableReason()) return;
      const current = await this.read();
      current[path] = Buffer.from(await this.safeStorage.encryptStringAsync(plain)).toString('base64');
      await this.write(current);
    } catch (error) {
      this.lastReadError = `${path} could not be encrypted again with the keychain's current key: ${(error as Error).message}`;
    }
  }

  private async write(content: SecretFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }

  /** Encrypts every non-empty secret of the settings; refuses (throws) when no keychain is available. */
  async save(settings: Settings): Promise<void> {
    const next: SecretFile = {};
    const wanted = STORED_SECRETS.filter((path) => getStoredSecret(settings, path) !== '');
    if (wanted.length === 0) return;
    const reason = await this.unavailableReason();
    if (reason) throw new SecretStorageUnavailableError(reason);
    for (const path of wanted) {
      const encrypted = await this.safeStorage.encryptStringAsync(getStoredSecret(settings, path));
      next[path] = Buffer.from(encrypted).toString('base64');
    }
    await this.write(next);
  }

  private async read(): Promise<SecretFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const json = JSON.parse(text) as unknown;
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
      const out: SecretFile = {};
      for (const path of STORED_SECRETS) {
        const value = (json as Record<string, unknown>)[path];
        if (typeof value === 'string' && value !== '') out[path] = value;
      }
      return out;
    } catch {
      this.lastReadError = `${this.file} is not valid JSON; the secrets must be entered again`;
      return {};
    }
  }
}
