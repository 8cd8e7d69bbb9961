/**
 * §16 queue cycle: enqueue → claim → complete of 20 000 events (distinct accounts, so no claim is
 * blocked by the one-event-per-account rule) on an embedded Redis with the app's persistence
 * (AOF, appendfsync always), side by side with BullMQ doing the same cycle on the same Redis.
 * Ours is timed on production's path: the Processor (src/core/processor) with WORKERS workers and a
 * command that returns at once — claim, run, then completeAndClaim (the completion and the worker's
 * next claim in one script call, as BullMQ's Worker fetches the next job when it finishes one; the
 * calls made together go as one script call, see group-commit.ts). BullMQ runs a Worker with the same
 * concurrency. Both get the same producer window, both keep finished jobs / done events, both dedup
 * by id (BullMQ custom jobId). The output names the path timed.
 * Each run starts on an emptied, AOF-rewritten Redis; rounds alternate the order; best round counts.
 * Knobs: BENCH_QUEUE_EVENTS, BENCH_QUEUE_ROUNDS (3), BENCH_QUEUE_WORKERS (16), BENCH_QUEUE_WINDOW (64);
 * BENCH_QUEUE_PATH=processor-separate (claim and complete as two calls) or direct (bare queue loops, no
 * Processor) to compare; BENCH_QUEUE_STATS=1 prints, per run, wall and CPU time of the bench and of
 * Redis and the busiest Redis commands.
 * Each run is also split where the producer's last enqueue is answered: events done while it enqueued, and the rate
 * of the drain after it (printed per round; the best round's as queue.drain_events_per_s and BullMQ's).
 * After the timed rounds, one more run of each (COUNT_EVENTS events, untimed) is watched with MONITOR and with
 * INFO persistence: Redis calls per event (what the clients send: a script call, a command; the commands a script
 * runs inside Redis counted apart), commands run per event in all, and AOF bytes written per event (what each fsync
 * of `appendfsync always` carries). These counts do not depend on the machine's load the way rates do, except the
 * batching: calls made together share one script call, so a slower Redis sees fewer, larger calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { silentLogger } from '../src/core/log/logger';
import { classifyFailure } from '../src/core/processor/classify';
import { Processor, type CommandHandlers, type ProcessorQueue } from '../src/core/processor/processor';
import { EventQueue } from '../src/core/queue/event-queue';
import { startRedis, type RedisHandle } from '../src/core/redis/redis-server';
import { COMMANDS, type EventRecord } from '../src/shared/dto';
import type { BenchResult } from './types';

const EVENTS = Number(process.env.BENCH_QUEUE_EVENTS ?? 20_000);
const WARMUP = 2_000;
/** Enqueues in flight at once. */
const PRODUCER_WINDOW = Number(process.env.BENCH_QUEUE_WINDOW ?? 64);
/** Parallel workers (claim loops / BullMQ concurrency). */
const WORKERS = Number(process.env.BENCH_QUEUE_WORKERS ?? 16);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);
/** Events of the watched (MONITOR) run that counts Redis calls per event. */
const COUNT_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_QUEUE_COUNT_EVENTS ?? 2_000));

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

/** Which of our paths a run times: the Processor (production), or the bare queue calls (BENCH_QUEUE_PATH). */
type OurPath = 'processor' | 'processor-separate' | 'direct';
/** Event `i` of a run: the same for both queues, so they carry the same payload. */
function benchEvent(tag: string, i: number) {
  return {
    accountId: `U${tag}${i}`,
    command: 'rebalance' as const,
    source: 'zehnlabs' as const,
    eventId: `ev-${tag}-${i}`,
    strategy: 'etf-blend-200-35',
    payload: { exec: 'rebalance', eventId: `ev-${tag}-${i}` },
  };
}

