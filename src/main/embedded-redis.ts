/**
 * The redis-server shipped with the desktop app: `resources/redis/<platform>-<arch>/` or `resources/redis/<platform>/`
 * (`redis-server`, `redis-server.exe` on Windows), copied there by `npm run dist` (scripts/bundle-redis.mjs). The core
 * tries it after `redis.binary` and `REDISMS_SYSTEM_BINARY`, before PATH and Homebrew's folders
 * (src/core/redis/redis-server.ts); the desktop app never falls back to redis-memory-server's download.
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
