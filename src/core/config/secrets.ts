import { REALTIME_CREDENTIALS, SECRET_PATHS, type SecretPath, type Settings } from './schema';

/**
 * Where secrets live (§14): the OS keychain in the desktop app (src/main), the settings file or environment variables
 * headless. Secrets never appear in logs, API responses or the renderer.
 */
export interface SecretStore {
  readonly kind: string;
  /** True when secrets are written to settings.json itself (headless); false for a keychain. */
  readonly keepsSecretsInSettingsFile: boolean;
  get(path: SecretPath): Promise<string | undefined>;
  /** Stores the secrets of these settings. */
  save(settings: Settings): Promise<void>;
}

/** Environment variables that override a secret headless. */
export const SECRET_ENV: Record<SecretPath, string> = {
  'zehnlabs.realtimeApiKey': 'ZEHNLABS_REALTIME_API_KEY',
  'zehnlabs.allocationsApiKey': 'ZEHNLABS_ALLOCATIONS_API_KEY',
  'management.token': 'REBALANCE_DESK_TOKEN',
  'remote.token': 'REBALANCE_DESK_REMOTE_TOKEN',
};

/** Headless: secrets come from the settings file or, overriding it, from the environment. */
export class EnvSecretStore implements SecretStore {
  readonly kind = 'env';
  readonly keepsSecretsInSettingsFile = true;
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(path: SecretPath): Promise<string | undefined> {
    const value = this.env[SECRET_ENV[path]];
    return value ? value : undefined;
  }

  async save(): Promise<void> {}
}

/** A secret store in memory, for tests and the demo. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly keepsSecretsInSettingsFile = false;
  readonly values = new Map<SecretPath, string>();

  async get(path: SecretPath): Promise<string | undefined> {
    return this.values.get(path);
  }

  async save(settings: Settings): Promise<void> {
    for (const path of SECRET_PATHS) {
      const value = getSecret(settings, path);
      if (value) this.values.set(path, value);
    }
  }
}

export function getSecret(settings: Settings, path: SecretPath): string {
  switch (path) {
    case 'zehnlabs.realtimeApiKey':
      return settings.zehnlabs.realtimeApiKey;
    case 'zehnlabs.allocationsApiKey':
      return settings.zehnlabs.allocationsApiKey;
    case 'management.token':
      return settings.management.token;
    case 'remote.token':
      return settings.remote.token;
  }
}

export function withSecret(settings: Settings, path: SecretPath, value: string): Settings {
  switch (path) {
    case 'zehnlabs.realtimeApiKey':
      return { ...settings, zehnlabs: { ...settings.zehnlabs, realtimeApiKey: value } };
    case 'zehnlabs.allocationsApiKey':
      return { ...settings, zehnlabs: { ...settings.zehnlabs, allocationsApiKey: value } };
    case 'management.token':
      return { ...settings, management: { ...settings.management, token: value } };
    case 'remote.token':
      return { ...settings, remote: { ...settings.remote, token: value } };
  }
}

/**
 * Fills each secret from the store. By default the store wins (environment overrides the file); with `preferGiven`
 * a non-empty value in the settings wins (the trader just typed it).
 */
export async function applySecrets(
  settings: Settings,
  store: SecretStore,
  options: { preferGiven?: boolean } = {},
): Promise<Settings> {
  let out = settings;
  for (const path of SECRET_PATHS) {
    const given = getSecret(settings, path);
    const stored = await store.get(path);
    const value = options.preferGiven ? given || stored || '' : stored || given;
    out = withSecret(out, path, value);
  }
  return out;
}

/** The settings with every secret emptied (for a file when a keychain holds them). */
export function stripSecrets(settings: Settings): Settings {
  return SECRET_PATHS.reduce((s, path) => withSecret(s, path, ''), settings);
}

/** Shown in place of a secret that is set. */
export const SECRET_MASK = '••••••••';

function isSetCredential(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * The settings as the UI and the API may see them: a set secret reads as the mask, an unset one as ''. Credentials
 * inside `zehnlabs.realtime` (§18) read as the mask too, whatever their shape (a key string, tokenDetails object …).
 */
export function maskSecrets(settings: Settings): Settings {
  const masked = SECRET_PATHS.reduce(
    (s, path) => withSecret(s, path, getSecret(settings, path) ? SECRET_MASK : ''),
    settings,
  );
  const realtime = { ...settings.zehnlabs.realtime };
  for (const key of REALTIME_CREDENTIALS) if (isSetCredential(realtime[key])) realtime[key] = SECRET_MASK;
  return { ...masked, zehnlabs: { ...masked.zehnlabs, realtime }, redis: maskRedis(settings.redis) };
}

/** The password in `redis.url` (`redis://user:PASSWORD@host`) replaced by `password`; the URL as is without one. */
function withUrlPassword(url: string, password: (current: string) => string): string {
  const m = /^(rediss?:\/\/[^:@/]*:)([^@/]*)(@.*)$/.exec(url);
  return m ? `${m[1]}${password(m[2]!)}${m[3]}` : url;
}

/** §22's Redis credentials: the password of `redis.url` and `redis.sentinel.password`, as the mask. */
function maskRedis(redis: Settings['redis']): Settings['redis'] {
  const url = redis.url === null ? null : withUrlPassword(redis.url, (p) => (p ? SECRET_MASK : ''));
  const sentinel =
    redis.sentinel && isSetCredential(redis.sentinel.password)
      ? { ...redis.sentinel, password: SECRET_MASK }
      : redis.sentinel;
  return { ...redis, url, sentinel };
}

/** An update's Redis credentials sent back as the mask keep the current ones. */
function keepRedis(update: Settings['redis'], current: Settings['redis']): Settings['redis'] {
  let currentPassword = '';
  if (current.url) withUrlPassword(current.url, (p) => (currentPassword = p));
  const url =
    update.url === null ? null : withUrlPassword(update.url, (p) => (p === SECRET_MASK ? currentPassword : p));
  const sentinel =
    update.sentinel && update.sentinel.password === SECRET_MASK
      ? { ...update.sentinel, password: current.sentinel?.password ?? null }
      : update.sentinel;
  return { ...update, url, sentinel };
}

/**
 * For an update from the UI or the API: a secret left empty or as the mask keeps its current value, and so does a
 * `zehnlabs.realtime` credential sent back as the mask (one the trader removed from the object is removed).
 */
export function keepUnchangedSecrets(update: Settings, current: Settings): Settings {
  const kept = SECRET_PATHS.reduce((s, path) => {
    const given = getSecret(update, path);
    return given === '' || given === SECRET_MASK ? withSecret(s, path, getSecret(current, path)) : s;
  }, update);
  const realtime = { ...update.zehnlabs.realtime };
  for (const key of REALTIME_CREDENTIALS) {
    if (realtime[key] !== SECRET_MASK) continue;
    const before = current.zehnlabs.realtime[key];
    if (isSetCredential(before)) realtime[key] = before;
    else delete realtime[key];
  }
  return { ...kept, zehnlabs: { ...kept.zehnlabs, realtime }, redis: keepRedis(update.redis, current.redis) };
}
