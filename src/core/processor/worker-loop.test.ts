/**
 * The worker loop's one-round-trip path (issue #17 item 1): a completion claims the worker's next event in the same
 * script call (EventQueue.completeAndClaim), and the rules the plain claim keeps still hold on that path.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS, type Command, type EventRecord } from '../../shared/dto';
import { silentLogger } from '../log/logger';
import type { Notification } from '../notify/notifier';
import { EventQueue } from '../queue/event-queue';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { classifyFailure } from './classify';
import { Processor, type CommandHandler, type CommandHandlers, type ProcessorQueue } from './processor';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

const WAIT = { timeout: 10_000, interval: 20 };

interface Setup {
  concurrency?: number;
  live?: boolean;
  notify?: (n: Notification) => Promise<void>;
}

/** A processor over a real queue; `fastClaims` lists what each completeAndClaim answered, in order. */
async function setup(handler: CommandHandler, opts: Setup = {}) {
  const conn = redis.handle.connect();
  const queue = new EventQueue({
    redis: conn,
    keyPrefix: uniquePrefix('loop'),
    retryDelayMs: 60_000,
    leaseMs: 5_000,
    historyLimit: 10_000,
    retainDoneDays: 1,
    runId: 'run-1',
  });
  await queue.start();
  const fastClaims: (string | null)[] = [];
  const plainCompletions: string[] = [];
  let beforeFastClaim: () => void = () => undefined;
  const spied: ProcessorQueue = {
    claim: (owner) => queue.claim(owner),
    renew: (id, owner) => queue.renew(id, owner),
    complete: async (id, owner, result) => {
      plainCompletions.push(id);
      await queue.complete(id, owner, result);
    },
    completeAndClaim: async (id, owner, result) => {
      beforeFastClaim();
      const next = await queue.completeAndClaim(id, owner, result);
      fastClaims.push(next?.id ?? null);
      return next;
    },
    fail: (id, owner, error, o) => queue.fail(id, owner, error, o),
    handBack: (id, owner, note) => queue.handBack(id, owner, note),
    awaitApproval: (id, owner, request) => queue.awaitApproval(id, owner, request),
    onChange: (listener) => queue.onChange(listener),
  };
  const processor = new Processor({
    queue: spied,
    handlers: Object.fromEntries(COMMANDS.map((c) => [c, handler])) as CommandHandlers,
    concurrency: opts.concurrency ?? 1,
    leaseMs: 5_000,
    holdOn: () => [],
    retryDelayMs: () => 60_000,
    log: silentLogger(),
    notifier: { notify: opts.notify ?? (async () => undefined) },
    classify: classifyFailure,
    isLive: () => opts.live ?? false,
    runId: 'run-1',
    idleWakeMs: 100,
  });
  return {
    queue,
    processor,
    fastClaims,
    plainCompletions,
    /** Runs `fn` inside the next completeAndClaim, before it reaches Redis. */
    onNextFastClaim(fn: () => void) {
      beforeFastClaim = () => {
        beforeFastClaim = () => undefined;
        fn();
      };
    },
    async teardown() {
      await processor.stop(1_000);
      await queue.stop();
      conn.disconnect();
    },
  };
}

