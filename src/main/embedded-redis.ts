/**
 * How the embedded Redis (PRODUCT.md §3) is found and started inside Electron:
 * - binary: `redis.binary` from the settings, else `REDISMS_SYSTEM_BINARY` from the environment, else the binary
 *   shipped with the app in `resources/redis/<platform>-<arch>/` or `resources/redis/<platform>/`
 *   (`redis-server`, `redis-server.exe` on Windows), else `redis-server` on PATH, else redis-memory-server's download
 *   into `<userData>/redis-binaries` (node_modules is read-only inside the asar).
 * - redis-memory-server spawns its watchdog with `process.env.NODE ?? process.argv[0]`, which inside Electron is the
 *   app itself; `ELECTRON_RUN_AS_NODE=1` makes that child run as plain Node. It is set only while the core starts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface BundledRedisOptions {
  /** `process.resourcesPath` when packaged; the repo's `resources/` folder in development. */
  resourcesDir: string;
  platform?: NodeJS.Platform;
  arch?: string;
  exists?: (file: string) => boolean;
}

/** The redis-server shipped with the app for this platform, or null. */
export function bundledRedisBinary(options: BundledRedisOptions): string | null {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const exists = options.exists ?? existsSync;
  const exe = platform === 'win32' ? 'redis-server.exe' : 'redis-server';
  for (const dir of [`${platform}-${arch}`, platform]) {
    const candidate = join(options.resourcesDir, 'redis', dir, exe);
    if (exists(candidate)) return candidate;
  }
  return null;
}

export interface RedisEnvOptions {
  /** `settings.redis.binary`; when set it wins and nothing is added. */
  settingsBinary: string | null;
  /** `settings.redis.url`; an external Redis needs none of this. */
  redisUrl: string | null;
  bundledBinary: string | null;
  /** Writable folder for redis-memory-server's last-resort download. */
  downloadDir: string;
  /** True inside Electron (`process.versions.electron`). */
  inElectron: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The environment variables to set while the core (and so the embedded Redis) starts. */
export function redisStartEnv(options: RedisEnvOptions): Record<string, string> {
  const env = options.env ?? process.env;
  if (options.redisUrl) return {};
  const vars: Record<string, string> = {};
  if (!options.settingsBinary && !env.REDISMS_SYSTEM_BINARY && options.bundledBinary) {
    vars.REDISMS_SYSTEM_BINARY = options.bundledBinary;
  }
  if (!env.REDISMS_DOWNLOAD_DIR) vars.REDISMS_DOWNLOAD_DIR = options.downloadDir;
  if (options.inElectron && !env.NODE) vars.ELECTRON_RUN_AS_NODE = '1';
  return vars;
}

/** Runs `fn` with `vars` set in `env`, then restores every variable to what it was (also on failure). */
export async function withEnv<T>(
  vars: Record<string, string>,
  fn: () => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const before = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    before.set(key, env[key]);
    env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of before) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  }
}
