import { keepUrlSecrets, maskUrl, SECRET_MASK, stripUrlSecrets, urlSecrets } from './masking';
import { REALTIME_CREDENTIALS, SECRET_PATHS, type SecretPath, type Settings } from './schema';

export { SECRET_MASK } from './masking';

/**
 * Credentials that sit inside other settings (§18) and that the secret store keeps as well, so that in keychain mode
 * settings.json holds none: the passwords of `redis.url` and `notifications.ntfyUrl` (userinfo or query), the
 * sentinel password, and the credentials inside `zehnlabs.realtime`. A URL is kept whole in the store and given back
 * only to the same URL without its secrets; the realtime credentials are kept as one JSON object.
 */
export const EMBEDDED_SECRETS = [
  'redis.url',
  'redis.sentinel.password',
  'notifications.ntfyUrl',
  'zehnlabs.realtime',
] as const;
export type EmbeddedSecret = (typeof EMBEDDED_SECRETS)[number];
/** Everything a secret store keeps: the secret fields and the embedded credentials. */
export type StoredSecret = SecretPath | EmbeddedSecret;
export const STORED_SECRETS: readonly StoredSecret[] = [...SECRET_PATHS, ...EMBEDDED_SECRETS];

/**
 * Where secrets live (§14): the OS keychain in the desktop app (src/main), the settings file or environment variables
 * headless. Secrets never appear in logs, API responses or the renderer.
 */
export interface SecretStore {
  readonly kind: string;
  /** True when secrets are written to settings.json itself (headless); false for a keychain. */
  readonly keepsSecretsInSettingsFile: boolean;
  get(path: StoredSecret): Promise<string | undefined>;
  /** Stores the secrets of these settings. */
  save(settings: Settings): Promise<void>;
}

/** §18: the shortest `management.token` accepted; a shorter one is guessed too easily. */
export const MIN_TOKEN_LENGTH = 24;

/** Why a set `management.token` cannot guard the API, or null ('' is fine: `serve` makes one). */
export function tokenProblem(token: string): string | null {
  return token === '' || token.length >= MIN_TOKEN_LENGTH
    ? null
    : `must be at least ${MIN_TOKEN_LENGTH} characters (it guards the API), or empty to have serve make one`;
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

  async get(path: StoredSecret): Promise<string | undefined> {
    const name = (SECRET_ENV as Partial<Record<StoredSecret, string>>)[path];
    const value = name ? this.env[name] : undefined;
    return value ? value : undefined;
  }

  async save(): Promise<void> {}
}

/** A secret store in memory, for tests and the demo. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly keepsSecretsInSettingsFile = false;
  readonly values = new Map<StoredSecret, string>();

  async get(path: StoredSecret): Promise<string | undefined> {
    return this.values.get(path);
  }

  async save(settings: Settings): Promise<void> {
    for (const path of STORED_SECRETS) {
      const value = getStoredSecret(settings, path);
      if (value) this.values.set(path, value);
      else if (!(SECRET_PATHS as readonly string[]).includes(path)) this.values.delete(path);
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
  // A save takes the embedded credentials as given (a URL typed without its password has none); a load completes the
  // file's secret-free values from the store.
  if (options.preferGiven) return out;
  for (const path of EMBEDDED_SECRETS) {
    const stored = await store.get(path);
    if (stored) out = withEmbeddedSecret(out, path, stored);
  }
  return out;
}

function realtimeCredentials(realtime: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    REALTIME_CREDENTIALS.filter((k) => isSetCredential(realtime[k])).map((k) => [k, realtime[k]]),
  );
}

/** What the secret store keeps for `path` in these settings; '' for nothing. */
export function getStoredSecret(settings: Settings, path: StoredSecret): string {
  switch (path) {
    case 'redis.url':
      return urlSecrets(settings.redis.url).length > 0 ? settings.redis.url! : '';
    case 'notifications.ntfyUrl':
      return urlSecrets(settings.notifications.ntfyUrl).length > 0 ? settings.notifications.ntfyUrl! : '';
    case 'redis.sentinel.password':
      return settings.redis.sentinel?.password ?? '';
    case 'zehnlabs.realtime': {
      const credentials = realtimeCredentials(settings.zehnlabs.realtime);
      return Object.keys(credentials).length > 0 ? JSON.stringify(credentials) : '';
    }
    default:
      return getSecret(settings, path);
  }
}