const OUR_PATH = (process.env.BENCH_QUEUE_PATH ?? 'processor') as OurPath;
if (!['processor', 'processor-separate', 'direct'].includes(OUR_PATH)) {
  throw new Error(`BENCH_QUEUE_PATH must be processor, processor-separate or direct, not ${JSON.stringify(OUR_PATH)}`);
}
const PATH_LABEL: Record<OurPath, string> = {
  processor: 'the Processor worker loop (claim, run, completeAndClaim)',
  'processor-separate': 'the Processor worker loop with claim and complete as separate calls',
  direct: 'bare claim / completeAndClaim loops (no Processor)',
};

const noopHandler = async (): Promise<Record<string, unknown>> => ({ ok: true });

/**
 * One timed run: events/s over the whole run, and split where the producer's last enqueue is answered — while it
 * enqueues, the queue's work shares Redis with the enqueues; after it, only claims and completions are left (the
 * drain), where a queue's round trips count the most.
 */
interface RunRate {
  perS: number;
  /** Events done while the producer was still enqueueing. */
  doneWhileProducing: number;
  /** Events/s after the producer finished. */
  drainPerS: number;
}

/** The RunRate of a run of `count` events that began at `started`, whose producer finished at `produced`. */
function runRate(count: number, started: number, produced: number, doneThen: number, ended: number): RunRate {
  return {
    perS: (count / (ended - started)) * 1000,
    doneWhileProducing: doneThen,
    drainPerS: ended > produced ? ((count - doneThen) / (ended - produced)) * 1000 : 0,
  };
}

/** Events per second of our queue: a producer, and WORKERS workers on a separate connection. */
async function runOurs(redis: RedisHandle, count: number, tag: string): Promise<RunRate> {
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
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const offDone = consumer.onChange((c) => {
    if (c.action === 'completed' && ++done === count) finish();
  });
  let processor: Processor | null = null;
  let direct: Promise<unknown> | null = null;
  const started = performance.now();
  if (OUR_PATH === 'direct') direct = directWorkers(consumer, count);
  else {
    const queue: ProcessorQueue =
      OUR_PATH === 'processor'
        ? consumer
        : {
            claim: (owner) => consumer.claim(owner),
            renew: (id, owner) => consumer.renew(id, owner),
            complete: (id, owner, result) => consumer.complete(id, owner, result),
            // what the Processor did before: complete, then a claim of its own
            completeAndClaim: async (id, owner, result) => {
              await consumer.complete(id, owner, result);
              return null;
            },
            fail: (id, owner, error, opts) => consumer.fail(id, owner, error, opts),
            handBack: (id, owner, note) => consumer.handBack(id, owner, note),
            awaitApproval: (id, owner, request) => consumer.awaitApproval(id, owner, request),
            onChange: (listener) => consumer.onChange(listener),
          };
    processor = new Processor({
      queue,
      handlers: Object.fromEntries(COMMANDS.map((c) => [c, noopHandler])) as unknown as CommandHandlers,
      concurrency: WORKERS,
      leaseMs: common.leaseMs,
      holdOn: () => [],
      retryDelayMs: () => common.retryDelayMs,
      log: silentLogger(),
      notifier: { notify: async () => undefined },
      classify: classifyFailure,
      isLive: () => false,
      runId: common.runId,
    });
    processor.start();
  }
  await produce(count, (i) => producer.enqueue(benchEvent(tag, i)));
  const produced = performance.now();
  const doneThen = done;
  await finished;
  const rate = runRate(count, started, produced, doneThen, performance.now());
  await direct;
  await processor?.stop();
  offDone();
  const counts = await consumer.counts();
  if (counts.done !== count) throw new Error(`our queue finished ${counts.done} of ${count}`);
  await consumer.stop();
  producerConn.disconnect();
  workerConn.disconnect();
  return rate;
}

