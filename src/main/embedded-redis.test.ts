import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRedisBinary, redisStartEnv, withEnv } from './embedded-redis';

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

describe('environment while the embedded Redis starts', () => {
  const base = {
    settingsBinary: null,
    redisUrl: null,
    bundledBinary: '/res/redis/linux/redis-server',
    downloadDir: '/u/redis-binaries',
  };

  it('runs the watchdog as Node inside Electron and points at the bundled binary', () => {
    expect(redisStartEnv({ ...base, inElectron: true, env: {} })).toEqual({
      REDISMS_SYSTEM_BINARY: '/res/redis/linux/redis-server',
      REDISMS_DOWNLOAD_DIR: '/u/redis-binaries',
      ELECTRON_RUN_AS_NODE: '1',
    });
  });

  it('leaves a binary from the settings or the environment, and an explicit NODE, alone', () => {
    expect(
      redisStartEnv({
        ...base,
        settingsBinary: '/usr/bin/redis-server',
        inElectron: true,
        env: { NODE: '/usr/bin/node' },
      }),
    ).toEqual({
      REDISMS_DOWNLOAD_DIR: '/u/redis-binaries',
    });
    expect(
      redisStartEnv({
        ...base,
        inElectron: false,
        env: { REDISMS_SYSTEM_BINARY: '/opt/redis-server', REDISMS_DOWNLOAD_DIR: '/d' },
      }),
    ).toEqual({});
  });

  it('needs nothing for an external Redis', () => {
    expect(redisStartEnv({ ...base, redisUrl: 'redis://db:6379', inElectron: true, env: {} })).toEqual({});
  });

  it('sets variables only for the duration of the start, also when it fails', async () => {
    const env: NodeJS.ProcessEnv = { KEEP: 'x', ELECTRON_RUN_AS_NODE: 'before' };
    let seen: string | undefined;
    await withEnv(
      { ELECTRON_RUN_AS_NODE: '1', NEW: 'y' },
      async () => {
        seen = env.ELECTRON_RUN_AS_NODE;
      },
      env,
    );
    expect(seen).toBe('1');
    expect(env).toEqual({ KEEP: 'x', ELECTRON_RUN_AS_NODE: 'before' });
    await expect(withEnv({ NEW: 'y' }, async () => Promise.reject(new Error('boom')), env)).rejects.toThrow('boom');
    expect(env.NEW).toBeUndefined();
  });
});