/** A stored URL goes back only to the same URL without its secrets (the file's one was not changed by hand). */
function storedUrl(inFile: string | null, stored: string): string | null {
  return inFile !== null && stripUrlSecrets(stored) === inFile ? stored : inFile;
}

/** The settings read from a secret-free file completed with an embedded credential from the store. */
function withEmbeddedSecret(settings: Settings, path: EmbeddedSecret, stored: string): Settings {
  switch (path) {
    case 'redis.url':
      return { ...settings, redis: { ...settings.redis, url: storedUrl(settings.redis.url, stored) } };
    case 'notifications.ntfyUrl':
      return {
        ...settings,
        notifications: { ...settings.notifications, ntfyUrl: storedUrl(settings.notifications.ntfyUrl, stored) },
      };
    case 'redis.sentinel.password': {
      const sentinel = settings.redis.sentinel;
      if (!sentinel || sentinel.password) return settings;
      return { ...settings, redis: { ...settings.redis, sentinel: { ...sentinel, password: stored } } };
    }
    case 'zehnlabs.realtime': {
      let credentials: Record<string, unknown>;
      try {
        credentials = JSON.parse(stored) as Record<string, unknown>;
      } catch {
        return settings;
      }
      const realtime = { ...realtimeCredentials(credentials), ...settings.zehnlabs.realtime };
      return { ...settings, zehnlabs: { ...settings.zehnlabs, realtime } };
    }
  }
}

/** The settings with every secret emptied, embedded credentials included (for a file when a keychain holds them). */
export function stripSecrets(settings: Settings): Settings {
  const s = SECRET_PATHS.reduce((out, path) => withSecret(out, path, ''), settings);
  const realtime = { ...s.zehnlabs.realtime };
  for (const key of REALTIME_CREDENTIALS) delete realtime[key];
  const { url, sentinel } = s.redis;
  const ntfyUrl = s.notifications.ntfyUrl;
  return {
    ...s,
    redis: {
      ...s.redis,
      url: url === null ? null : stripUrlSecrets(url),
      sentinel: sentinel ? { ...sentinel, password: null } : null,
    },
    notifications: { ...s.notifications, ntfyUrl: ntfyUrl === null ? null : stripUrlSecrets(ntfyUrl) },
    zehnlabs: { ...s.zehnlabs, realtime },
  };
}

