import { describe, expect, it } from 'vitest';
import type { QueueStatus } from '../shared/dto';
import { collectHealth, coreDownHealth, type HealthSources } from './health';

const counts = { pending: 2, awaiting: 0, active: 1, delayed: 0, held: 0, done: 5 };

function sources(overrides: Partial<HealthSources> = {}): HealthSources {
  return {
    redis: { ping: async () => 'PONG', description: 'embedded redis-server on 127.0.0.1:6400' },
    ib: () => ({
      state: 'connected',
      reason: 'connected as client id 7',
      clientId: 7,
      host: '127.0.0.1',
      port: 4002,
      since: '2026-12-02T14:00:00.000Z',
      accounts: ['DU123456'],
      problem: null,
    }),
    restartWindow: null,
    now: () => new Date('2026-12-02T15:00:00Z'),
    feed: () => ({ state: 'green', detail: 'subscribed to 1 strategy' }),
    queueStatus: async (): Promise<QueueStatus> => ({ counts, paused: false, oldestPendingAgeMs: 10 }),
    processor: () => ({ state: 'running', running: [{}], processed: 3 }),
    owner: () => ({ role: 'owner' }),
    concurrency: 4,
    tradingMode: 'paper',
    simulated: false,
    ...overrides,
  };
}

describe('health', () => {
  it('is ok with every light green and says what each part does', async () => {
    const health = await collectHealth(sources());
    expect(health.status).toBe('ok');
    expect(health.redis).toEqual({ state: 'green', detail: 'embedded redis-server on 127.0.0.1:6400' });
    expect(health.ib).toEqual({ state: 'green', detail: 'connected to 127.0.0.1:4002 (client id 7)' });
    expect(health.queue).toEqual({ state: 'green', detail: '2 pending, 1 active, 0 delayed, 0 held' });
    expect(health.processor).toEqual({ state: 'green', detail: '4 workers, 1 running, 3 done since start' });
  });

  it('is degraded and amber on the processor while paused', async () => {
    const health = await collectHealth(
      sources({ queueStatus: async () => ({ counts, paused: true, oldestPendingAgeMs: 10 }) }),
    );
    expect(health.status).toBe('degraded');
    expect(health.processor).toEqual({ state: 'amber', detail: 'paused — press Resume to process events' });
  });

  it('shows a standby core green with the address of the owner', async () => {
    const health = await collectHealth(
      sources({
        processor: () => ({ state: 'stopped', running: [], processed: 0 }),
        owner: () => ({ role: 'standby', holder: 'other-run@10.0.0.2:4242' }),
      }),
    );
    expect(health.processor.state).toBe('green');
    expect(health.processor.detail).toMatch(/^standby \(owner /);
  });

  it('is down with the queue red when Redis does not answer', async () => {
    const health = await collectHealth(
      sources({
        redis: { ping: () => Promise.reject(new Error('connect ECONNREFUSED')), description: 'x' },
        queueStatus: () => Promise.reject(new Error('never asked')),
      }),
    );
    expect(health.status).toBe('down');
    expect(health.redis).toEqual({ state: 'red', detail: 'Redis unreachable: connect ECONNREFUSED' });
    expect(health.queue).toEqual({ state: 'red', detail: 'queue unavailable' });
  });

  it('while there is no core: down, every light red, Redis carrying the reason', () => {
    const reason = 'The core did not start: no redis-server.';
    const health = coreDownHealth(reason, 'live');
    expect(health).toMatchObject({ status: 'down', tradingMode: 'live', simulated: false });
    expect(health.redis).toEqual({ state: 'red', detail: reason });
    for (const light of [health.ib, health.feed, health.processor, health.queue]) {
      expect(light).toEqual({ state: 'red', detail: 'core not running' });
    }
  });
});

describe('health with two gateways (§28)', () => {
  const status = (port: number, state: 'connected' | 'disconnected') => ({
    state,
    reason: state === 'connected' ? 'connected as client id 7' : 'connect ECONNREFUSED',
    clientId: 7,
    host: '127.0.0.1',
    port,
    since: '2026-12-02T14:00:00.000Z',
    accounts: [],
    problem: null,
  });
  const spec = (id: string, label: string, port: number, restartWindow: string | null = null) => ({
    id,
    label,
    host: '127.0.0.1',
    port,
    clientId: null,
    restartWindow,
  });

  it('has one light per gateway, and the IB light is the worst of them, naming each', async () => {
    const health = await collectHealth(
      sources({
        gateways: () => [
          { spec: spec('default', 'default', 4002), status: status(4002, 'connected') },
          { spec: spec('spouse', 'Spouse', 4012), status: status(4012, 'disconnected') },
        ],
      }),
    );
    expect(health.gateways).toEqual([
      { id: 'default', label: 'default', state: 'green', detail: 'connected to 127.0.0.1:4002 (client id 7)' },
      {
        id: 'spouse',
        label: 'Spouse',
        state: 'red',
        detail: 'not connected to 127.0.0.1:4012: connect ECONNREFUSED',
      },
    ]);
    expect(health.ib.state).toBe('red');
    expect(health.ib.detail).toBe(
      'default: connected to 127.0.0.1:4002 (client id 7); Spouse: not connected to 127.0.0.1:4012: connect ECONNREFUSED',
    );
    expect(health.status).toBe('degraded');
  });

  it("shows each gateway's own restart window", async () => {
    const health = await collectHealth(
      sources({
        now: () => new Date('2026-12-03T04:50:00Z'), // 23:50 in New York
        gateways: () => [
          { spec: spec('default', 'default', 4002), status: status(4002, 'connected') },
          {
            spec: spec('spouse', 'Spouse', 4012, '23:40-00:15 America/New_York'),
            status: status(4012, 'connected'),
          },
        ],
      }),
    );
    expect(health.gateways?.map((g) => g.state)).toEqual(['green', 'amber']);
    expect(health.gateways?.[1]?.detail).toContain('IB Gateway daily restart window until 00:15');
  });
});
