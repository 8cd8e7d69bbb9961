import type { Logger } from 'pino';
import type { Command, EventRecord, ErrorKind, QueueChange } from '../../shared/dto';
import type { Notifier } from '../notify/notifier';
import { awaitingApprovalNotification } from '../notify/approval-message';
import type { AwaitApproval } from '../queue/event-queue';
import { AwaitingApproval } from './approval';

/** The part of the event queue the processor uses (src/core/queue's EventQueue satisfies it). */
export interface ProcessorQueue {
  claim(owner: string): Promise<EventRecord | null>;
  renew(id: string, owner: string): Promise<boolean>;
  complete(id: string, owner: string, result: Record<string, unknown>): Promise<unknown>;
  /**
   * `complete`, and the owner's next claim in the same round trip (the worker's usual path): answers the next event,
   * now active under this owner's lease, or null when none was claimed with it (the worker then claims as usual).
   */
  completeAndClaim(id: string, owner: string, result: Record<string, unknown>): Promise<EventRecord | null>;
  fail(
    id: string,
    owner: string,
    error: { kind: ErrorKind; message: string; code?: number },
    opts?: { dueAt?: number; hold?: boolean; needsAttention?: boolean },
  ): Promise<unknown>;
  handBack(id: string, owner: string, note: string): Promise<unknown>;
  /** §19: the event waits for the trader's approval instead of completing. */
  awaitApproval(id: string, owner: string, request: AwaitApproval): Promise<unknown>;
  onChange(listener: (change: QueueChange) => void): () => void;
}

/** A failure a command reports: the kind of §10 and, for market-closed, when to try again. */
export interface CommandFailure {
  kind: ErrorKind;
  message: string;
  code?: number;
  /** ms since epoch; default now + `queue.retryDelayMs`. */
  dueAt?: number;
}

export interface CommandRun {
  event: EventRecord;
  log: Logger;
  /** Aborted when the processor stops and the command should hand its event back as soon as it safely can. */
  signal: AbortSignal;
}

export type CommandHandler = (run: CommandRun) => Promise<Record<string, unknown>>;
export type CommandHandlers = Record<Command, CommandHandler>;

export interface ProcessorOptions {
  queue: ProcessorQueue;
  handlers: CommandHandlers;
  concurrency: number;
  leaseMs: number;
  /** `queue.holdOn`, read at each failure so a change in Settings applies at once. */
  holdOn: () => readonly ErrorKind[];
  /** `queue.retryDelayMs`, read at each failure likewise. */
  retryDelayMs: () => number;
  log: Logger;
  notifier: Notifier;
  /** Turns anything a command throws into a failure of §10 (unknown errors are transient). */
  classify: (error: unknown) => CommandFailure;
  /** Live rebalances notify on success. */
  isLive?: (event: EventRecord) => boolean;
  runId: string;
  /** Longest wait between claim attempts when no change arrives (ms). */
  idleWakeMs?: number;
}

export type ProcessorState = 'stopped' | 'running' | 'stopping';

interface Attempt {
  event: EventRecord;
  /**
   * The command's AbortSignal, made the first time the command reads `run.signal`: an AbortController costs a few µs
   * to make (Node builds an EventTarget), and commands that never wait on anything stoppable (print-orders,
   * cancel-orders) never read it. `stopAttempt` aborts it, or it is made already aborted.
   */
  controller: AbortController | null;
  /** Why the attempt was told to stop (the first reason wins, as with AbortController), or undefined. */
  stopReason: Error | undefined;
  /** Rejects the processor's wait for the command, so a stop hands the event back even mid-wait (null: not waiting). */
  interruptWait: ((reason: Error) => void) | null;
  startedAt: number;
  /** The command's own promise (null until it started): a later attempt on the account waits for it to settle. */
  command: Promise<unknown> | null;
  /** The command has returned or thrown (a renewal answered after that only raced the completion). */
  finished: boolean;
}

/** The abort reason of an attempt whose lease ran out: it must stop before it sends anything more. */
export class LeaseLostError extends Error {
  constructor(eventId: string) {
    super(`the lease of event ${eventId} was lost`);
    this.name = 'LeaseLostError';
  }
}

