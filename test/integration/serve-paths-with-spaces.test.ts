/**
 * Headless `serve` whose redis-server binary and data folder both sit in paths with spaces (as an installed app's
 * do: `/Applications/Rebalance Desk.app/…`, `C:\Users\…\Programs\Rebalance Desk\…`) starts, and its Redis is up.
 */
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_BINARY, ensureCliBuilt, startCore, type CoreChild } from '../reliability/support';

let root = '';
let core: CoreChild | null = null;

beforeAll(() => {
  ensureCliBuilt();
  root = mkdtempSync(join(tmpdir(), 'rd serve spaces '));
});

afterAll(async () => {
  await core?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('serve with spaces in redis.binary and dataDir', () => {
  it('starts the embedded Redis and reports it green', async () => {
    const binDir = join(root, 'Rebalance Desk.app', 'Contents', 'Resources', 'redis', 'darwin arm64');
    mkdirSync(binDir, { recursive: true });
    const binary = join(binDir, 'redis-server');
    copyFileSync(realpathSync(REDIS_BINARY), binary);
    const dataDir = join(root, 'Application Support', 'Rebalance Desk');
    const config = join(root, 'my settings.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir,
        redis: { binary },
        management: { token: 'spaces-token-0123456789abcdef' },
        notifications: { desktop: false },
      }),
    );
    // Nothing else to fall back on: the binary in the spaced path is the one that must start.
    core = startCore(config, { REDISMS_SYSTEM_BINARY: '', PATH: '/nonexistent' });
    const { url } = await core.ready;
    const res = await fetch(new URL('/api/health', url), {
      headers: { authorization: 'Bearer spaces-token-0123456789abcdef' },
    });
    expect(res.status).toBe(200);
    const health = (await res.json()) as { redis: { state: string; detail: string } };
    expect(health.redis.state).toBe('green');
    expect(core.output()).not.toMatch(/ENOENT/);
    expect(await core.stop()).toBe(0);
    core = null;
  });
});
