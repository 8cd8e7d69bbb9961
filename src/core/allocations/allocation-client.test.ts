import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Allocation } from '../../shared/dto';
import { DEMO_STRATEGIES } from '../../sim/allocations/demo-strategies';
import { startSimAllocations, type SimAllocations } from '../../sim/allocations/server';
import { DeskError } from '../domain/errors';
import { AllocationClient, strategySlug, type AllocationClientLog } from './allocation-client';

const API_KEY = 'zl-test-KEY-7f3a9c21';

let sim: SimAllocations;
const messages: string[] = [];
const logged: unknown[] = [];
const log: AllocationClientLog = {
  debug: (obj, msg) => logged.push({ obj, msg }),
  warn: (obj, msg) => logged.push({ obj, msg }),
};

function client(options: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}): AllocationClient {
  return new AllocationClient({
    baseUrl: options.baseUrl ?? sim.url,
    apiKey: () => options.apiKey ?? API_KEY,
    timeoutMs: options.timeoutMs ?? 2_000,
    log,
  });
}

/** The DeskError a call fails with; its message is kept to check that the key never shows. */
async function failure(call: Promise<unknown>): Promise<DeskError> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskError);
  messages.push((error as DeskError).message);
  return error as DeskError;
}

beforeAll(async () => {
  sim = await startSimAllocations({ strategies: structuredClone(DEMO_STRATEGIES), apiKey: API_KEY });
});

afterEach(() => {
  sim.setFailure(null);
});

afterAll(async () => {
  await sim.stop();
  // The API key appears in no error message and no log line of any test above.
  expect(messages.length).toBeGreaterThan(5);
  for (const message of messages) expect(message).not.toContain(API_KEY);
  expect(JSON.stringify(logged)).not.toContain(API_KEY);
});

