/**
 * §22 `rediss://` end to end (vitest project `queue-tls`, QUEUE_TEST_TOPOLOGY=tls): a redis-server answering only
 * TLS on loopback, its certificate signed by a test CA. The settings as a trader writes them (`redis.url` +
 * `redis.tls` file paths) reach it and run the queue; the wrong CA, or no CA, is refused with a reason naming the
 * certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsRedis, type TestTopology } from '../../../test/support/redis-topologies';
import { settingsSchema } from '../config/schema';
import { EventQueue } from '../queue/event-queue';
import { startRedis, type RedisHandle } from './redis-server';
import { uniquePrefix } from './test-redis.test-support';

if (process.env.QUEUE_TEST_TOPOLOGY !== 'tls') throw new Error('run through the queue-tls vitest project');

let tls: TestTopology;
const handles: RedisHandle[] = [];
const queues: EventQueue[] = [];

beforeAll(async () => {
  tls = await startTlsRedis();
}, 60_000);

afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop()));
  await Promise.all(handles.map((h) => h.stop()));
  await tls?.stop();
});

/** `redis.*` of a settings file, validated by the schema as the app would read it. */
function redisSettings(redis: Record<string, unknown>) {
  return settingsSchema.parse({ redis }).redis;
}

describe('rediss:// with redis.tls', () => {
  it('runs the queue through the TLS server: enqueue, claim, complete', async () => {
    const redis = redisSettings({ url: tls.topology.url, tls: { ca: tls.certs!.ca, rejectUnauthorized: true } });
    const handle = await startRedis({ ...redis, dataDir: tls.certs!.dir });
    handles.push(handle);
    expect(handle.kind).toBe('external');
    const q = new EventQueue({
      redis: handle.client('tls-test'),
      keyPrefix: uniquePrefix('tls'),
      retryDelayMs: 60_000,
      leaseMs: 30_000,
      historyLimit: 10_000,
      retainDoneDays: 90,
    });
    queues.push(q);
    const queued = await q.enqueue({ accountId: 'DU111111', command: 'rebalance', source: 'api' });
    if (queued.status !== 'queued') throw new Error('not queued');
    const duplicate = await q.enqueue({ accountId: 'DU111111', command: 'rebalance', source: 'api' });
    expect(duplicate).toMatchObject({ status: 'duplicate', existingId: queued.event.id });
    const claimed = await q.claim('w1');
    expect(claimed?.id).toBe(queued.event.id);
    await q.complete(queued.event.id, 'w1', { ok: true });
    expect((await q.get(queued.event.id))?.event.status).toBe('done');
    // Every byte went over TLS: the server has no plain port (--port 0) to fall back to.
    expect(tls.topology.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a server whose certificate the CA in redis.tls.ca did not sign, naming why', async () => {
    const redis = redisSettings({ url: tls.topology.url, tls: { ca: tls.certs!.otherCa, rejectUnauthorized: true } });
    const error = await startRedis({ ...redis, dataDir: tls.certs!.dir }).then(
      (h) => {
        handles.push(h);
        return null;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^Redis at rediss:\/\/127\.0\.0\.1:\d+\/? is unreachable: /);
    expect(error?.message).toMatch(/certificate/i);
    expect(error?.message).toMatch(/Check redis\.url/);
  });

  it('refuses the test certificate without any CA (the system CAs do not know it)', async () => {
    const redis = redisSettings({ url: tls.topology.url, tls: { rejectUnauthorized: true } });
    const error = await startRedis({ ...redis, dataDir: tls.certs!.dir }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/certificate/i);
  });
});