/**
 * The worker pool of §7: `concurrency` workers claim events (one per account at a time — the queue enforces it),
 * renew the lease while a command runs, and complete or fail the event with the kind of §10.
 */
export class Processor {
  private state: ProcessorState = 'stopped';
  private workers: Promise<void>[] = [];
  /**
   * Every attempt whose command has not settled yet, by attempt number. An attempt stays here after its lease was
   * lost until its command really stops, so a later claim of the same account in this process can wait for it.
   */
  private readonly running = new Map<number, Attempt>();
  private attempts = 0;
  private wakers: (() => void)[] = [];
  private unsubscribe: (() => void) | null = null;
  lastError: string | null = null;
  processed = 0;

  constructor(private readonly options: ProcessorOptions) {}

  get status(): { state: ProcessorState; running: EventRecord[]; processed: number; lastError: string | null } {
    return {
      state: this.state,
      running: [...this.running.values()].map((r) => r.event),
      processed: this.processed,
      lastError: this.lastError,
    };
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'running';
    this.unsubscribe = this.options.queue.onChange((change) => {
      if (change.to === 'pending' || change.to === 'done' || change.to === 'delayed' || change.action === 'resumed') {
        this.wakeAll();
      }
    });
    this.workers = Array.from({ length: this.options.concurrency }, (_, i) => this.work(`${this.options.runId}:w${i}`));
  }