describe('AllocationClient', () => {
  it('reads a strategy’s allocations as fractions with its dates', async () => {
    const set = await client().getAllocations('etf-blend-200-35');
    expect(set).toMatchObject({
      strategy: 'etf-blend-200-35',
      asOf: '2025-06-24',
      lastRebalanceOn: '2025-06-24',
      name: 'ETF Blend 200-35',
      longName: 'ETF Blend 200-35',
    });
    expect(set.allocations).toContainEqual({ symbol: 'EDC', weight: 0.2141 });
    expect(set.allocations.reduce((sum, a) => sum + a.weight, 0)).toBeCloseTo(1, 9);
  });

  it('lists the strategies with their slugs', async () => {
    const list = await client({ baseUrl: `${sim.url}/` }).listStrategies();
    expect(list).toEqual([
      { name: 'ETF Blend 200-35', slug: 'etf-blend-200-35' },
      { name: 'ETF Blend 101-15', slug: 'etf-blend-101-15' },
    ]);
  });

  it('sees new allocations published by the provider', async () => {
    sim.setAllocations('etf-blend-101-15', [{ symbol: 'SPY', weight: 1 }], '2025-07-01');
    const set = await client().getAllocations('etf-blend-101-15');
    expect(set.allocations).toEqual([{ symbol: 'SPY', weight: 1 }]);
    expect(set.asOf).toBe('2025-07-01');
  });

  it('fails rejected, saying the key was refused, on a wrong key', async () => {
    const error = await failure(client({ apiKey: 'wrong-key' }).getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/refused the API key \(HTTP 401\)/);
  });

  it('fails rejected on HTTP 401', async () => {
    sim.setFailure('401');
    const error = await failure(client().getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/API key/);
  });

  it('fails invalid, naming the strategy, when the strategy is unknown', async () => {
    const error = await failure(client().getAllocations('no-such-strategy'));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/unknown strategy "no-such-strategy"/);
  });

  it('fails transient on HTTP 500', async () => {
    sim.setFailure('500');
    const error = await failure(client().getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/HTTP 500/);
  });

  it('fails transient when the API does not answer in time', async () => {
    sim.setFailure('timeout');
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/did not answer .* within 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails transient when the API cannot be reached', async () => {
    const error = await failure(client({ baseUrl: 'http://127.0.0.1:1/api' }).getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/could not be reached/);
  });

  it('fails invalid when the answer is not JSON', async () => {
    sim.setFailure('garbage');
    const error = await failure(client().getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/not JSON \(starts with "<html>/);
  });

  it('fails transient when the answer is cut off mid-way', async () => {
    sim.setFailure('truncated');
    const error = await failure(client().getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('transient');
  });

  it.each([
    {
      name: 'a weight out of range',
      allocations: [
        { symbol: 'SPY', weight: 0.2 },
        { symbol: 'TLT', weight: 0.1 },
        { symbol: 'GLD', weight: 1.7 },
      ],
      message: 'allocations[2].allocation is 1.7, must be between 0 and 1',
    },
    {
      name: 'a negative weight',
      allocations: [{ symbol: 'SPY', weight: -0.2 }],
      message: 'allocations[0].allocation is -0.2, must be between 0 and 1',
    },
    {
      name: 'a missing weight',
      allocations: [{ symbol: 'SPY' }],
      message: 'allocations[0].allocation is missing',
    },
    {
      name: 'a weight given as text',
      allocations: [{ symbol: 'SPY', weight: '0.5' }],
      message: 'allocations[0].allocation is the string "0.5", must be a number',
    },
    {
      name: 'a missing symbol',
      allocations: [{ weight: 0.5 }],
      message: 'allocations[0].symbol is missing',
    },
  ])('fails invalid on $name, naming the field', async ({ allocations, message }) => {
    sim.setAllocations('broken', allocations as unknown as Allocation[], '2025-06-24');
    const error = await failure(client().getAllocations('broken'));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(message);
  });

  it.each([
    {
      name: 'status is not success',
      body: { status: 'error', message: 'strategy paused' },
      message: 'answered status "error" for allocations of "etf-blend-200-35" (strategy paused)',
    },
    { name: 'data is missing', body: { status: 'success' }, message: 'data is missing' },
    {
      name: 'the allocation list is missing',
      body: { status: 'success', data: { as_of: '2025-06-24' } },
      message: 'allocations is missing',
    },
    {
      name: 'as_of has the wrong type',
      body: { status: 'success', data: { allocations: [], as_of: 20250624 } },
      message: 'as_of is number 20250624, must be a string',
    },
  ])('fails invalid when $name', async ({ body, message }) => {
    const stub = new AllocationClient({
      baseUrl: 'http://allocations.test/api/v1/strategies',
      apiKey: () => API_KEY,
      timeoutMs: 1_000,
      fetch: () => Promise.resolve(new Response(JSON.stringify(body), { status: 200 })),
    });
    const error = await failure(stub.getAllocations('etf-blend-200-35'));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(message);
  });

  it('sends the key in the x-api-key header to the strategy’s allocations path', async () => {
    const seen: { url: string; key: string | null }[] = [];
    const stub = new AllocationClient({
      baseUrl: 'http://allocations.test/api/v1/strategies/',
      apiKey: () => API_KEY,
      timeoutMs: 1_000,
      fetch: (url, init) => {
        seen.push({ url: String(url), key: new Headers(init?.headers).get('x-api-key') });
        return Promise.resolve(new Response(JSON.stringify({ strategies: [] }), { status: 200 }));
      },
    });
    await stub.listStrategies();
    await stub.getAllocations('etf-blend-200-35').catch(() => undefined);
    expect(seen).toEqual([
      { url: 'http://allocations.test/api/v1/strategies/', key: API_KEY },
      { url: 'http://allocations.test/api/v1/strategies/etf-blend-200-35/allocations', key: API_KEY },
    ]);
  });

  it('counts the requests it served', () => {
    expect(sim.requests()).toBeGreaterThan(5);
  });
});

describe('strategySlug', () => {
  it('lower-cases the name and joins words with hyphens', () => {
    expect(strategySlug('ETF Blend 101-15')).toBe('etf-blend-101-15');
    expect(strategySlug('  Tactical  Growth ')).toBe('tactical-growth');
  });
});
