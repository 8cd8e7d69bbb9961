/**
 * The durable event queue of PRODUCT.md §5 — the only caller of Redis and its Lua scripts — as one façade over small
 * modules (BullMQ's layout):
 * - lua-scripts.ts: the headed Lua files and the one call with the common KEYS / ARGV; script-codes.ts: their reply
 *   codes by name, and `toError`, the one place a negative code becomes a typed error;
 * - queue-input.ts: the checks of what callers hand in; group-commit.ts: enqueues and completions made together
 *   sent as one script call (and `redis.minReplicas`);
 * - queue-events.ts: changes pushed to listeners through Redis pub/sub; queue-reads.ts: list / get / counts / status;
 * - maintenance.ts: the timer promoting, approving, recovering and purging.
 * The writes of the producer, the worker and the operator stay here, each one script call.
 */
import { randomUUID } from 'node:crypto';
import type {
  EnqueueResult,
  ErrorKind,
  EventApproval,
  EventRecord,
  EventStatus,
  NewEvent,
  QueueChange,
  QueueCounts,
  QueueStatus,
} from '../../shared/dto';
import type { RedisClient } from '../redis/topology';
import { QueueInvalidError } from './errors';
import { queueKeys, type QueueKeys } from './keys';
import { GroupCommit } from './group-commit';
import { QueueLua, iso, type RunScript } from './lua-scripts';
import { QueueMaintenance } from './maintenance';
import { QueueEvents } from './queue-events';
import { approvalArgs, checkErrorKind, checkExpected, newEventRecord, resultJson } from './queue-input';
import { BadRecords, noopLog, type QueueLog } from './queue-log';
import { QueueReads, type EventDetail, type ListQuery, type ListResult } from './queue-reads';
import { parseRecord } from './record';
import { ScriptCode, asReply, codeOf, throwIfError, type Reply } from './script-codes';

export type { QueueLog } from './queue-log';
export type { EventDetail, ListQuery, ListResult } from './queue-reads';
export { toError } from './script-codes';

export interface EventQueueOptions {
  /** A connection without an ioredis `keyPrefix` (one server, Sentinel or Cluster); the queue defines its scripts on it. */
  redis: RedisClient;
  /** `redis.keyPrefix`, prepended as is to every key (keys.ts). */
  keyPrefix?: string;
  /** Fixed delay before a failed event is due again (`queue.retryDelayMs`). */
  retryDelayMs: number;
  /** Lease of a claimed event; renew well within it (`queue.leaseMs`). */
  leaseMs: number;
  /** Approximate length of the `rebalance_history` stream (`queue.historyLimit`). */
  historyLimit: number;
  /** Done events older than this are purged (`queue.retainDoneDays`). */
  retainDoneDays: number;
  now?: () => number;
  /** Names this process's leases; at start-up `recoverAll()` returns every other run's events. */
  runId?: string;
  log?: QueueLog;
  /** How often delayed events are promoted and expired leases recovered (default 250 ms). */
  promoteIntervalMs?: number;
  /** How often done events past retention are purged (default 10 minutes). */
  purgeIntervalMs?: number;
  /**
   * `redis.minReplicas` (§22): an enqueue or completion is acknowledged only once `WAIT` confirms it on this many
   * replicas within a second; else it fails with a transient QueueReplicationError. 0 (default): no wait.
   */
  minReplicas?: number;
}

export interface FailOptions {
  /** When the event is due again (ms since epoch); default now + retryDelayMs. */
  dueAt?: number;
  /** Hold the event instead of delaying it (`queue.holdOn`). */
  hold?: boolean;
  /** Mark it "needs attention" in the UI (§10 rejected). */
  needsAttention?: boolean;
}

export interface FailError {
  kind: ErrorKind;
  message: string;
  code?: number;
}

/** What a planned rebalance waiting for approval stores (§19); see `awaitApproval`. */
export interface AwaitApproval {
  /** The event's result while it waits: `{plan, …}`. */
  result: Record<string, unknown>;
  approval: EventApproval;
  /** History note, e.g. "plan changed since approval". */
  note?: string;
}

export class EventQueue {
  readonly keys: QueueKeys;
  readonly runId: string;
  private readonly now: () => number;
  private readonly log: QueueLog;
  private readonly retryDelayMs: number;
  private readonly leaseMs: number;
  private readonly lua: QueueLua;
  private readonly run: RunScript;
  private readonly bad: BadRecords;
  private readonly commits: GroupCommit;
  private readonly events: QueueEvents;
  private readonly reads: QueueReads;
  private readonly maintenance: QueueMaintenance;
  private started = false;

