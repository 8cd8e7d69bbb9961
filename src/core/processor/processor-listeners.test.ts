/**
 * The processor's listeners stay flat however much work goes through it (§16 soak: no MaxListenersExceededWarning,
 * `soak.max_listeners` flat). It once added one `abort` listener per running attempt to one shared AbortSignal (the
 * 11th concurrent attempt warned in `npm run bench`) and left each attempt's own wait listener in place after the
 * wait ended.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../shared/dto';
import { silentLogger } from '../log/logger';
import { EventQueue } from '../queue/event-queue';
import { startTestRedis, uniquePrefix, type TestRedis } from '../redis/test-redis.test-support';
import { classifyFailure } from './classify';
import { Processor, type CommandHandlers } from './processor';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Live `abort` listeners per AbortSignal, and the most any one signal ever had. */
function countAbortListeners() {
  const live = new Map<AbortSignal, number>();
  let most = 0;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  vi.spyOn(EventTarget.prototype, 'addEventListener').mockImplementation(function (this: EventTarget, type, ...rest) {
    if (type === 'abort' && this instanceof AbortSignal && !this.aborted) {
      const n = (live.get(this) ?? 0) + 1;
      live.set(this, n);
      most = Math.max(most, n);
    }
    return add.call(this, type, ...rest);
  });
  vi.spyOn(EventTarget.prototype, 'removeEventListener').mockImplementation(function (
    this: EventTarget,
    type,
    ...rest
  ) {
    if (type === 'abort' && this instanceof AbortSignal && live.has(this)) {
      const n = live.get(this)! - 1;
      if (n > 0) live.set(this, n);
      else live.delete(this);
    }
    return remove.call(this, type, ...rest);
  });
  return {
    most: () => most,
    /** Listeners still registered on signals that never fired. */
    remaining: () => [...live].filter(([signal]) => !signal.aborted).reduce((sum, [, n]) => sum + n, 0),
  };
}

describe('Processor listeners', () => {
  it('keeps abort listeners and idle wakers flat over many waits at full concurrency', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const listeners = countAbortListeners();
    const conn = redis.handle.connect();
    const queue = new EventQueue({
      redis: conn,
      keyPrefix: uniquePrefix('listeners'),
      retryDelayMs: 60_000,
      leaseMs: 5_000,
      historyLimit: 10_000,
      retainDoneDays: 1,
      runId: 'run-1',
    });
    await queue.start();
    const concurrency = 16;
    // The first attempts wait until every worker runs one (the warning came at 11 at once), then all flow.
    let running = 0;
    let mostRunning = 0;
    let release = (): void => undefined;
    const allBusy = new Promise<void>((resolve) => (release = resolve));
    const handler = async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      if (running === concurrency) release();
      await allBusy;
      await new Promise((r) => setTimeout(r, 1));
      running -= 1;
      return { ok: true };
    };
    const processor = new Processor({
      queue,
      handlers: Object.fromEntries(COMMANDS.map((c) => [c, handler])) as unknown as CommandHandlers,
      concurrency,
      leaseMs: 5_000,
      holdOn: () => [],
      retryDelayMs: () => 60_000,
      log: silentLogger(),
      notifier: { notify: async () => undefined },
      classify: classifyFailure,
      runId: 'run-1',
      idleWakeMs: 10,
    });
    try {
      // One per account (a second of the same command would be refused as a duplicate while the first waits).
      const events = 400;
      for (let i = 0; i < events; i++) {
        const queued = await queue.enqueue({ accountId: `DU${i}`, command: 'print-equity', source: 'manual' });
        expect(queued.status).toBe('queued');
      }
      processor.start();
      await vi.waitFor(async () => expect((await queue.counts()).done).toBe(events), { timeout: 60_000, interval: 50 });
      // Many idle periods pass with nothing to do: each worker's timer-woken waits leave nothing behind.
      const wakers = () => (processor as unknown as { wakers: unknown[] }).wakers.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(wakers()).toBeLessThanOrEqual(concurrency);

      expect(mostRunning).toBe(concurrency);
      expect(listeners.most()).toBeLessThanOrEqual(1);
      expect(listeners.remaining()).toBe(0);
      expect(warnings.filter((w) => w.includes('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await processor.stop(1_000);
      await queue.stop();
      conn.disconnect();
    }
  }, 90_000);
});
