import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRedisBinary } from './embedded-redis';

describe('bundled redis-server', () => {
  it('prefers resources/redis/<platform>-<arch>, then resources/redis/<platform>', () => {
    const files = new Set([
      join('/res', 'redis', 'linux', 'redis-server'),
      join('/res', 'redis', 'darwin-arm64', 'redis-server'),
    ]);
    const exists = (f: string) => files.has(f);
    expect(bundledRedisBinary({ resourcesDir: '/res', platform: 'linux', arch: 'x64', exists })).toBe(
      join('/res', 'redis', 'linux', 'redis-server'),
    );
    expect(bundledRedisBinary({ resourcesDir: '/res', platform: 'darwin', arch: 'arm64', exists })).toBe(
      join('/res', 'redis', 'darwin-arm64', 'redis-server'),
    );
    expect(bundledRedisBinary({ resourcesDir: '/res', platform: 'win32', arch: 'x64', exists })).toBeNull();
  });
});