async function enqueue(queue: EventQueue, accountId: string, command: Command = 'print-positions'): Promise<string> {
  const r = await queue.enqueue({ accountId, command, source: 'manual' });
  if (r.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(r)}`);
  return r.event.id;
}

async function statusOf(queue: EventQueue, id: string): Promise<EventRecord['status'] | undefined> {
  return (await queue.get(id))?.event.status;
}

/** A handler that waits until `open()` for each event it runs. */
function gated() {
  const waiting: (() => void)[] = [];
  const started: string[] = [];
  const handler: CommandHandler = ({ event }) =>
    new Promise((resolve) => {
      started.push(event.id);
      waiting.push(() => resolve({ ok: true }));
    });
  return {
    handler,
    started,
    open: () => {
      for (const release of waiting.splice(0)) release();
    },
  };
}

describe('Processor worker loop', () => {
  it('claims the next event with the completion of the one before, and runs each event once', async () => {
    const runs: string[] = [];
    const env = await setup(async ({ event }) => {
      runs.push(event.id);
      return { ok: true };
    });
    try {
      const ids = [await enqueue(env.queue, 'DU1'), await enqueue(env.queue, 'DU2'), await enqueue(env.queue, 'DU3')];
      env.processor.start();
      await vi.waitFor(async () => {
        for (const id of ids) expect(await statusOf(env.queue, id)).toBe('done');
      }, WAIT);
      expect(runs).toEqual(ids);
      // the first completion brought the second event, the second the third
      expect(env.fastClaims.slice(0, 2)).toEqual([ids[1], ids[2]]);
      // one script call: the next event was claimed at the very moment the one before completed
      const completedAt = (await env.queue.get(ids[0]!))?.history.find((h) => h.action === 'completed')?.at;
      const claimedAt = (await env.queue.get(ids[1]!))?.history.find((h) => h.action === 'claimed')?.at;
      expect(claimedAt).toBeDefined();
      expect(claimedAt).toBe(completedAt);
    } finally {
      await env.teardown();
    }
  });

  it('never runs two events of one account at once when completions claim the next events', async () => {
    let overlap = false;
    const active = new Set<string>();
    const env = await setup(
      async ({ event }) => {
        if (active.has(event.accountId)) overlap = true;
        active.add(event.accountId);
        await new Promise((r) => setImmediate(r));
        active.delete(event.accountId);
        return { ok: true };
      },
      { concurrency: 4 },
    );
    try {
      const ids: string[] = [];
      for (const command of ['print-positions', 'print-equity', 'print-orders'] as const) {
        for (const account of ['DU1', 'DU2', 'DU3']) ids.push(await enqueue(env.queue, account, command));
      }
      env.processor.start();
      await vi.waitFor(async () => expect((await env.queue.counts()).done).toBe(ids.length), WAIT);
      expect(overlap).toBe(false);
      // The count goes up once the completion's call has returned, which may be just after Redis shows it done.
      await vi.waitFor(() => expect(env.processor.status.processed).toBe(ids.length), WAIT);
    } finally {
      await env.teardown();
    }
  });

  it('claims nothing with a completion while the queue is paused, and goes on after resume', async () => {
    const gate = gated();
    const env = await setup(gate.handler);
    try {
      const first = await enqueue(env.queue, 'DU1');
      const second = await enqueue(env.queue, 'DU2');
      env.processor.start();
      await vi.waitFor(() => expect(gate.started).toEqual([first]), WAIT);
      await env.queue.pause();
      gate.open();
      await vi.waitFor(async () => expect(await statusOf(env.queue, first)).toBe('done'), WAIT);
      expect(env.fastClaims).toEqual([null]);
      expect(await statusOf(env.queue, second)).toBe('pending');
      await env.queue.resume();
      await vi.waitFor(() => expect(gate.started).toEqual([first, second]), WAIT);
      gate.open();
      await vi.waitFor(async () => expect(await statusOf(env.queue, second)).toBe('done'), WAIT);
    } finally {
      await env.teardown();
    }
  });

  it('hands an event claimed with a completion just as the processor stops back to the head, unstarted', async () => {
    const gate = gated();
    const env = await setup(gate.handler);
    try {
      const first = await enqueue(env.queue, 'DU1');
      const second = await enqueue(env.queue, 'DU2');
      const third = await enqueue(env.queue, 'DU3');
      env.processor.start();
      await vi.waitFor(() => expect(gate.started).toEqual([first]), WAIT);
      let stopped: Promise<void> = Promise.resolve();
      env.onNextFastClaim(() => {
        stopped = env.processor.stop(5_000);
      });
      gate.open();
      await vi.waitFor(() => expect(env.fastClaims).toEqual([second]), WAIT);
      await stopped;
      expect(gate.started).toEqual([first]);
      const detail = await env.queue.get(second);
      expect(detail?.event.status).toBe('pending');
      expect(detail?.event.timesQueued).toBe(1);
      expect(detail?.event.lastError).toBeNull();
      expect(detail?.history.at(-1)?.note).toBe('processor stopped before it started');
      // back at the head: it is the next one a worker takes, before the third
      expect((await env.queue.list({ state: 'pending' })).events.map((e) => e.id)).toEqual([second, third]);
    } finally {
      await env.teardown();
    }
  });

  it('claims the next event only after the notification of a live rebalance has been sent', async () => {
    let sent: () => void = () => undefined;
    const notified: string[] = [];
    const env = await setup(async () => ({ ok: true }), {
      live: true,
      notify: (n) =>
        new Promise<void>((resolve) => {
          notified.push(n.eventId ?? '');
          sent = resolve;
        }),
    });
    try {
      const first = await enqueue(env.queue, 'DU1', 'rebalance');
      const second = await enqueue(env.queue, 'DU2', 'rebalance');
      env.processor.start();
      await vi.waitFor(() => expect(notified).toEqual([first]), WAIT);
      // while the notifier is still sending, the next event waits in the queue, its lease not yet running
      expect(await statusOf(env.queue, first)).toBe('done');
      expect(await statusOf(env.queue, second)).toBe('pending');
      sent();
      await vi.waitFor(() => expect(notified).toEqual([first, second]), WAIT);
      sent();
      await vi.waitFor(async () => expect(await statusOf(env.queue, second)).toBe('done'), WAIT);
      expect(env.plainCompletions).toEqual([first, second]);
      expect(env.fastClaims).toEqual([]);
    } finally {
      await env.teardown();
    }
  });
});
