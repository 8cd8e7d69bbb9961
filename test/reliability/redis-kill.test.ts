/**
 * §17: kill -9 of the embedded Redis in the middle of a stream of enqueues. Every enqueue the queue acknowledged is
 * there after the embedded Redis is started again on the same data dir (AOF, appendfsync always), in the queue, with
 * its account:command taken, and nothing appears that was never asked for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/core/queue/event-queue';
import { startRedis, type RedisHandle } from '../../src/core/redis/redis-server';
import { seededRandom, sleep } from './support';

const handles: RedisHandle[] = [];
const conns: Redis[] = [];
let dataDir: string | null = null;

afterEach(async () => {
  for (const c of conns.splice(0)) c.disconnect();
  await Promise.allSettled(handles.splice(0).map((h) => h.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
});

function queueOn(conn: Redis): EventQueue {
  return new EventQueue({
    redis: conn,
    keyPrefix: 'kill:',
    retryDelayMs: 1_000,
    leaseMs: 5_000,
    historyLimit: 100_000,
    retainDoneDays: 90,
  });
}

describe('kill -9 of the embedded Redis', () => {
  it('loses no acknowledged enqueue', async () => {
    const seed = Number(process.env.REDIS_KILL_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    dataDir = await mkdtemp(join(tmpdir(), 'rd-redis-kill-'));
    const first = await startRedis({ dataDir });
    handles.push(first);
    expect(first.kind).toBe('embedded');
    // No reconnect: when the server dies, commands waiting for it fail instead of waiting for a server that is gone.
    const conn = new Redis(first.url, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    conn.on('error', () => undefined);
    conns.push(conn);
    const queue = queueOn(conn);

    // Eight producers enqueue without pause; every answer 'queued' is an acknowledgement.
    const acked = new Map<string, string>();
    const asked = new Set<string>();
    let failed = 0;
    let stop = false;
    let n = 0;
    const producer = async () => {
      while (!stop) {
        const i = n++;
        const accountId = `DU${5_000_000 + i}`;
        const id = `kill-${i}`;
        asked.add(id);
        try {
          const result = await queue.enqueue({ id, accountId, command: 'rebalance', source: 'api', payload: { i } });
          if (result.status !== 'queued') throw new Error(`unexpected duplicate ${id}`);
          acked.set(id, accountId);
        } catch {
          failed += 1;
          return;
        }
      }
    };
    const producers = Array.from({ length: 8 }, producer);
    await sleep(300 + random() * 700);
    const beforeKill = acked.size;
    process.kill(first.pid!, 'SIGKILL');
    stop = true;
    await Promise.all(producers);
    expect(beforeKill).toBeGreaterThan(50);
    console.log(`redis kill: seed ${seed}, ${acked.size} acknowledged, ${failed} refused after the kill`);

    const second = await startRedis({ dataDir });
    handles.push(second);
    expect(second.pid).not.toBe(first.pid);
    const conn2 = second.connect('check');
    conns.push(conn2);
    const after = queueOn(conn2);

    const pending = await conn2.lrange(after.keys.queue, 0, -1);
    const inQueue = new Set(pending);
    const lost = [...acked.keys()].filter((id) => !inQueue.has(id));
    expect(lost).toEqual([]);
    // Nothing that was never asked for, and no id twice.
    expect(pending.filter((id) => !asked.has(id))).toEqual([]);
    expect(new Set(pending).size).toBe(pending.length);
    // Every acknowledged event still holds its account:command: asking again answers its id.
    const ackedList = [...acked];
    for (let i = 0; i < ackedList.length; i += 256) {
      const batch = ackedList.slice(i, i + 256);
      const answers = await Promise.all(
        batch.map(([, accountId]) => after.enqueue({ accountId, command: 'rebalance', source: 'api' })),
      );
      expect(answers).toEqual(batch.map(([id]) => ({ status: 'duplicate', existingId: id })));
    }
    // A sample of records read whole through the API (each read scans the history written since the event was
    // created, which here is the whole burst, so not all ten thousand).
    const step = Math.max(1, Math.floor(ackedList.length / 20));
    for (const [id, accountId] of ackedList.filter((_, i) => i % step === 0)) {
      const detail = await after.get(id);
      expect(detail?.event).toMatchObject({
        id,
        accountId,
        command: 'rebalance',
        status: 'pending',
        payload: { i: Number(id.slice(5)) },
      });
    }
    expect((await after.counts()).pending).toBe(pending.length);
  });
});
