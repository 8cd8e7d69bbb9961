import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS, type Command, type EventRecord, type EventStatus } from '../../shared/dto';
import { invalidError, marketClosedError, rejectedError } from '../domain/errors';
import { silentLogger } from '../log/logger';
import type { Notification } from '../notify/notifier';
import { EventQueue } from '../queue/event-queue';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { classifyFailure } from './classify';
import { LeaseLostError, Processor, type CommandHandler, type CommandHandlers } from './processor';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

function handlersWith(handler: CommandHandler): CommandHandlers {
  return Object.fromEntries(COMMANDS.map((c) => [c, handler])) as CommandHandlers;
}

async function setup(
  handler: CommandHandler,
  opts: {
    concurrency?: number;
    holdOn?: ('rejected' | 'transient')[];
    leaseMs?: number;
    retryDelayMs?: number;
    log?: Logger;
  } = {},
) {
  const conn = redis.handle.connect();
  const keyPrefix = uniquePrefix('proc');
  const queue = new EventQueue({
    redis: conn,
    keyPrefix,
    retryDelayMs: 60_000,
    leaseMs: opts.leaseMs ?? 5_000,
    historyLimit: 10_000,
    retainDoneDays: 1,
    runId: 'run-1',
  });
  await queue.start();
  const notifications: Notification[] = [];
  const processor = new Processor({
    queue,
    handlers: handlersWith(handler),
    concurrency: opts.concurrency ?? 4,
    leaseMs: opts.leaseMs ?? 5_000,
    holdOn: () => opts.holdOn ?? [],
    retryDelayMs: () => opts.retryDelayMs ?? 60_000,
    log: opts.log ?? silentLogger(),
    notifier: { notify: async (n) => void notifications.push(n) },
    classify: classifyFailure,
    isLive: () => true,
    runId: 'run-1',
    idleWakeMs: 100,
  });
  return {
    queue,
    processor,
    notifications,
    keyPrefix,
    conn,
    async teardown() {
      await processor.stop(1_000);
      await queue.stop();
      conn.disconnect();
    },
  };
}

/** Conditions are polled by vi.waitFor; the timeout bounds a hang on a loaded machine, it times nothing. */
const WAIT = { timeout: 10_000, interval: 25 };

/** Waits until event `id` is in `status` and answers it. */
function eventIn(queue: EventQueue, id: string, status: EventStatus): Promise<EventRecord> {
  return vi.waitFor(async () => {
    const event = (await queue.get(id))?.event;
    expect(event?.status, `status of ${id}`).toBe(status);
    return event!;
  }, WAIT);
}

