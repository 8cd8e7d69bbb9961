/**
 * §16 queue cycle: enqueue → claim → complete of 20 000 events (distinct accounts, so no claim is
 * blocked by the one-event-per-account rule) on an embedded Redis with the app's persistence
 * (AOF, appendfsync always), side by side with BullMQ doing the same cycle on the same Redis.
 * Both get the same producer window and the same number of parallel workers, both keep finished
 * jobs / done events, both dedup by id (BullMQ custom jobId); our workers use completeAndClaim
 * (one script call per event, as BullMQ's worker fetches the next job when it finishes one).
 * Each run starts on an emptied, AOF-rewritten Redis; rounds alternate the order; best round counts.
 * Knobs: BENCH_QUEUE_EVENTS, BENCH_QUEUE_ROUNDS (3), BENCH_QUEUE_WORKERS (16), BENCH_QUEUE_WINDOW (64).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { EventQueue } from '../src/core/queue/event-queue';
import { startRedis, type RedisHandle } from '../src/core/redis/redis-server';
import type { EventRecord } from '../src/shared/dto';
import type { BenchResult } from './types';

const EVENTS = Number(process.env.BENCH_QUEUE_EVENTS ?? 20_000);
const WARMUP = 2_000;
/** Enqueues in flight at once. */
const PRODUCER_WINDOW = Number(process.env.BENCH_QUEUE_WINDOW ?? 64);
/** Parallel workers (claim loops / BullMQ concurrency). */
const WORKERS = Number(process.env.BENCH_QUEUE_WORKERS ?? 16);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);

async function produce(count: number, add: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await add(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PRODUCER_WINDOW, count) }, lane));
}

/** Events per second of our queue: a producer and WORKERS claim loops on separate connections. */
async function runOurs(redis: RedisHandle, count: number, tag: string): Promise<number> {
  const producerConn = redis.connect(`bench-producer-${tag}`);
  const workerConn = redis.connect(`bench-worker-${tag}`);
  const common = {
    keyPrefix: `rd-${tag}:`,
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 100_000,
    retainDoneDays: 90,
    runId: `bench-${tag}`,
  };
  const producer = new EventQueue({ ...common, redis: producerConn });
  const consumer = new EventQueue({ ...common, redis: workerConn });
  await consumer.start();
  let done = 0;
  let producing = true;
  const waiters: (() => void)[] = [];
  const off = consumer.onChange((c) => {
    if (c.action === 'enqueued') waiters.shift()?.();
  });
  const worker = async (name: string) => {
    while (done < count) {
      let e = await consumer.claim(name);
      if (!e) {
        if (!producing && done >= count) return;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 5);
        });
        continue;
      }
      while (e) {
        const next: EventRecord | null = await consumer.completeAndClaim(e.id, name, { ok: true });
        done++;
        e = next;
      }
    }
  };
  const started = performance.now();
  const workers = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(`w${i}`)));
  await produce(count, (i) =>
    producer.enqueue({
      accountId: `U${tag}${i}`,
      command: 'rebalance',
      source: 'zehnlabs',
      eventId: `ev-${tag}-${i}`,
      strategy: 'etf-blend-200-35',
      payload: { exec: 'rebalance', eventId: `ev-${tag}-${i}` },
    }),
  );
  producing = false;
  await workers;
  const elapsed = performance.now() - started;
  off();
  const counts = await consumer.counts();
  if (counts.done !== count) throw new Error(`our queue finished ${counts.done} of ${count}`);
  await consumer.stop();
  producerConn.disconnect();
  workerConn.disconnect();
  return (count / elapsed) * 1000;
}

/** Events per second of BullMQ 6: Queue.add and a Worker with WORKERS concurrency. */
async function runBullmq(redis: RedisHandle, count: number, tag: string): Promise<number> {
  const url = new URL(redis.url);
  const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  const prefix = `bq-${tag}`;
  const queue = new Queue('rebalance', { connection, prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker('rebalance', async () => ({ ok: true }), {
    connection,
    prefix,
    concurrency: WORKERS,
    autorun: false,
  });
  worker.on('completed', () => {
    done++;
    if (done === count) finish();
  });
  worker.on('failed', (_job, err) => console.error('bullmq job failed', err));
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  const started = performance.now();
  void worker.run();
  await produce(count, (i) =>
    queue.add(
      'rebalance',
      {
        accountId: `U${tag}${i}`,
        command: 'rebalance',
        source: 'zehnlabs',
        eventId: `ev-${tag}-${i}`,
        strategy: 'etf-blend-200-35',
        payload: { exec: 'rebalance', eventId: `ev-${tag}-${i}` },
      },
      { jobId: `ev-${tag}-${i}-U${tag}${i}` },
    ),
  );
  await finished;
  const elapsed = performance.now() - started;
  await worker.close();
  await queue.close();
  return (count / elapsed) * 1000;
}

/** FLUSHALL, then rewrite the AOF and wait for it, so every run starts from the same state. */
async function resetRedis(redis: RedisHandle): Promise<void> {
  const c = redis.connect('bench-reset');
  try {
    await c.flushall();
    const busy = async () => /aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await c.info('persistence'));
    while (await busy()) await new Promise((r) => setTimeout(r, 50));
    await c.bgrewriteaof();
    await new Promise((r) => setTimeout(r, 50));
    while (await busy()) await new Promise((r) => setTimeout(r, 50));
  } finally {
    c.disconnect();
  }
}

export default async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rd-bench-queue-'));
  const redis = await startRedis({ dataDir });
  try {
    // warm up both (JIT, script cache, connections)
    await runOurs(redis, WARMUP, 'warm');
    await runBullmq(redis, WARMUP, 'warm');
    // alternating rounds (order swapped each round), each run on an emptied, compacted Redis; the
    // best round of each counts, as the machine may be shared
    const ours: number[] = [];
    const bull: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runs = [
        async () => ours.push(await runOurs(redis, EVENTS, `r${round}`)),
        async () => bull.push(await runBullmq(redis, EVENTS, `r${round}`)),
      ];
      if (round % 2 === 1) runs.reverse();
      for (const runOne of runs) {
        await resetRedis(redis);
        await runOne();
      }
    }
    const oursBest = Math.max(...ours);
    const bullBest = Math.max(...bull);
    console.log(
      `queue cycle, ${EVENTS} events, ${WORKERS} workers, producer window ${PRODUCER_WINDOW}: ` +
        `ours ${ours.map((v) => v.toFixed(0)).join(' / ')} events/s, BullMQ ${bull.map((v) => v.toFixed(0)).join(' / ')} events/s`,
    );
    return [
      {
        key: 'queue.events_per_s',
        value: Math.round(oursBest),
        unit: 'events/s',
        label: `queue cycle (${EVENTS} events, embedded Redis)`,
      },
      {
        key: 'queue.bullmq_events_per_s',
        value: Math.round(bullBest),
        unit: 'events/s',
        label: 'BullMQ 6 doing the same cycle',
      },
      {
        key: 'queue.ratio_vs_bullmq',
        value: oursBest / bullBest,
        unit: '×',
        label: 'queue cycle vs BullMQ',
        target: '≥ 1.0',
      },
    ];
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
