import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../shared/dto';
import { DEMO_STRATEGIES } from '../sim/allocations/demo-strategies';
import { recentDemoStrategies, startDemo, type Demo } from './demo';

let demo: Demo | null = null;
afterEach(async () => {
  await demo?.stop();
  demo = null;
});

describe('demo: the drift monitor (§20)', () => {
  it('is on with a short interval, so the demo accounts show their drift without any action', async () => {
    demo = await startDemo({ port: 0, staticRoot: null });
    expect(demo.runtime.settings.drift.checkMinutes).toBeLessThanOrEqual(0.25);
    const d = demo;
    // The first timed check runs within checkMinutes (6 s) of the start; this bounds a hang, it times nothing.
    await expect
      .poll(async () => (await d.runtime.handlers.accounts({})).accounts.filter((a) => a.drift !== null).length, {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(4);
    const accounts = (await d.runtime.handlers.accounts({})).accounts;
    for (const a of accounts) expect(Object.keys(a.drift!.bySymbol).length).toBeGreaterThan(0);
    expect(accounts.some((a) => a.drifted)).toBe(true);
  }, 60_000);
});

describe('demo: its allocations (§25)', () => {
  it('are a few days old, so a demo plan carries no stale-allocation warning', async () => {
    demo = await startDemo({ port: 0, staticRoot: null });
    const d = demo;
    const queued = await d.runtime.handlers.runCommand({ accountId: 'DU1000002', command: 'print-rebalance' });
    // bounds a hang, times nothing
    await expect
      .poll(async () => (await d.runtime.queue.get(queued.id))?.event.status, { timeout: 30_000, interval: 250 })
      .toBe('done');
    const plan = ((await d.runtime.queue.get(queued.id))!.event.result as { plan: Plan }).plan;
    expect(plan.asOf).toBe(new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10));
    expect(plan.warnings.filter((w) => w.startsWith('allocation is stale'))).toEqual([]);
  }, 60_000);

  it('keep the strategies and weights the tests know, with as_of three days before the start', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    const recent = recentDemoStrategies(now);
    expect(Object.keys(recent)).toEqual(Object.keys(DEMO_STRATEGIES));
    for (const [slug, strategy] of Object.entries(recent)) {
      expect(strategy).toEqual({ ...DEMO_STRATEGIES[slug], asOf: '2026-12-02' });
    }
  });
});