/** BENCH_QUEUE_PATH=direct: WORKERS bare loops of claim, then completeAndClaim while it answers an event. */
async function directWorkers(consumer: EventQueue, count: number): Promise<void> {
  let done = 0;
  const waiters: (() => void)[] = [];
  const off = consumer.onChange((c) => {
    if (c.action === 'enqueued') waiters.shift()?.();
  });
  const worker = async (name: string) => {
    while (done < count) {
      let e = await consumer.claim(name);
      if (!e) {
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
  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(`w${i}`)));
  off();
}

/** Events per second of BullMQ 6: Queue.add and a Worker with WORKERS concurrency. */
async function runBullmq(redis: RedisHandle, count: number, tag: string): Promise<RunRate> {
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
  await produce(count, (i) => queue.add('rebalance', benchEvent(tag, i), { jobId: `ev-${tag}-${i}-U${tag}${i}` }));
  const produced = performance.now();
  const doneThen = done;
  await finished;
  const rate = runRate(count, started, produced, doneThen, performance.now());
  await worker.close();
  await queue.close();
  return rate;
}

/** BENCH_QUEUE_STATS=1: after each run, print Redis's CPU time and its busiest commands (INFO cpu, commandstats). */
const STATS = process.env.BENCH_QUEUE_STATS === '1';
type RedisStats = { cpu: number; commands: Map<string, { calls: number; usec: number }> };

async function redisStats(redis: RedisHandle): Promise<RedisStats> {
  const c = redis.connect('bench-stats');
  try {
    const cpu = await c.info('cpu');
    const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
    const commands = new Map<string, { calls: number; usec: number }>();
    for (const m of (await c.info('commandstats')).matchAll(/cmdstat_([\w|-]+):calls=(\d+),usec=(\d+)/g)) {
      commands.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
    }
    return { cpu: seconds('used_cpu_user') + seconds('used_cpu_sys'), commands };
  } finally {
    c.disconnect();
  }
}

function printStats(before: RedisStats, after: RedisStats, node: NodeJS.CpuUsage, wallMs: number): void {
  const rows = [...after.commands].map(([name, a]) => {
    const b = before.commands.get(name) ?? { calls: 0, usec: 0 };
    return { name, calls: a.calls - b.calls, usec: a.usec - b.usec };
  });
  const top = rows
    .filter((r) => r.calls > 0)
    .sort((x, y) => y.usec - x.usec)
    .slice(0, 8);
  console.log(
    `  wall ${(wallMs / 1000).toFixed(2)} s, node cpu ${((node.user + node.system) / 1e6).toFixed(2)} s, ` +
      `redis cpu ${(after.cpu - before.cpu).toFixed(2)} s; ` +
      top
        .map((r) => `${r.name} ${r.calls}×${(r.usec / r.calls).toFixed(1)}µs=${(r.usec / 1e6).toFixed(2)}s`)
        .join(', '),
  );
}

/** What one run sent to Redis, per event (the watched run after the timed rounds). */
interface CallCounts {
  /** Commands sent by the clients (a script call counts once). */
  calls: number;
  /** Commands run in all, the ones scripts run included. */
  commands: number;
  /** AOF bytes written. */
  aofBytes: number;
}

async function aofSize(redis: RedisHandle): Promise<number> {
  const c = redis.connect('bench-aof');
  try {
    return Number(/aof_current_size:(\d+)/.exec(await c.info('persistence'))?.[1] ?? 0);
  } finally {
    c.disconnect();
  }
}

/**
 * MONITOR on a plain socket: ioredis's `monitor()` sends its ready check on the monitoring connection, and a MONITOR
 * line arriving before that reply now and then fails the run with "Command queue state error" (ioredis#1981,
 * bullmq#2505). Each line is `+<time> [<db> <client>|lua] "<command>" …`; `onLine` gets whether a script ran it.
 * Answers once Redis has said OK to MONITOR, and the function that closes it.
 */
async function rawMonitor(url: string, onLine: (fromLua: boolean) => void): Promise<() => void> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.setEncoding('utf8');
  let rest = '';
  let ready: () => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  socket.on('error', (e) => failed(e));
  socket.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\r\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '+OK') ready();
      else if (line.startsWith('-')) failed(new Error(`MONITOR refused: ${line}`));
      else if (line.startsWith('+')) onLine(/^\+\S+ \[\d+ lua\]/.test(line));
    }
  });
  socket.write('MONITOR\r\n');
  await started;
  return () => socket.destroy();
}