function isSetCredential(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Every secret value in the settings, as text (for the logger's scrub of free text). */
export function secretValues(settings: Settings): string[] {
  const out: string[] = SECRET_PATHS.map((path) => getSecret(settings, path));
  out.push(...urlSecrets(settings.redis.url), ...urlSecrets(settings.notifications.ntfyUrl));
  out.push(...urlSecrets(settings.zehnlabs.allocationsUrl));
  if (settings.redis.sentinel?.password) out.push(settings.redis.sentinel.password);
  const leaves = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(leaves);
  };
  leaves(realtimeCredentials(settings.zehnlabs.realtime));
  return out.filter((v) => v !== '');
}

/**
 * The settings as the UI and the API may see them: a set secret reads as the mask, an unset one as ''. Credentials
 * inside `zehnlabs.realtime` (§18) read as the mask too, whatever their shape (a key string, tokenDetails object …),
 * and so does every password inside a URL (userinfo or query).
 */
export function maskSecrets(settings: Settings): Settings {
  const masked = SECRET_PATHS.reduce(
    (s, path) => withSecret(s, path, getSecret(settings, path) ? SECRET_MASK : ''),
    settings,
  );
  const realtime = { ...settings.zehnlabs.realtime };
  for (const key of REALTIME_CREDENTIALS) if (isSetCredential(realtime[key])) realtime[key] = SECRET_MASK;
  const ntfyUrl = settings.notifications.ntfyUrl;
  return {
    ...masked,
    zehnlabs: { ...masked.zehnlabs, realtime, allocationsUrl: maskUrl(settings.zehnlabs.allocationsUrl) },
    redis: maskRedis(settings.redis),
    notifications: { ...masked.notifications, ntfyUrl: ntfyUrl === null ? null : maskUrl(ntfyUrl) },
  };
}

/** §22's Redis credentials: the password of `redis.url` and `redis.sentinel.password`, as the mask. */
function maskRedis(redis: Settings['redis']): Settings['redis'] {
  const url = redis.url === null ? null : maskUrl(redis.url);
  const sentinel =
    redis.sentinel && isSetCredential(redis.sentinel.password)
      ? { ...redis.sentinel, password: SECRET_MASK }
      : redis.sentinel;
  return { ...redis, url, sentinel };
}

/** Options of `zehnlabs.realtime` that say where the Ably client connects, and so where its credentials go. */
export const REALTIME_ENDPOINT_OPTIONS = [
  'endpoint',
  'environment',
  'realtimeHost',
  'restHost',
  'fallbackHosts',
  'port',
  'tlsPort',
  'tls',
  'authUrl',
] as const;

function realtimeEndpoint(realtime: Record<string, unknown>): string {
  return JSON.stringify(REALTIME_ENDPOINT_OPTIONS.map((k) => realtime[k] ?? null));
}

/** An update's Redis credentials sent back as the mask keep the current ones, unless they would go somewhere new. */
function keepRedis(update: Settings['redis'], current: Settings['redis']): Settings['redis'] {
  const url = update.url === null ? null : keepUrlSecrets(update.url, current.url);
  let sentinel = update.sentinel;
  if (sentinel && sentinel.password === SECRET_MASK) {
    const sameSentinels =
      current.sentinel !== null &&
      current.sentinel.masterName === sentinel.masterName &&
      JSON.stringify(current.sentinel.sentinels) === JSON.stringify(sentinel.sentinels);
    sentinel = { ...sentinel, password: sameSentinels ? (current.sentinel?.password ?? null) : null };
  }
  return { ...update, url, sentinel };
}

/**
 * For an update from the UI or the API: a secret left empty or as the mask keeps its current value, and so does a
 * `zehnlabs.realtime` credential or a URL password sent back as the mask (one the trader removed is removed). A
 * masked secret is never sent to a new place (§18): when the place it goes to changed in the same update —
 * `zehnlabs.allocationsUrl` for the allocations key, the realtime endpoint options for the realtime key and
 * credentials, `remote.url` for the remote token, the URL itself for a URL's password — the secret is dropped and
 * must be typed again.
 */
export function keepUnchangedSecrets(update: Settings, current: Settings): Settings {
  const realtimeMoved = realtimeEndpoint(update.zehnlabs.realtime) !== realtimeEndpoint(current.zehnlabs.realtime);
  const moved: Record<SecretPath, boolean> = {
    'zehnlabs.allocationsApiKey': update.zehnlabs.allocationsUrl !== current.zehnlabs.allocationsUrl,
    'zehnlabs.realtimeApiKey': realtimeMoved,
    'remote.token': update.remote.url !== current.remote.url,
    'management.token': false,
  };
  const kept = SECRET_PATHS.reduce((s, path) => {
    const given = getSecret(update, path);
    if (given !== '' && given !== SECRET_MASK) return s;
    return withSecret(s, path, moved[path] ? '' : getSecret(current, path));
  }, update);
  const realtime = { ...update.zehnlabs.realtime };
  for (const key of REALTIME_CREDENTIALS) {
    if (realtime[key] !== SECRET_MASK) continue;
    const before = current.zehnlabs.realtime[key];
    if (isSetCredential(before) && !realtimeMoved) realtime[key] = before;
    else delete realtime[key];
  }
  const ntfyUrl = update.notifications.ntfyUrl;
  return {
    ...kept,
    zehnlabs: {
      ...kept.zehnlabs,
      realtime,
      allocationsUrl: keepUrlSecrets(update.zehnlabs.allocationsUrl, current.zehnlabs.allocationsUrl),
    },
    redis: keepRedis(update.redis, current.redis),
    notifications: {
      ...kept.notifications,
      ntfyUrl: ntfyUrl === null ? null : keepUrlSecrets(ntfyUrl, current.notifications.ntfyUrl),
    },
  };
}