  constructor(opts: EventQueueOptions) {
    const redis: RedisClient = opts.redis;
    this.keys = queueKeys(opts.keyPrefix ?? '');
    this.now = opts.now ?? Date.now;
    this.runId = opts.runId ?? randomUUID();
    this.log = opts.log ?? noopLog;
    this.retryDelayMs = opts.retryDelayMs;
    this.leaseMs = opts.leaseMs;
    this.lua = new QueueLua(redis, this.keys, Math.max(1, Math.floor(opts.historyLimit)));
    this.run = this.lua.run;
    this.bad = new BadRecords(this.log);
    this.commits = new GroupCommit({
      run: this.run,
      redis,
      now: this.now,
      minReplicas: Math.max(0, Math.floor(opts.minReplicas ?? 0)),
    });
    this.events = new QueueEvents(redis, this.keys, this.log);
    this.reads = new QueueReads(redis, this.keys, this.now, this.bad);
    this.maintenance = new QueueMaintenance({
      run: this.run,
      now: this.now,
      runId: this.runId,
      retainDoneDays: opts.retainDoneDays,
      promoteIntervalMs: opts.promoteIntervalMs ?? 250,
      purgeIntervalMs: opts.purgeIntervalMs ?? 600_000,
      log: this.log,
    });
  }

  /** 'function' when the scripts run as a Redis function library, 'eval' when with EVALSHA (scripts.ts). */
  scriptMode(): Promise<'function' | 'eval'> {
    return this.lua.mode();
  }

  /** Subscribes to change notifications and starts the promotion / recovery / purge timer. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.events.start();
    this.maintenance.start();
  }

  /** Stops the timer and the subscriber; the Redis connection given to the constructor stays open. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.maintenance.stop();
    await this.events.stop();
  }

  /** Calls `listener` for every change pushed by Redis; returns the unsubscribe function. */
  onChange(listener: (c: QueueChange) => void): () => void {
    return this.events.onChange(listener);
  }

  // ------------------------------------------------------------------------------------------
  // Producer

  /** §5 rule 1: queue a new event unless its id or its `accountId:command` is already there. */
  async enqueue(e: NewEvent, by = 'broker'): Promise<EnqueueResult> {
    const { record, stored, pair } = newEventRecord(e, this.now());
    const id = record.id;
    const reply = await this.commits.add('enqueue', [by, id, pair, stored, e.source], stored.length);
    throwIfError(reply, 'enqueue', id);
    if (codeOf(reply) === ScriptCode.OK) return { status: 'queued', event: record };
    const existing = String(reply[1] ?? '');
    return { status: 'duplicate', existingId: existing || `(unknown holder of ${pair})` };
  }

  // ------------------------------------------------------------------------------------------
  // Worker