  /**
   * Stops claiming. Running commands get `graceMs` to finish; any still running then are aborted and handed back to
   * the queue (they re-plan from live positions when claimed again, so nothing is doubled).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.unsubscribe?.();
    this.wakeAll();
    const all = Promise.all(this.workers);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([all.then(() => 'done' as const), timer])) === 'timeout') {
      // Each running attempt is aborted through its own controller: no listener per attempt on a shared signal,
      // which would grow with the work in flight (MaxListenersExceededWarning at 11 concurrent attempts).
      for (const r of this.running.values()) stopAttempt(r, new Error('processor stopping'));
      await all;
    }
    this.workers = [];
    this.state = 'stopped';
  }

  /** Wake idle workers (e.g. after resume). */
  wakeAll(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // Woken by the timer: drop the waker, or an idle worker adds one a second for as long as the app runs.
        const at = this.wakers.indexOf(done);
        if (at >= 0) this.wakers.splice(at, 1);
        done();
      }, this.options.idleWakeMs ?? 1_000);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.push(done);
    });
  }

  /**
   * One worker: claim, run, complete — and, while running, the completion claims the worker's next event in the same
   * script call (`completeAndClaim`), so a busy worker costs one round trip per event. An event claimed that way
   * while the processor is stopping is handed straight back to the head of the queue, never started.
   */
  private async work(owner: string): Promise<void> {
    let next: EventRecord | null = null;
    while (this.state === 'running' || next) {
      let event = next;
      next = null;
      if (!event) {
        try {
          event = await this.options.queue.claim(owner);
        } catch (error) {
          this.lastError = `claim failed: ${(error as Error).message}`;
          this.options.log.warn({ err: (error as Error).message }, 'claim failed; retrying');
        }
        if (!event) {
          await this.idle();
          continue;
        }
      } else if (this.state !== 'running') {
        await this.handBackUnstarted(event, owner);
        continue;
      }
      next = await this.runOne(event, owner);
    }
  }

  /** An event claimed with a completion just as the processor began to stop: back to the head, not started. */
  private async handBackUnstarted(event: EventRecord, owner: string): Promise<void> {
    await this.options.queue.handBack(event.id, owner, 'processor stopped before it started').catch((e: Error) => {
      this.options.log.error(
        { eventId: event.id, err: e.message },
        'hand back of an unstarted event failed; the lease will return it',
      );
    });
  }

  /** Runs one claimed event to its outcome; answers the next event its completion claimed, if any. */
  private async runOne(event: EventRecord, owner: string): Promise<EventRecord | null> {
    const { queue, log: baseLog } = this.options;
    // The event's logger is made on first use: a pino child costs about a microsecond, paid for every event, and
    // nothing here logs when the level is above info (a quiet run), unless something goes wrong.
    let eventLog: Logger | null = null;
    const logOf = (): Logger =>
      (eventLog ??= baseLog.child({ eventId: event.id, accountId: event.accountId, command: event.command }));
    const logsInfo = baseLog.isLevelEnabled('info');
    const key = ++this.attempts;
    // Attempts of this account still winding down in this process: their lease ran out while this process was
    // starved (the queue then let the account go, and this claim may even be the same event again). Two attempts
    // trading one account at once double its orders, so they are stopped and this one waits until they have.
    const earlier = this.runningOn(event.accountId);
    const attempt: Attempt = {
      event,
      controller: null,
      stopReason: undefined,
      interruptWait: null,
      startedAt: Date.now(),
      command: null,
      finished: false,
    };
    this.running.set(key, attempt);
    let next: EventRecord | null = null;
    const renewEvery = Math.max(250, Math.floor(this.options.leaseMs / 3));
    const renewal = setInterval(() => {
      queue.renew(event.id, owner).then(
        (ok) => {
          if (ok || attempt.stopReason || attempt.finished) return;
          logOf().warn('lease lost while running; stopping before anything more is sent');
          stopAttempt(attempt, new LeaseLostError(event.id));
        },
        (error: Error) => logOf().warn({ err: error.message }, 'lease renewal failed'),
      );
    }, renewEvery);
    if (logsInfo) logOf().info({ timesQueued: event.timesQueued }, `${event.command} started`);
    try {
      if (earlier.length > 0) {
        for (const r of earlier) stopAttempt(r, new LeaseLostError(r.event.id));
        logOf().warn(
          { earlier: earlier.map((r) => r.event.id) },
          'waiting for an earlier attempt on this account to stop',
        );
        await Promise.all(earlier.map(settledOf));
        if (attempt.stopReason) throw attempt.stopReason;
      }
      const run: CommandRun = {
        event,
        get log() {
          return logOf();
        },
        get signal() {
          return signalOf(attempt);
        },
      };
      const running = this.options.handlers[event.command](run);
      attempt.command = running;
      // One wait for the command's outcome. A stop that outlasts the grace period rejects it at once (interruptWait),
      // even if the command is mid-wait; the attempt leaves `running` only when the command itself has settled.
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        attempt.interruptWait = reject;
        running.then(
          (value) => {
            this.settle(key, attempt);
            resolve(value);
          },
          (error: unknown) => {
            this.settle(key, attempt);
            reject(error);
          },
        );
      });
      attempt.interruptWait = null;
      // A live rebalance notifies before this worker takes anything else, so its next event is claimed after that
      // (a slow notifier must not eat into the lease of an event not yet renewed); every other completion claims
      // the next event with it.
      const notifies =
        (event.command === 'rebalance' || event.command === 'raise-cash') && this.options.isLive?.(event) === true;
      if (this.state === 'running' && !notifies) next = await queue.completeAndClaim(event.id, owner, result);
      else await queue.complete(event.id, owner, result);
      this.processed += 1;
      if (logsInfo) logOf().info(`${event.command} done`);
      if (notifies) {
        await this.options.notifier.notify({
          title: `Rebalanced ${event.accountId}`,
          body: `Live rebalance of ${event.accountId} (${event.strategy ?? 'no strategy'}) finished.`,
          level: 'info',
          eventId: event.id,
          accountId: event.accountId,
        });
      }
    } catch (error) {
      const log = logOf();
      if (attempt.stopReason instanceof LeaseLostError) {
        // Not ours any more: whoever holds the lease now records the outcome.
        log.warn(`${event.command} stopped: its lease was lost (the event was returned to the queue)`);
      } else if (error instanceof AwaitingApproval) {
        await this.awaitApproval(event, owner, error, log);
      } else if (attempt.stopReason && this.state !== 'running') {
        await queue.handBack(event.id, owner, 'processor stopped while running').catch((e: Error) => {
          log.error({ err: e.message }, 'hand back failed; the lease will return it');
        });
        log.warn(`${event.command} handed back: processor stopping`);
      } else {
        await this.failEvent(event, owner, error, log);
      }
    } finally {
      clearInterval(renewal);
      attempt.interruptWait = null;
      if (attempt.command === null) this.running.delete(key);
    }
    return next;
  }

  /** The command of an attempt has returned or thrown: it no longer counts as running on its account. */
  private settle(key: number, attempt: Attempt): void {
    attempt.finished = true;
    this.running.delete(key);
  }

  /** The attempts of `accountId` still running in this process (usually none: no array is made then). */
  private runningOn(accountId: string): readonly Attempt[] {
    let found: Attempt[] | null = null;
    for (const r of this.running.values()) if (r.event.accountId === accountId) (found ??= []).push(r);
    return found ?? NONE_RUNNING;
  }

  /** §19: the planned rebalance waits for the trader; one notification says so. */
  private async awaitApproval(event: EventRecord, owner: string, wait: AwaitingApproval, log: Logger): Promise<void> {
    try {
      await this.options.queue.awaitApproval(event.id, owner, wait.request);
    } catch (e) {
      log.error(
        { err: (e as Error).message },
        'could not put the plan up for approval; the lease will return the event',
      );
      return;
    }
    log.info({ planHash: wait.request.approval.planHash }, wait.message);
    await this.options.notifier.notify(
      awaitingApprovalNotification(
        wait.accountName,
        wait.plan,
        wait.request.approval,
        event.id,
        wait.request.approval.note ?? undefined,
      ),
    );
  }

  private async failEvent(event: EventRecord, owner: string, error: unknown, log: Logger): Promise<void> {
    const failure = this.options.classify(error);
    const hold = this.options.holdOn().includes(failure.kind);
    const needsAttention = failure.kind === 'rejected';
    log.warn({ kind: failure.kind, code: failure.code }, `${event.command} failed: ${failure.message}`);
    try {
      await this.options.queue.fail(
        event.id,
        owner,
        { kind: failure.kind, message: failure.message, ...(failure.code === undefined ? {} : { code: failure.code }) },
        { dueAt: failure.dueAt ?? Date.now() + this.options.retryDelayMs(), hold, needsAttention },
      );
    } catch (e) {
      log.error({ err: (e as Error).message }, 'could not record the failure; the lease will return the event');
      return;
    }
    const first = event.timesQueued === 1;
    if (needsAttention || failure.kind === 'partial' || failure.kind === 'invalid' || first) {
      await this.options.notifier.notify({
        title: needsAttention
          ? `Needs attention: ${event.accountId}`
          : `${event.command} failed for ${event.accountId}`,
        body: `${failure.kind}: ${failure.message}${hold ? ' (held)' : ''}`,
        level: needsAttention ? 'error' : 'warn',
        eventId: event.id,
        accountId: event.accountId,
      });
    }
  }
}

const NONE_RUNNING: readonly Attempt[] = Object.freeze([]) as readonly Attempt[];

/** Tells an attempt to stop: its signal aborts (if the command has read it) and the processor stops waiting for it. */
function stopAttempt(attempt: Attempt, reason: Error): void {
  if (attempt.stopReason) return;
  attempt.stopReason = reason;
  attempt.controller?.abort(reason);
  attempt.interruptWait?.(reason);
}

const ignore = (): undefined => undefined;

/** Resolves when an attempt's command has really stopped (at once when it never started). */
function settledOf(attempt: Attempt): Promise<unknown> | undefined {
  return attempt.command?.then(ignore, ignore);
}

/** The attempt's AbortSignal, made on first use (already aborted when the attempt was told to stop before that). */
function signalOf(attempt: Attempt): AbortSignal {
  if (!attempt.controller) {
    attempt.controller = new AbortController();
    if (attempt.stopReason) attempt.controller.abort(attempt.stopReason);
  }
  return attempt.controller.signal;
}
