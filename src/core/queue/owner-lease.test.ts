import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { OwnerLease, holderAddress, type OwnerLeaseOptions } from './owner-lease';

let server: TestRedis;
let redis: Redis;
const leases: OwnerLease[] = [];

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.handle.connect('owner-lease-test');
});
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.stop()));
});
afterAll(async () => {
  await server.cleanup();
});

function lease(keyPrefix: string, extra: Partial<OwnerLeaseOptions> = {}) {
  const events: string[] = [];
  const l = new OwnerLease({
    redis,
    keyPrefix,
    leaseMs: 600,
    runId: `run-${leases.length}`,
    host: 'desk-a',
    pid: 1000 + leases.length,
    isAlive: () => true,
    onAcquired: () => void events.push('acquired'),
    onLost: (holder) => void events.push(`lost to ${holder}`),
    ...extra,
  });
  leases.push(l);
  return { l, events };
}

describe('the processing owner lease', () => {
  it('gives processing to the first core and keeps the second standby, naming the owner', async () => {
    const prefix = uniquePrefix('owner');
    const a = lease(prefix);
    const b = lease(prefix, { host: 'desk-b' });
    await a.l.start();
    await b.l.start();
    expect(a.l.status).toEqual({ role: 'owner' });
    expect(a.events).toEqual(['acquired']);
    expect(b.l.status).toEqual({ role: 'standby', holder: a.l.name });
    expect(holderAddress(a.l.name)).toBe('desk-a:1000');
    expect(b.events).toEqual([]);
    // the owner renews: still owner, and still holding the key, two leases later
    await new Promise((r) => setTimeout(r, 1_300));
    expect(a.l.status).toEqual({ role: 'owner' });
    expect(await redis.get(a.l.key)).toBe(a.l.name);
    expect(b.l.status.role).toBe('standby');
  });

  it('lets a standby take over within one lease of the owner going silent', async () => {
    const prefix = uniquePrefix('owner');
    const b = lease(prefix, { host: 'desk-b' });
    // a core on another machine holds the lease and then dies: nobody renews it
    await redis.set(`${prefix}{rd}rebalance_processor_owner`, 'desk-z:77/dead-run', 'PX', 600);
    await b.l.start();
    expect(b.l.status).toEqual({ role: 'standby', holder: 'desk-z:77/dead-run' });
    await vi.waitFor(() => expect(b.l.status).toEqual({ role: 'owner' }), { timeout: 3_000, interval: 20 });
    expect(b.events).toEqual(['acquired']);
  });

  it('hands processing over at once on a clean stop', async () => {
    const prefix = uniquePrefix('owner');
    const a = lease(prefix);
    const b = lease(prefix, { host: 'desk-b' });
    await a.l.start();
    await b.l.start();
    await a.l.stop();
    expect(await redis.exists(a.l.key)).toBe(0);
    await vi.waitFor(() => expect(b.l.status).toEqual({ role: 'owner' }), { timeout: 1_000, interval: 20 });
  });

  it("takes over at once from this host's crashed run, but waits for a live one", async () => {
    const prefix = uniquePrefix('owner');
    const key = `${prefix}{rd}rebalance_processor_owner`;
    await redis.set(key, 'desk-a:4242/crashed-run', 'PX', 60_000);
    const alive = lease(prefix, { isAlive: (pid) => pid !== 4242 });
    await alive.l.start();
    expect(alive.l.status).toEqual({ role: 'owner' });
    await alive.l.stop();

    await redis.set(key, 'desk-a:4343/running', 'PX', 60_000);
    const waits = lease(prefix, { isAlive: () => true });
    await waits.l.start();
    expect(waits.l.status).toEqual({ role: 'standby', holder: 'desk-a:4343/running' });
  });

  it('stops processing when another core holds the lease now', async () => {
    const prefix = uniquePrefix('owner');
    const a = lease(prefix);
    await a.l.start();
    await redis.set(a.l.key, 'desk-c:9/other', 'PX', 60_000);
    await vi.waitFor(() => expect(a.events).toEqual(['acquired', 'lost to desk-c:9/other']), { timeout: 2_000 });
    expect(a.l.status).toEqual({ role: 'standby', holder: 'desk-c:9/other' });
  });
});