  /**
   * §5 rule 2: the first pending event whose account has nothing in processing, now active under
   * a lease of `leaseMs`; null when nothing is claimable or processing is paused.
   */
  async claim(owner: string): Promise<EventRecord | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const now = this.now();
      const reply = asReply(await this.run('claim', now, owner, [this.leaseOwner(owner), now + this.leaseMs]));
      const claimed = await this.takeClaimed(reply, 0, owner);
      if (claimed !== 'again') return claimed;
    }
    return null;
  }

  /**
   * Turns the claim_first reply that starts at `reply[at]` into the record; 'again' when the claimed one was
   * unreadable (now held). Synchronous on the usual path (a readable record), which runs for every event a worker
   * takes: only an unreadable record waits for the hold.
   */
  private takeClaimed(reply: Reply, at: number, owner: string): EventRecord | null | Promise<'again'> {
    if (reply.length > at + 3) this.bad.report(reply.slice(at + 3).map(String), 'claim skipped it');
    if (Number(reply[at]) !== ScriptCode.OK) return null;
    const id = String(reply[at + 2]);
    try {
      return parseRecord(String(reply[at + 1]));
    } catch (err) {
      return this.holdUnreadable(id, owner, err);
    }
  }

  /** A claimed event whose record cannot be read is held (with the reason), so the trader sees it; answers 'again'. */
  private async holdUnreadable(id: string, owner: string, err: unknown): Promise<'again'> {
    const reason = err instanceof Error ? err.message : String(err);
    this.log.error({ eventId: id, reason }, `event ${id} has an unreadable record; holding it`);
    await this.fail(id, owner, { kind: 'invalid', message: `unreadable record: ${reason}` }, { hold: true }).catch(
      (e2: unknown) => this.log.error({ eventId: id, err: String(e2) }, 'could not hold an unreadable event'),
    );
    return 'again';
  }

  /** Extends the lease; false when the lease is no longer this owner's (recovered meanwhile). */
  async renew(id: string, owner: string): Promise<boolean> {
    const now = this.now();
    const reply = await this.run('renew', now, owner, [id, this.leaseOwner(owner), now + this.leaseMs]);
    return Number(reply) === ScriptCode.OK;
  }

  /** §5 rule 3: done, with its result; frees `accountId:command`. */
  async complete(id: string, owner: string, result: Record<string, unknown> | null): Promise<void> {
    await this.completeWith(id, owner, result, false);
  }
  /**
   * `complete` and then `claim(owner)` in one script call: the worker's path (the Processor's, one round trip
   * per event, as BullMQ's moveToFinished fetching the next job). Answers the next event, or null when
   * none was claimed with it (nothing claimable, paused, or the one claimed had an unreadable record and
   * is now held): the worker then claims as usual.
   */
  async completeAndClaim(
    id: string,
    owner: string,
    result: Record<string, unknown> | null,
  ): Promise<EventRecord | null> {
    const reply = await this.completeWith(id, owner, result, true);
    const claimed = this.takeClaimed(reply, 2, owner);
    if (!(claimed instanceof Promise)) return claimed;
    await claimed; // the unreadable record is held; the worker claims again by itself
    return null;
  }

  private async completeWith(
    id: string,
    owner: string,
    result: Record<string, unknown> | null,
    claimNext: boolean,
  ): Promise<Reply> {
    const json = resultJson(result);
    const reply = await this.commits.add(
      'complete',
      [owner, id, this.leaseOwner(owner), json, claimNext ? '1' : '0', this.now() + this.leaseMs],
      json.length,
    );
    throwIfError(reply, 'complete', id);
    if (codeOf(reply) === ScriptCode.RECORD_LEFT_UNREADABLE)
      this.bad.report([id], `completed, but its record could not be updated (${String(reply[1])})`);
    return reply;
  }

  /**
   * §5 rule 4: timesQueued + 1 and delayed until `dueAt` (default now + retryDelayMs), or held.
   * Answers the updated record (null if the stored record is unreadable).
   */
  async fail(id: string, owner: string, error: FailError, opts: FailOptions = {}): Promise<EventRecord | null> {
    checkErrorKind(error.kind);
    const now = this.now();
    const dueAt = opts.dueAt ?? now + this.retryDelayMs;
    const reply = asReply(
      await this.run('fail', now, owner, [
        id,
        this.leaseOwner(owner),
        error.kind,
        String(error.message ?? ''),
        typeof error.code === 'number' && Number.isFinite(error.code) ? String(error.code) : '',
        Math.floor(dueAt),
        iso(dueAt),
        opts.hold ? '1' : '0',
        opts.needsAttention ? '1' : '0',
      ]),
    );
    throwIfError(reply, 'fail', id);
    if (codeOf(reply) === ScriptCode.RECORD_LEFT_UNREADABLE) {
      this.bad.report([id], `failed, but its record could not be updated (${String(reply[1])})`);
      return null;
    }
    return this.parseOrNull(String(reply[1]), id);
  }

  /**
   * Graceful stop: the event goes back to the HEAD of the queue as pending, so it is the next one
   * taken. It is not a failure: timesQueued and lastError stay as they are; history notes it.
   */
  async handBack(id: string, owner: string, note = 'handed back at stop'): Promise<void> {
    const reply = asReply(await this.run('handback', this.now(), owner, [id, this.leaseOwner(owner), note]));
    throwIfError(reply, 'hand back', id);
  }

  /**
   * §19: a claimed rebalance waits for the trader instead of trading: out of processing (lease checked) into
   * `rebalance_awaiting_set`, scored by `approval.autoApproveAt` (+inf when null, i.e. `confirm`); its
   * `accountId:command` stays taken. Answers the updated record.
   */
  async awaitApproval(id: string, owner: string, req: AwaitApproval): Promise<EventRecord> {
    const { result, approval, score } = approvalArgs(req.result, req.approval);
    const reply = asReply(
      await this.run('approval', this.now(), owner, [
        'await',
        id,
        this.leaseOwner(owner),
        result,
        approval,
        score,
        req.note ?? '',
      ]),
    );
    return this.recordOf(reply, 'put up for approval', id);
  }

  /** §19 Approve: awaiting → tail of the queue, marked approved with its plan hash; else `conflict`. */
  async approve(id: string, expectedStatus?: EventStatus, by = 'operator'): Promise<EventRecord> {
    checkExpected(expectedStatus);
    const reply = asReply(await this.run('approval', this.now(), by, ['approve', id, expectedStatus ?? '']));
    return this.recordOf(reply, 'approve', id);
  }

  /** §19 Reject: awaiting → done with `result: {rejectedByTrader: true, plan}`; frees `accountId:command`. */
  async reject(id: string, expectedStatus?: EventStatus, by = 'operator'): Promise<EventRecord> {
    checkExpected(expectedStatus);
    const reply = asReply(await this.run('approval', this.now(), by, ['reject', id, expectedStatus ?? '']));
    return this.recordOf(reply, 'reject', id);
  }

  // ------------------------------------------------------------------------------------------
  // Timers / recovery (maintenance.ts; the timer runs them while the queue is started)

  /** §19 timer: awaiting events whose auto-approve time has come are approved (history `auto-approved`). */
  approveDue(): Promise<number> {
    return this.maintenance.approveDue();
  }

  /** §5 rule 5: due delayed events to the tail of the queue; answers how many moved. */
  promoteDue(): Promise<number> {
    return this.maintenance.promoteDue();
  }

  /** §5 rule 6: events whose lease ran out go back to the tail, lastError "interrupted". */
  recoverExpired(): Promise<number> {
    return this.maintenance.recoverExpired();
  }

  /** At start-up: every event in processing under another run's lease returns to the tail at once. */
  recoverAll(): Promise<number> {
    return this.maintenance.recoverAll();
  }

  /** Drops done events older than retainDoneDays. */
  purgeDone(): Promise<number> {
    return this.maintenance.purgeDone();
  }

  // ------------------------------------------------------------------------------------------
  // Operator actions (§5 rule 7)

  /** Delayed / held → tail of the queue. */
  async retryNow(id: string, expectedStatus?: EventStatus): Promise<EventRecord> {
    return this.operate(id, 'retry', expectedStatus, '');
  }

  /** Pending / delayed / awaiting → held (an awaiting event's timer stops). */
  async hold(id: string, expectedStatus?: EventStatus, reason?: string): Promise<EventRecord> {
    return this.operate(id, 'hold', expectedStatus, reason ?? '');
  }

  /** Held → tail of the queue, or back to awaiting with a fresh timer when its approval is open (§19). */
  async release(id: string, expectedStatus?: EventStatus): Promise<EventRecord> {
    return this.operate(id, 'release', expectedStatus, '');
  }

  /** Any state but active: removed from every key, its `accountId:command` freed. */
  async delete(id: string, expectedStatus?: EventStatus): Promise<void> {
    checkExpected(expectedStatus);
    const reply = asReply(await this.run('operator', this.now(), 'operator', [id, 'delete', expectedStatus ?? '', '']));
    throwIfError(reply, 'delete', id);
  }

  async pause(): Promise<void> {
    await this.events.setPaused(true, this.now());
  }

  async resume(): Promise<void> {
    await this.events.setPaused(false, this.now());
  }

  // ------------------------------------------------------------------------------------------
  // Reads (queue-reads.ts)

  isPaused(): Promise<boolean> {
    return this.reads.isPaused();
  }

  /** The record and its history (oldest first), or null when unknown (queue-reads.ts `get`). */
  get(id: string): Promise<EventDetail | null> {
    return this.reads.get(id);
  }

  /**
   * Events in queue order (active, pending, delayed by due time, held by time held), done newest
   * first; optionally one state, one account and a text filter. Unreadable records appear as
   * placeholders (record.ts) and are logged.
   */
  list(query: ListQuery = {}): Promise<ListResult> {
    return this.reads.list(query);
  }

  counts(): Promise<QueueCounts> {
    return this.reads.counts();
  }

  /** Counts, the pause flag, and the age of the oldest pending event. */
  status(): Promise<QueueStatus> {
    return this.reads.status();
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  private leaseOwner(owner: string): string {
    return `${this.runId}/${owner}`;
  }

  private async operate(
    id: string,
    action: 'retry' | 'hold' | 'release',
    expected: EventStatus | undefined,
    note: string,
  ): Promise<EventRecord> {
    checkExpected(expected);
    const reply = asReply(await this.run('operator', this.now(), 'operator', [id, action, expected ?? '', note]));
    return this.recordOf(reply, action, id);
  }

  private recordOf(reply: Reply, op: string, id: string): EventRecord {
    throwIfError(reply, op, id);
    const record = this.parseOrNull(String(reply[1]), id);
    if (!record) throw new QueueInvalidError(`event ${id} was moved, but its record is unreadable`);
    return record;
  }

  private parseOrNull(raw: string, id: string): EventRecord | null {
    try {
      return parseRecord(raw);
    } catch (err) {
      this.bad.report([id], err instanceof Error ? err.message : String(err));
      return null;
    }
  }
}