describe('Processor', () => {
  it("tags the command's log lines, and its own start and finish at info, with the event", async () => {
    for (const level of ['info', 'warn'] as const) {
      const lines: Record<string, unknown>[] = [];
      const log = pino(
        { level },
        { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
      );
      const env = await setup(
        async (run) => {
          run.log.warn('from the command');
          return { ok: true };
        },
        { log },
      );
      try {
        const queued = await env.queue.enqueue({ accountId: 'DU9', command: 'print-equity', source: 'manual' });
        if (queued.status !== 'queued') throw new Error('not queued');
        env.processor.start();
        await vi.waitFor(async () => expect((await env.queue.counts()).done).toBe(1), WAIT);
        const tags = { eventId: queued.event.id, accountId: 'DU9', command: 'print-equity' };
        const byMsg = (msg: string) => lines.filter((l) => l.msg === msg);
        expect(byMsg('from the command'), level).toEqual([expect.objectContaining(tags)]);
        if (level === 'info') {
          expect(byMsg('print-equity started')).toEqual([expect.objectContaining({ ...tags, timesQueued: 1 })]);
          expect(byMsg('print-equity done')).toEqual([expect.objectContaining(tags)]);
        } else {
          expect(lines.map((l) => l.msg)).toEqual(['from the command']);
        }
      } finally {
        await env.teardown();
      }
    }
  });

  it('runs events of different accounts in parallel but never two of one account at once', async () => {
    const active = new Map<string, number>();
    let maxParallel = 0;
    let overlapSameAccount = false;
    let running = 0;
    const env = await setup(async ({ event }) => {
      running += 1;
      maxParallel = Math.max(maxParallel, running);
      const n = (active.get(event.accountId) ?? 0) + 1;
      active.set(event.accountId, n);
      if (n > 1) overlapSameAccount = true;
      await new Promise((r) => setTimeout(r, 30));
      active.set(event.accountId, n - 1);
      running -= 1;
      return { ok: true };
    });
    try {
      const accounts = ['DU1', 'DU2', 'DU3', 'DU4'];
      for (const accountId of accounts) {
        for (const command of ['print-equity', 'print-positions', 'print-orders'] as Command[]) {
          await env.queue.enqueue({ accountId, command, source: 'manual' });
        }
      }
      env.processor.start();
      await vi.waitFor(async () => expect((await env.queue.counts()).done).toBe(12), WAIT);
      expect(overlapSameAccount).toBe(false);
      expect(maxParallel).toBeGreaterThan(1);
      expect(maxParallel).toBeLessThanOrEqual(4);
    } finally {
      await env.teardown();
    }
  });

  it('stores the command result on the event when it succeeds', async () => {
    const env = await setup(async () => ({ command: 'print-equity', equity: { netLiquidation: 1000 } }));
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU9', command: 'print-equity', source: 'manual' });
      env.processor.start();
      const id = queued.status === 'queued' ? queued.event.id : '';
      const done = await eventIn(env.queue, id, 'done');
      expect(done.result).toEqual({ command: 'print-equity', equity: { netLiquidation: 1000 } });
    } finally {
      await env.teardown();
    }
  });

  it.each([
    ['a transient error', new Error('socket hang up'), 'transient', 'delayed'],
    ['an invalid allocation', invalidError('weights sum to 1.2'), 'invalid', 'delayed'],
    ['a rejection', rejectedError('insufficient buying power', { code: 201 }), 'rejected', 'delayed'],
  ] as const)('delays the event after %s with its error kind and notifies', async (_label, error, kind, status) => {
    const env = await setup(async () => {
      throw error;
    });
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU5', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      const event = await eventIn(env.queue, id, status);
      expect(event.lastError?.kind).toBe(kind);
      expect(event.timesQueued).toBe(2);
      expect(event.needsAttention ?? false).toBe(kind === 'rejected');
      expect(env.notifications.length).toBeGreaterThan(0);
    } finally {
      await env.teardown();
    }
  });

  it('holds a rejected event when queue.holdOn says so', async () => {
    const env = await setup(
      async () => {
        throw rejectedError('no trading permission', { code: 201 });
      },
      { holdOn: ['rejected'] },
    );
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU6', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      const event = await eventIn(env.queue, id, 'held');
      expect(event.lastError?.message).toContain('no trading permission');
      expect(env.notifications.some((n) => n.level === 'error')).toBe(true);
    } finally {
      await env.teardown();
    }
  });

  it('reads queue.holdOn and the retry delay at each failure, so a change in Settings applies at once', async () => {
    const opts: { holdOn: 'rejected'[]; retryDelayMs: number } = { holdOn: [], retryDelayMs: 300 };
    const env = await setup(async () => {
      throw rejectedError('insufficient buying power', { code: 201 });
    }, opts);
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU11', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      const delayed = await eventIn(env.queue, id, 'delayed');
      expect(Date.parse(delayed.nextAttemptAt!) - Date.parse(delayed.updatedAt)).toBeLessThan(1_000);
      opts.holdOn = ['rejected'];
      const held = await eventIn(env.queue, id, 'held');
      expect(held.timesQueued).toBeGreaterThanOrEqual(3);
    } finally {
      await env.teardown();
    }
  });

  it('delays a market-closed event to the next open', async () => {
    const reopen = new Date(Date.now() + 3_600_000);
    const env = await setup(async () => {
      throw marketClosedError('market closed for SPY', reopen);
    });
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU7', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      const event = await eventIn(env.queue, id, 'delayed');
      expect(event.lastError?.kind).toBe('market-closed');
      expect(Date.parse(event.nextAttemptAt ?? '')).toBe(reopen.getTime());
    } finally {
      await env.teardown();
    }
  });

  it('keeps renewing the lease of a command that runs longer than the lease', async () => {
    let finish!: () => void;
    const env = await setup(() => new Promise((resolve) => (finish = () => resolve({ ok: true }))), { leaseMs: 1_000 });
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU8', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      await eventIn(env.queue, id, 'active');
      await new Promise((r) => setTimeout(r, 2_500));
      await env.queue.recoverExpired();
      expect((await env.queue.get(id))?.event.status).toBe('active');
      finish();
      await eventIn(env.queue, id, 'done');
      expect((await env.queue.get(id))?.event.timesQueued).toBe(1);
    } finally {
      await env.teardown();
    }
  });

  it('stops an attempt whose lease was lost and starts the next claim of its account only once it has stopped', async () => {
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    const reasons: unknown[] = [];
    const env = await setup(async ({ signal }) => {
      calls += 1;
      active += 1;
      maxActive = Math.max(maxActive, active);
      try {
        if (calls === 1) {
          // Still trading when the lease goes: it learns from its signal, then needs a while to wind down.
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          reasons.push(signal.reason);
          await new Promise((r) => setTimeout(r, 300));
          throw signal.reason;
        }
        return { ok: true };
      } finally {
        active -= 1;
      }
    });
    const other = new EventQueue({
      redis: env.conn,
      keyPrefix: env.keyPrefix,
      retryDelayMs: 60_000,
      leaseMs: 5_000,
      historyLimit: 10_000,
      retainDoneDays: 1,
      runId: 'run-2',
    });
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU12', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      await vi.waitFor(async () => {
        expect(calls).toBe(1);
        expect((await env.queue.get(id))?.event.status).toBe('active');
      }, WAIT);
      // The lease is taken away as a starved process would lose it: the event goes back to the queue and this
      // processor claims it again while the first attempt still runs.
      expect(await other.recoverAll()).toBe(1);
      const done = await eventIn(env.queue, id, 'done');
      expect(calls).toBe(2);
      expect(maxActive).toBe(1);
      expect(reasons[0]).toBeInstanceOf(LeaseLostError);
      expect(done.timesQueued).toBe(2);
    } finally {
      await env.teardown();
    }
  });

  it('hands a still-running event back to the queue when stopped, without counting a failure', async () => {
    const env = await setup(
      ({ signal }) =>
        new Promise<Record<string, unknown>>((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU10', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      await eventIn(env.queue, id, 'active');
      await env.processor.stop(200);
      const event: EventRecord | undefined = (await env.queue.get(id))?.event;
      expect(event?.status).toBe('pending');
      expect(event?.lastError?.kind ?? null).not.toBe('transient');
    } finally {
      await env.teardown();
    }
  });

  it('hands back a command that never looked at its signal, and shows it the stop when it looks later', async () => {
    const seen: { aborted: boolean; reason: unknown }[] = [];
    let release: () => void = () => undefined;
    const looked = new Promise<void>((resolve) => (release = resolve));
    const env = await setup(async (run) => {
      // Busy with something it cannot be stopped from (no signal read) until well after the stop.
      await new Promise((r) => setTimeout(r, 600));
      seen.push({ aborted: run.signal.aborted, reason: run.signal.reason });
      release();
      return { ok: true };
    });
    try {
      const queued = await env.queue.enqueue({ accountId: 'DU11', command: 'rebalance', source: 'manual' });
      const id = queued.status === 'queued' ? queued.event.id : '';
      env.processor.start();
      await eventIn(env.queue, id, 'active');
      await env.processor.stop(100);
      // handed back at the end of the grace period, not when the command returned
      expect((await env.queue.get(id))?.event.status).toBe('pending');
      expect(seen).toEqual([]);
      await looked;
      expect(seen[0]?.aborted).toBe(true);
      expect((seen[0]?.reason as Error).message).toBe('processor stopping');
    } finally {
      await env.teardown();
    }
  });
});
