import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventQueue } from '../queue/event-queue';
import {
  RedisStartError,
  childEnv,
  findOnPath,
  resolveRedisBinary,
  startRedis,
  wellKnownRedisDirs,
  type RedisHandle,
} from './redis-server';

const dirs: string[] = [];
const handles: RedisHandle[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-redis-server-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<RedisHandle> {
  const h = await startRedis({ dataDir });
  handles.push(h);
  return h;
}

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop().catch(() => undefined)));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const queueOn = (redis: ReturnType<RedisHandle['connect']>) =>
  new EventQueue({
    redis,
    keyPrefix: 'p:',
    retryDelayMs: 1000,
    leaseMs: 30_000,
    historyLimit: 1000,
    retainDoneDays: 90,
  });

describe('startRedis (embedded)', () => {
  it('starts redis-server on loopback with AOF always in <dataDir>/redis', async () => {
    const dataDir = tempDir();
    const h = await start(dataDir);
    expect(h.kind).toBe('embedded');
    expect(h.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(h.pid).toBeGreaterThan(0);
    const c = h.connect('check');
    expect(await c.ping()).toBe('PONG');
    expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await c.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    expect(await c.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
    await h.stop();
    expect(c.status).toBe('end');
  });

  it('finds the data of the first start on a second start with the same dataDir', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const q1 = queueOn(first.connect());
    const queued = await q1.enqueue({ accountId: 'DU1', command: 'rebalance', source: 'manual', payload: { n: [] } });
    await q1.hold(queued.status === 'queued' ? queued.event.id : '', 'pending');
    await first.connect().set('plain', 'value');
    await first.stop();

    const second = await start(dataDir);
    expect(second.url).not.toBe('');
    const c = second.connect();
    expect(await c.get('plain')).toBe('value');
    const q2 = queueOn(c);
    const list = await q2.list();
    expect(list.total).toBe(1);
    expect(list.events[0]).toMatchObject({ accountId: 'DU1', status: 'held', payload: { n: [] } });
  });

  it('keeps every acknowledged enqueue after kill -9 of redis-server', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const q1 = queueOn(first.connect());
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const r = await q1.enqueue({ accountId: `DU${i}`, command: 'rebalance', source: 'manual' });
        if (r.status === 'queued') ids.push(r.event.id);
      }),
    );
    expect(ids).toHaveLength(200);
    process.kill(first.pid ?? -1, 'SIGKILL');
    await first.stop().catch(() => undefined);

    const second = await start(dataDir);
    const q2 = queueOn(second.connect());
    const pending = await q2.list({ state: 'pending', limit: 1000 });
    expect(pending.total).toBe(200);
    expect(new Set(pending.events.map((e) => e.id))).toEqual(new Set(ids));
  });

  it('names a missing binary and says how to get Redis', async () => {
    const dataDir = tempDir();
    const err = await startRedis({ dataDir, binary: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisStartError);
    expect((err as Error).message).toContain('/nonexistent/redis-server');
    expect((err as Error).message).toContain('apt-get install redis-server');
    expect((err as Error).message).toContain('redis.binary');
  });

  it('names a missing REDISMS_SYSTEM_BINARY too, rather than downloading', () => {
    expect(() => resolveRedisBinary(null, { REDISMS_SYSTEM_BINARY: '/nope/redis', PATH: '' })).toThrow(
      /\/nope\/redis.*REDISMS_SYSTEM_BINARY/,
    );
  });

  it('resolves the binary: option, then env, then the shipped one, then PATH and well-known folders, then download', () => {
    const sys = '/usr/bin/redis-server';
    const none = { extraDirs: [] };
    expect(resolveRedisBinary(sys, {}, none)).toEqual({ source: 'option', path: sys });
    expect(resolveRedisBinary(null, { REDISMS_SYSTEM_BINARY: sys }, none)).toEqual({ source: 'env', path: sys });
    expect(resolveRedisBinary(null, {}, { bundledBinary: sys, extraDirs: [] })).toEqual({
      source: 'bundled',
      path: sys,
    });
    expect(resolveRedisBinary(null, { PATH: '/usr/bin' }, none)).toEqual({ source: 'path', path: sys });
    // Finder gives an app PATH=/usr/bin:/bin:…; Homebrew's folder is searched anyway.
    expect(resolveRedisBinary(null, { PATH: tempDir() }, { extraDirs: ['/usr/bin'] })).toEqual({
      source: 'path',
      path: sys,
    });
    expect(resolveRedisBinary(null, { PATH: tempDir() }, none)).toEqual({ source: 'download', path: null });
    expect(findOnPath('redis-server', '')).toBeNull();
  });

  it('names a shipped binary that is missing', () => {
    expect(() => resolveRedisBinary(null, {}, { bundledBinary: '/gone/redis-server' })).toThrow(
      /\/gone\/redis-server.*shipped with the app/,
    );
  });

  it('searches Homebrew on macOS, nothing extra on Windows', () => {
    expect(wellKnownRedisDirs('darwin')).toEqual(expect.arrayContaining(['/opt/homebrew/bin', '/usr/local/bin']));
    expect(wellKnownRedisDirs('win32')).toEqual([]);
  });

  it('starts when the binary and the data folder both have spaces in their paths', async () => {
    const root = tempDir();
    const appDir = path.join(root, 'Applications', 'Rebalance Desk.app', 'Contents', 'Resources', 'redis', 'bin dir');
    mkdirSync(appDir, { recursive: true });
    const binary = path.join(appDir, 'redis-server');
    copyFileSync(realpathSync('/usr/bin/redis-server'), binary);
    const dataDir = path.join(root, 'Application Support', 'Rebalance Desk');
    const h = await startRedis({ dataDir, binary });
    handles.push(h);
    const c = h.connect('spaces');
    expect(await c.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
    await c.set('k', 'v');
    await h.stop();
    const again = await start(dataDir);
    expect(await again.connect().get('k')).toBe('v');
  });

  it('fails with a clear message instead of downloading when the host does not allow it', async () => {
    vi.stubEnv('REDISMS_SYSTEM_BINARY', '');
    vi.stubEnv('PATH', tempDir());
    try {
      const err = await startRedis({ dataDir: tempDir(), allowDownload: false, extraDirs: [] }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RedisStartError);
      expect((err as Error).message).toMatch(/No redis-server found/);
      expect((err as Error).message).toContain('brew install redis');
      expect((err as Error).message).not.toMatch(/download/i);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says the binary could not be run when it is not a redis-server', async () => {
    const dir = tempDir();
    const fake = path.join(dir, 'redis-server');
    copyFileSync(realpathSync('/bin/false'), fake);
    const err = await startRedis({ dataDir: tempDir(), binary: fake }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisStartError);
    expect((err as Error).message).toContain(fake);
    expect((err as Error).message).toMatch(/exited \(code 1\) before it was ready/);
  });

  it('gives child processes our environment without ELECTRON_RUN_AS_NODE, unless asked for', () => {
    const base = { PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' };
    expect(childEnv({}, base)).toEqual({ PATH: '/bin' });
    expect(childEnv({ ELECTRON_RUN_AS_NODE: '1' }, { PATH: '/bin' })).toEqual({
      PATH: '/bin',
      ELECTRON_RUN_AS_NODE: '1',
    });
  });
});

describe('startRedis (external)', () => {
  it('connects to a given url and checks it with PING', async () => {
    const embedded = await start(tempDir());
    const ext = await startRedis({ url: embedded.url, dataDir: tempDir() });
    handles.push(ext);
    expect(ext).toMatchObject({ kind: 'external', url: embedded.url, pid: null });
    expect(await ext.connect('x').ping()).toBe('PONG');
  });

  it('says clearly when the url is unreachable', async () => {
    const err = await startRedis({ url: 'redis://:secret@127.0.0.1:1', dataDir: tempDir() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisStartError);
    expect((err as Error).message).toMatch(/unreachable/);
    expect((err as Error).message).not.toContain('secret');
  });
});
