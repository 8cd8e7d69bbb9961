import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../shared/dto';
import { parseSettings } from '../config/settings-store';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import type { RedisClient } from '../redis/topology';
import { SetupRecordStore, type SetupRecord } from '../records/setup-record';
import { createManagementHandlers } from './handlers';
import type { ManagementPorts } from './ports';
import { setupProgress } from './setup-progress';

function settingsOf(input: Record<string, unknown>) {
  const parsed = parseSettings(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.settings;
}

const light = (state: 'green' | 'amber' | 'red', detail: string) => ({ state, detail });
function health(ib: { state: 'green' | 'amber' | 'red'; detail: string }): Health {
  const ok = light('green', 'ok');
  return { status: 'ok', redis: ok, ib, feed: ok, processor: ok, queue: ok, tradingMode: 'paper', simulated: false };
}
const UP = health(light('green', 'connected to 127.0.0.1:4002 (client id 7)'));
const DOWN = health(light('red', 'not connected to 127.0.0.1:4002: connection refused'));

const FRESH = settingsOf({});
const READY = settingsOf({
  zehnlabs: { realtimeApiKey: 'app.key:secret', allocationsApiKey: 'alloc-key' },
  accounts: [{ accountId: 'DU111111', name: 'Paper IRA', strategy: 'etf-blend-200-35', cashReservePercent: 1 }],
});
const NOTHING: SetupRecord = { lastCheck: null, firstPreview: null, completedAt: null };
const PASSED: SetupRecord = {
  lastCheck: { at: '2026-03-02T14:00:00.000Z', failed: [], warnings: 1 },
  firstPreview: { at: '2026-03-02T14:05:00.000Z', accountId: 'DU111111', eventId: 'e1' },
  completedAt: null,
};

const stepsOf = (p: ReturnType<typeof setupProgress>) => Object.fromEntries(p.steps.map((s) => [s.id, s.done]));

describe('Get started (§26)', () => {
  it('on a fresh install ticks nothing, says what to do for each step, and opens the window on Get started', () => {
    const progress = setupProgress({ health: DOWN, settings: FRESH, record: NOTHING, simulated: false });
    expect(stepsOf(progress)).toEqual({ gateway: false, keys: false, accounts: false, check: false, preview: false });
    const detail = Object.fromEntries(progress.steps.map((s) => [s.id, s.detail]));
    expect(detail.gateway).toMatch(
      /^not connected to 127\.0\.0\.1:4002: connection refused\. Start IB Gateway .*\(port 4002\)/,
    );
    expect(detail.keys).toBe(
      'no Zehnlabs realtime API key and no allocations API key yet: enter them in Settings › Zehnlabs',
    );
    expect(detail.accounts).toMatch(/^no account yet/);
    expect(detail.check).toMatch(/^not run yet/);
    expect(detail.preview).toMatch(/^no preview yet/);
    expect(progress).toMatchObject({ complete: false, completedAt: null, opensOnGetStarted: true });
  });

  it('ticks each step from live state and the remembered check and preview', () => {
    const progress = setupProgress({ health: UP, settings: READY, record: PASSED, simulated: false });
    expect(stepsOf(progress)).toEqual({ gateway: true, keys: true, accounts: true, check: true, preview: true });
    expect(progress.steps.find((s) => s.id === 'accounts')!.detail).toBe('1 paper account: Paper IRA (DU111111)');
    expect(progress.steps.find((s) => s.id === 'check')).toMatchObject({
      detail: 'no check failed; 1 warning',
      at: '2026-03-02T14:00:00.000Z',
    });
    expect(progress.steps.find((s) => s.id === 'preview')!.detail).toBe('previewed Paper IRA (DU111111)');
    expect(progress).toMatchObject({ complete: true, opensOnGetStarted: false });
  });

  it('leaves Check setup unticked while its last run had a failure, naming the failed checks', () => {
    const record = {
      ...PASSED,
      lastCheck: { at: PASSED.lastCheck!.at, failed: ['ib-read-only', 'clock'], warnings: 0 },
    };
    const progress = setupProgress({ health: UP, settings: READY, record, simulated: false });
    const check = progress.steps.find((s) => s.id === 'check')!;
    expect(check.done).toBe(false);
    expect(check.detail).toBe('the last run found 2 failures (ib-read-only, clock): follow each fix, then check again');
    expect(progress.opensOnGetStarted).toBe(true);
  });

  it('counts only enabled accounts of the trading mode, and says so when there are others', () => {
    const live = settingsOf({
      accounts: [{ accountId: 'U2222222', type: 'live', strategy: 'etf-blend-200-35', cashReservePercent: 1 }],
    });
    const step = setupProgress({ health: UP, settings: live, record: NOTHING, simulated: false }).steps[2]!;
    expect(step).toMatchObject({ id: 'accounts', done: false });
    expect(step.detail).toMatch(/^1 account set up, none enabled for paper trading/);
  });

  it('stays complete once it was, though the gateway is down today', () => {
    const record = { ...PASSED, completedAt: '2026-03-02T14:05:01.000Z' };
    const progress = setupProgress({ health: DOWN, settings: READY, record, simulated: false });
    expect(progress.steps[0]!.done).toBe(false);
    expect(progress).toMatchObject({ complete: true, opensOnGetStarted: false });
  });

  it('never opens the demo on Get started', () => {
    const progress = setupProgress({ health: UP, settings: FRESH, record: NOTHING, simulated: true });
    expect(progress).toMatchObject({ complete: false, opensOnGetStarted: false });
  });
});

describe('setupProgress over a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  beforeAll(async () => {
    server = await startTestRedis();
    redis = server.handle.connect('setup-record-test');
  }, 60_000);
  afterAll(async () => {
    redis.disconnect();
    await server.cleanup();
  });

  function handlersOver(store: SetupRecordStore, state: { health: Health }) {
    return createManagementHandlers({
      settings: {
        current: () => READY,
        loadIssues: () => [],
        saveAndApply: async () => {},
        dataDir: '/d',
        simulated: false,
      },
      health: async () => state.health,
      setup: store,
    } as unknown as ManagementPorts);
  }

  it('remembers the first preview and when setup was first complete, so a later gateway outage keeps it complete', async () => {
    const store = new SetupRecordStore(redis, uniquePrefix());
    const state = { health: UP };
    const handlers = handlersOver(store, state);
    expect((await handlers.setupProgress({})).opensOnGetStarted).toBe(true);

    await store.noteCheck({ at: '2026-03-02T14:00:00.000Z', failed: [], warnings: 0 });
    expect(await store.notePreview({ at: '2026-03-02T14:05:00.000Z', accountId: 'DU111111', eventId: 'e1' })).toBe(
      true,
    );
    expect(await store.notePreview({ at: '2026-03-03T09:00:00.000Z', accountId: 'DU111111', eventId: 'e2' })).toBe(
      false,
    );
    const complete = await handlers.setupProgress({});
    expect(complete).toMatchObject({ complete: true, opensOnGetStarted: false });
    expect(complete.completedAt).not.toBeNull();
    expect(complete.steps.find((s) => s.id === 'preview')!.at).toBe('2026-03-02T14:05:00.000Z');

    state.health = DOWN;
    await store.noteCheck({ at: '2026-03-03T09:00:00.000Z', failed: ['ib-reachable'], warnings: 0 });
    const later = await handlers.setupProgress({});
    expect(stepsOf(later)).toMatchObject({ gateway: false, check: false });
    expect(later).toMatchObject({ complete: true, completedAt: complete.completedAt, opensOnGetStarted: false });
  });

  it('answers unavailable where no core keeps the record', async () => {
    const handlers = createManagementHandlers({ settings: { current: () => READY } } as unknown as ManagementPorts);
    await expect(handlers.setupProgress({})).rejects.toMatchObject({ code: 'unavailable' });
  });
});
