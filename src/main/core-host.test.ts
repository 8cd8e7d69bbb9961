import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import { Runtime } from '../core/runtime';
import { CoreHost } from './core-host';
import { createCallHandler } from './ipc';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-core-host-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function hostWith(settings: Record<string, unknown>) {
  const store = new SettingsStore(join(dir, 'settings.json'), new MemorySecretStore());
  await store.save(settings);
  const loadOutcome = await store.load();
  const host = new CoreHost({
    settingsStore: store,
    loadOutcome,
    dataDirOf: () => dir,
    createRuntime: (options) => new Runtime({ ...options, stopGraceMs: 500 }),
  });
  return { host };
}

const own = { senderFrame: { url: 'file:///app/index.html' } };

describe('CoreHost with the real core', () => {
  it('starts the Runtime with the embedded Redis and answers over IPC, then stops it', async () => {
    const { host } = await hostWith({ ib: { port: 1, connectTimeoutMs: 200, reconnectDelayMs: 60_000 } });
    await host.start();
    try {
      expect(host.error).toBeNull();
      expect(host.state).toBe('running');
      const call = createCallHandler({ handlers: () => host.handlers, isAppUrl: (u) => u.startsWith('file:///app/') });
      const health = await call(own, 'health', {});
      expect(health).toMatchObject({
        ok: true,
        value: { redis: { state: 'green' }, ib: { state: expect.any(String) } },
      });
      expect(await call(own, 'queueStatus', {})).toMatchObject({ ok: true, value: { paused: false } });
      const enqueued = await call(own, 'enqueue', { accountId: 'DU123456', command: 'rebalance' });
      // The core's own errors come back as results with its message.
      expect(enqueued).toEqual({
        ok: false,
        error: { error: 'invalid', message: 'account DU123456 is not in the settings' },
      });
    } finally {
      await host.stop();
    }
    expect(host.state).toBe('stopped');
  });

  it('reports a missing redis-server as the reason the core is down, without throwing', async () => {
    const { host } = await hostWith({ redis: { binary: join(dir, 'no-such-redis-server') } });
    await host.start();
    expect(host.state).toBe('failed');
    const health = await host.health();
    expect(health.status).toBe('down');
    expect(health.redis.detail).toContain('no-such-redis-server');
    await host.stop();
  });

  it('while the core is down, refuses a switch to LIVE without confirmLive just as the running core does', async () => {
    const { host } = await hostWith({ redis: { binary: join(dir, 'no-such-redis-server') } });
    await host.start();
    expect(host.state).toBe('failed');
    const call = createCallHandler({ handlers: () => host.handlers, isAppUrl: (u) => u.startsWith('file:///app/') });
    const view = (await call(own, 'getConfig', {})) as { ok: true; value: { settings: Record<string, unknown> } };
    const refused = await call(own, 'putConfig', { settings: { ...view.value.settings, tradingMode: 'live' } });
    expect(refused).toEqual({
      ok: false,
      error: {
        error: 'invalid',
        reason: 'needs-live-confirmation',
        message: 'switching to LIVE trading needs confirmation (confirmLive: true)',
        issues: [{ path: 'tradingMode', message: 'switching to live trading needs confirmation' }],
      },
    });
    expect(host.settings.tradingMode).toBe('paper');
    await host.stop();
  });
});
