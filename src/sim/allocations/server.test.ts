import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_STRATEGIES } from './demo-strategies';
import { startSimAllocations, type SimAllocations } from './server';

let sim: SimAllocations | null = null;

afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('startSimAllocations', () => {
  it('serves the strategy list and allocations in the real shapes on a free loopback port', async () => {
    sim = await startSimAllocations({ strategies: DEMO_STRATEGIES });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/strategies$/);
    expect(sim.port).toBeGreaterThan(0);

    const list = await (await fetch(`${sim.url}/`)).json();
    expect(list).toEqual({
      strategies: [{ strategy_name: 'ETF Blend 200-35' }, { strategy_name: 'ETF Blend 101-15' }],
    });
    const answer = (await (await fetch(`${sim.url}/etf-blend-200-35/allocations`)).json()) as {
      data: { allocations: unknown[] };
    };
    expect(answer).toMatchObject({
      status: 'success',
      data: {
        name: 'ETF Blend 200-35',
        strategy_long_name: 'ETF Blend 200-35',
        as_of: '2025-06-24',
        last_rebalance_on: '2025-06-24',
      },
    });
    expect(answer.data.allocations).toContainEqual({ symbol: 'EDC', allocation: 0.2141 });
    expect(sim.requests()).toBe(2);
  });

  it('answers 401 without the right key and 404 for an unknown strategy', async () => {
    sim = await startSimAllocations({ strategies: DEMO_STRATEGIES, apiKey: 'k' });
    expect((await fetch(`${sim.url}/etf-blend-200-35/allocations`)).status).toBe(401);
    const ok = await fetch(`${sim.url}/etf-blend-200-35/allocations`, { headers: { 'x-api-key': 'k' } });
    expect(ok.status).toBe(200);
    const missing = await fetch(`${sim.url}/nope/allocations`, { headers: { 'x-api-key': 'k' } });
    expect(missing.status).toBe(404);
  });

  it('publishes new allocations and names a new strategy from its slug', async () => {
    sim = await startSimAllocations({ strategies: {} });
    sim.setAllocations('tactical-growth-50-10', [{ symbol: 'QQQ', weight: 1 }], '2025-08-01');
    const list = await (await fetch(`${sim.url}/`)).json();
    expect(list).toEqual({ strategies: [{ strategy_name: 'Tactical Growth 50-10' }] });
    const answer = (await (await fetch(`${sim.url}/tactical-growth-50-10/allocations`)).json()) as { data: unknown };
    expect(answer.data).toMatchObject({ allocations: [{ symbol: 'QQQ', allocation: 1 }], as_of: '2025-08-01' });
  });

  it('stops promptly even with a request left hanging by the timeout mode', async () => {
    sim = await startSimAllocations({ strategies: DEMO_STRATEGIES });
    sim.setFailure('timeout');
    const hanging = fetch(`${sim.url}/`).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.stop();
    sim = null;
    expect(await hanging).toBeInstanceOf(Error);
  });
});

describe('DEMO_STRATEGIES', () => {
  it.each(Object.entries(DEMO_STRATEGIES))('%s has weights adding up to 1', (_slug, strategy) => {
    expect(strategy.allocations.length).toBeGreaterThanOrEqual(6);
    expect(strategy.allocations.reduce((sum, a) => sum + a.weight, 0)).toBeCloseTo(1, 9);
  });
});
