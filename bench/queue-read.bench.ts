/**
 * §16 reading one event (record + its own history) when the history stream holds 100 000 entries of
 * other events: the median of `EventQueue.get` for an event created before them and changed after them.
 * The same read of a record from before `rebalance_event_history:<id>` existed (its own stream removed,
 * so the history comes from a scan of `rebalance_history` from its creation on) is printed beside it.
 * Knob: BENCH_QUEUE_READ_OTHERS (100 000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventQueue } from '../src/core/queue/event-queue';
import { eventHistoryKey } from '../src/core/queue/keys';
import { startRedis } from '../src/core/redis/redis-server';
import type { BenchResult } from './types';

const OTHERS = Number(process.env.BENCH_QUEUE_READ_OTHERS ?? 100_000);
const READS = 200;

async function medianRead(q: EventQueue, id: string, reads: number): Promise<{ ms: number; entries: number }> {
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < reads; i++) {
    const t0 = performance.now();
    const detail = await q.get(id);
    times.push(performance.now() - t0);
    entries = detail?.history.length ?? 0;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? NaN, entries };
}

export default async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rd-bench-read-'));
  const redis = await startRedis({ dataDir });
  const conn = redis.connect('bench-read');
  try {
    const q = new EventQueue({
      redis: conn,
      keyPrefix: 'rd-read:',
      retryDelayMs: 60_000,
      leaseMs: 30_000,
      historyLimit: OTHERS * 2,
      retainDoneDays: 90,
    });
    const ids = ['target', 'legacy'];
    for (const id of ids) await q.enqueue({ id, accountId: `ACC-${id}`, command: 'rebalance', source: 'manual' });
    const window = 256;
    for (let i = 0; i < OTHERS; i += window) {
      const n = Math.min(window, OTHERS - i);
      await Promise.all(
        Array.from({ length: n }, (_, j) =>
          q.enqueue({ id: `other-${i + j}`, accountId: `O${i + j}`, command: 'print-equity', source: 'manual' }),
        ),
      );
    }
    for (const id of ids) {
      await q.hold(id, 'pending', 'bench');
      await q.release(id, 'held');
    }
    await conn.del(eventHistoryKey(q.keys, 'legacy'));
    await medianRead(q, 'target', 20);
    const own = await medianRead(q, 'target', READS);
    const legacy = await medianRead(q, 'legacy', 3);
    console.log(
      `queue read with ${OTHERS} other history entries: own history ${own.ms.toFixed(2)} ms (${own.entries} entries), ` +
        `a record from before the own history ${legacy.ms.toFixed(1)} ms (${legacy.entries} entries, global scan)`,
    );
    return [
      {
        key: 'queue.get_ms_100k',
        value: own.ms,
        unit: 'ms',
        label: `read one event + its history (${OTHERS} other entries, median)`,
        target: '≤ 5',
      },
    ];
  } finally {
    conn.disconnect();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
