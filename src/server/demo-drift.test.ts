import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from './demo';

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