/** Runs `run` (of `count` events) watched by MONITOR: answers calls, commands and AOF bytes per event. */
async function countCalls(redis: RedisHandle, count: number, run: () => Promise<unknown>): Promise<CallCounts> {
  await resetRedis(redis);
  let calls = 0;
  let commands = 0;
  const close = await rawMonitor(redis.url, (fromLua) => {
    commands++;
    if (!fromLua) calls++;
  });
  const aof0 = await aofSize(redis);
  await run();
  const aofBytes = (await aofSize(redis)) - aof0;
  // MONITOR lines of the last replies may still be on their way: a PING through Redis comes after them
  const sync = redis.connect('bench-monitor-sync');
  await sync.ping();
  sync.disconnect();
  await new Promise((r) => setTimeout(r, 100));
  close();
  return { calls: calls / count, commands: commands / count, aofBytes: aofBytes / count };
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
    const ours: RunRate[] = [];
    const bull: RunRate[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runs = [
        async () => ours.push(await runOurs(redis, EVENTS, `r${round}`)),
        async () => bull.push(await runBullmq(redis, EVENTS, `r${round}`)),
      ];
      if (round % 2 === 1) runs.reverse();
      for (const runOne of runs) {
        await resetRedis(redis);
        const before = STATS ? await redisStats(redis) : null;
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        await runOne();
        if (before) printStats(before, await redisStats(redis), process.cpuUsage(cpu), performance.now() - t0);
      }
    }
    // the watched runs: Redis calls, commands and AOF bytes per event, ours and BullMQ's
    const oursCount = await countCalls(redis, COUNT_EVENTS, () => runOurs(redis, COUNT_EVENTS, 'count'));
    const bullCount = await countCalls(redis, COUNT_EVENTS, () => runBullmq(redis, COUNT_EVENTS, 'count'));
    const best = (runs: RunRate[]) => runs.reduce((a, b) => (b.perS > a.perS ? b : a));
    const oursBest = best(ours).perS;
    const bullBest = best(bull).perS;
    const shown = (runs: RunRate[]) =>
      runs
        .map(
          (r) =>
            `${r.perS.toFixed(0)} (${r.doneWhileProducing} done while enqueueing, then ${r.drainPerS.toFixed(0)}/s)`,
        )
        .join(' / ');
    console.log(`queue cycle: ours timed through ${PATH_LABEL[OUR_PATH]}`);
    console.log(
      `queue cycle, ${EVENTS} events, ${WORKERS} workers, producer window ${PRODUCER_WINDOW}, events/s per round:\n` +
        `  ours   ${shown(ours)}\n  BullMQ ${shown(bull)}`,
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
      {
        key: 'queue.drain_events_per_s',
        value: Math.round(best(ours).drainPerS),
        unit: 'events/s',
        label: 'the same run after the producer finished (claims and completions only)',
      },
      {
        key: 'queue.bullmq_drain_events_per_s',
        value: Math.round(best(bull).drainPerS),
        unit: 'events/s',
        label: 'BullMQ likewise',
      },
      {
        key: 'queue.redis_calls_per_event',
        value: oursCount.calls,
        unit: 'calls',
        label: `Redis calls per event, ours (MONITOR, ${COUNT_EVENTS} events)`,
      },
      {
        key: 'queue.bullmq_redis_calls_per_event',
        value: bullCount.calls,
        unit: 'calls',
        label: 'Redis calls per event, BullMQ',
      },
      {
        key: 'queue.redis_commands_per_event',
        value: oursCount.commands,
        unit: 'commands',
        label: 'Redis commands per event in all (scripts included), ours',
      },
      {
        key: 'queue.bullmq_redis_commands_per_event',
        value: bullCount.commands,
        unit: 'commands',
        label: 'Redis commands per event in all, BullMQ',
      },
      {
        key: 'queue.aof_bytes_per_event',
        value: Math.round(oursCount.aofBytes),
        unit: 'bytes',
        label: 'AOF bytes per event, ours',
      },
      {
        key: 'queue.bullmq_aof_bytes_per_event',
        value: Math.round(bullCount.aofBytes),
        unit: 'bytes',
        label: 'AOF bytes per event, BullMQ',
      },
    ];
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
