/**
 * Group commit: the calls of one batched script (enqueue, complete) made together — before the calling code next
 * waits (a signal fanned out to many accounts, workers woken by the same reply) — go to Redis as one script call,
 * sent at the end of the current microtask queue, so no call waits for a timer. They run in the order they were
 * made, each with its own reply ({REDIS_REFUSED, message} when Redis refused one of its commands). With appendfsync
 * always they were written with one fsync anyway; this saves Redis the per-call work. With `redis.minReplicas` a
 * batch is acknowledged only once enough replicas confirm it.
 */
import { waitForReplicas, type RedisClient } from '../redis/topology';
import { QueueReplicationError } from './errors';
import type { RunScript } from './lua-scripts';
import type { Reply } from './script-codes';

/** The scripts that take many events per call, each event with its own reply. */
export type BatchedScript = 'enqueue' | 'complete';

interface PendingItem {
  args: (string | number)[];
  resolve: (reply: Reply) => void;
  reject: (err: unknown) => void;
}

/** Most events, and about the most bytes of records / results, sent in one batched script call. */
const BATCH_ITEMS = 128;
const BATCH_BYTES = 1 << 20;
/** How long an acknowledgement waits for `redis.minReplicas` replicas (`WAIT n 1000`, §22). */
const REPLICA_WAIT_MS = 1_000;

export interface GroupCommitOptions {
  run: RunScript;
  redis: RedisClient;
  now: () => number;
  /** `redis.minReplicas` (§22); 0: no wait. */
  minReplicas: number;
}

export class GroupCommit {
  private readonly batches = new Map<BatchedScript, { items: PendingItem[]; bytes: number }>();

  constructor(private readonly opts: GroupCommitOptions) {}

  /** Queues one event's arguments for the next call of `script`; answers that event's reply. */
  add(script: BatchedScript, args: (string | number)[], bytes: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(script);
      if (!batch) {
        batch = { items: [], bytes: 0 };
        this.batches.set(script, batch);
        queueMicrotask(() => this.flush(script));
      }
      batch.items.push({ args, resolve, reject });
      batch.bytes += bytes;
      if (batch.items.length >= BATCH_ITEMS || batch.bytes >= BATCH_BYTES) this.flush(script);
    });
  }

  private flush(script: BatchedScript): void {
    const batch = this.batches.get(script);
    if (!batch) return;
    this.batches.delete(script);
    const { items } = batch;
    this.opts
      .run(
        script,
        this.opts.now(),
        '',
        items.flatMap((item) => item.args),
      )
      .then(async (value) => {
        await this.confirmReplicated(script, items.length);
        return value;
      })
      .then(
        (value) => {
          const replies = Array.isArray(value) ? value : [];
          items.forEach((item, i) => {
            const reply: unknown = replies[i];
            if (Array.isArray(reply)) item.resolve(reply as Reply);
            else item.reject(new Error(`the ${script} script answered no reply for this event`));
          });
        },
        (err: unknown) => {
          for (const item of items) item.reject(err);
        },
      );
  }

  /** `redis.minReplicas`: the writes of this connection so far are on enough replicas, or a transient error. */
  private async confirmReplicated(script: BatchedScript, count: number): Promise<void> {
    const { minReplicas, redis } = this.opts;
    if (minReplicas === 0) return;
    const acks = await waitForReplicas(redis, minReplicas, REPLICA_WAIT_MS);
    if (acks >= minReplicas) return;
    throw new QueueReplicationError(
      `Redis confirmed the ${script} of ${count} event(s) on ${acks} of ${minReplicas} required replica(s) ` +
        `within ${REPLICA_WAIT_MS} ms (redis.minReplicas); not acknowledged, try again`,
    );
  }
}
