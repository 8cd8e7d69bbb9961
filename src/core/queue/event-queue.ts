/**
 * The durable event queue of PRODUCT.md §5 — the only caller of Redis and its Lua scripts.
 * Every multi-key change is one script (lua/*.lua); scripts answer codes and `toError` turns
 * the negative ones into typed errors. Changes are pushed to listeners through Redis pub/sub.
 */
import { randomUUID } from 'node:crypto';
import {
  ERROR_KINDS,
  EVENT_SOURCES,
  EVENT_STATUSES,
  isCommand,
  type EnqueueResult,
  type EventApproval,
  type ErrorKind,
  type EventRecord,
  type EventStatus,
  type HistoryEntry,
  type NewEvent,
  type QueueChange,
  type QueueCounts,
  type QueueStatus,
} from '../../shared/dto';
import { Cluster } from 'ioredis';
import { waitForReplicas, type RedisClient } from '../redis/topology';
import { QueueConflictError, QueueInvalidError, QueueNotFoundError, QueueReplicationError } from './errors';
import { SCRIPT_KEY_COUNT, eventHistoryKey, eventKey, queueKeys, scriptKeys, type QueueKeys } from './keys';
import { QueueScripts } from './scripts';
import { RecordError, encodeRecord, parseHistoryEntry, parseRecord, placeholderRecord } from './record';
import commonLua from './lua/common.lua?raw';
import enqueueLua from './lua/enqueue.lua?raw';
import claimLua from './lua/claim.lua?raw';
import renewLua from './lua/renew.lua?raw';
import completeLua from './lua/complete.lua?raw';
import failLua from './lua/fail.lua?raw';
import handbackLua from './lua/handback.lua?raw';
import promoteLua from './lua/promote.lua?raw';
import recoverLua from './lua/recover.lua?raw';
import operatorLua from './lua/operator.lua?raw';
import purgeLua from './lua/purge.lua?raw';
import approvalLua from './lua/approval.lua?raw';

/** The slice of a pino logger the queue uses. */
export interface QueueLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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

export interface ListQuery {
  state?: EventStatus;
  accountId?: string;
  /** Case-insensitive text matched against id, eventId, account, command, strategy and error text. */
  q?: string;
  limit?: number;
  offset?: number;
}

export interface ListResult {
  events: EventRecord[];
  total: number;
}

/** What a planned rebalance waiting for approval stores (§19); see `awaitApproval`. */
export interface AwaitApproval {
  /** The event's result while it waits: `{plan, …}`. */
  result: Record<string, unknown>;
  approval: EventApproval;
  /** History note, e.g. "plan changed since approval". */
  note?: string;
}

export interface EventDetail {
  event: EventRecord;
  history: HistoryEntry[];
}

type ScriptName =
  | 'enqueue'
  | 'claim'
  | 'renew'
  | 'complete'
  | 'fail'
  | 'handback'
  | 'promote'
  | 'recover'
  | 'operator'
  | 'purge'
  | 'approval';

const SCRIPTS: Record<ScriptName, string> = {
  enqueue: enqueueLua,
  claim: claimLua,
  renew: renewLua,
  complete: completeLua,
  fail: failLua,
  handback: handbackLua,
  promote: promoteLua,
  recover: recoverLua,
  operator: operatorLua,
  purge: purgeLua,
  approval: approvalLua,
};

type Reply = (string | number | null)[];
/** The scripts that take many events per call (group commit), each with its own reply. */
type BatchedScript = 'enqueue' | 'complete';
interface PendingItem {
  args: (string | number)[];
  resolve: (reply: Reply) => void;
  reject: (err: unknown) => void;
}

/** Most events, and about the most bytes of records / results, sent in one batched script call. */
const BATCH_ITEMS = 128;
const BATCH_BYTES = 1 << 20;
/** Events moved per script call by promote / recover / purge (they loop until done). */
const BATCH = 500;
const DAY_MS = 86_400_000;
/** get() reads the history stream from this long before the event's createdAt (clock skew). */
const HISTORY_SLACK_MS = 3_600_000;
const HISTORY_PAGE = 1_000;
/** How long an acknowledgement waits for `redis.minReplicas` replicas (`WAIT n 1000`, §22). */
const REPLICA_WAIT_MS = 1_000;

function fieldsHaveId(fields: string[], id: string): boolean {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'id') return fields[i + 1] === id;
  return false;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The one place where script codes become typed errors (see lua/common.lua). */
export function toError(reply: Reply, op: string, id: string): Error | null {
  const code = Number(reply[0]);
  if (code >= 0) return null;
  const a = reply[1] == null ? '' : String(reply[1]);
  const b = reply[2] == null ? '' : String(reply[2]);
  switch (code) {
    case -1:
      return new QueueNotFoundError(`event ${id} not found`);
    case -2:
      return b
        ? new QueueConflictError(`cannot ${op} event ${id}: it is ${a}, expected ${b}`, a, b)
        : new QueueConflictError(`cannot ${op} event ${id}: it is ${a}`, a, null);
    case -3:
      return new QueueConflictError(
        `cannot ${op} event ${id}: its lease is no longer held by this worker (now ${a || 'none'})`,
        'active',
        'active',
      );
    case -4:
      return new QueueInvalidError(`cannot ${op} event ${id}: its record in Redis is unreadable (${a}); delete it`);
    case -9:
      return new Error(`Redis refused the ${op} of event ${id}: ${a}`);
    default:
      return new QueueInvalidError(`cannot ${op} event ${id}: ${a || `script code ${code}`}`);
  }
}

function asReply(value: unknown): Reply {
  return Array.isArray(value) ? (value as Reply) : [value as number];
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueueInvalidError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function toJson(value: unknown, what: string): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text !== 'string') throw new Error('not serialisable');
    return text;
  } catch (err) {
    throw new QueueInvalidError(
      `${what} cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

const noopLog: QueueLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class EventQueue {
  readonly keys: QueueKeys;
  readonly runId: string;
  private readonly redis: RedisClient;
  private readonly minReplicas: number;
  private readonly keyList: string[];
  private readonly now: () => number;
  private readonly log: QueueLog;
  private readonly retryDelayMs: number;
  private readonly leaseMs: number;
  private readonly historyLimit: number;
  private readonly retainDoneDays: number;
  private readonly promoteIntervalMs: number;
  private readonly purgeIntervalMs: number;
  private readonly listeners = new Set<(c: QueueChange) => void>();
  private readonly reportedBad = new Set<string>();
  private readonly scripts: QueueScripts;
  private readonly batches = new Map<BatchedScript, { items: PendingItem[]; bytes: number }>();
  private subscriber: RedisClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private tickRunning: Promise<void> | null = null;
  private lastPurge = 0;
  private started = false;

  constructor(opts: EventQueueOptions) {
    this.redis = opts.redis;
    this.minReplicas = Math.max(0, Math.floor(opts.minReplicas ?? 0));
    this.keys = queueKeys(opts.keyPrefix ?? '');
    this.keyList = scriptKeys(this.keys);
    this.now = opts.now ?? Date.now;
    this.runId = opts.runId ?? randomUUID();
    this.log = opts.log ?? noopLog;
    this.retryDelayMs = opts.retryDelayMs;
    this.leaseMs = opts.leaseMs;
    this.historyLimit = Math.max(1, Math.floor(opts.historyLimit));
    this.retainDoneDays = opts.retainDoneDays;
    this.promoteIntervalMs = opts.promoteIntervalMs ?? 250;
    this.purgeIntervalMs = opts.purgeIntervalMs ?? 600_000;
    this.scripts = new QueueScripts(this.redis, commonLua, SCRIPTS, SCRIPT_KEY_COUNT);
  }

  /** 'function' when the scripts run as a Redis function library, 'eval' when with EVALSHA (scripts.ts). */
  scriptMode(): Promise<'function' | 'eval'> {
    return this.scripts.mode();
  }

  /** Subscribes to change notifications and starts the promotion / recovery / purge timer. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const sub: RedisClient = this.redis instanceof Cluster ? this.redis.duplicate() : this.redis.duplicate();
    sub.on('error', (err: Error) => this.log.warn({ err: err.message }, 'queue change subscriber error'));
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.keys.changes) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        this.log.warn({ message: message.slice(0, 200) }, 'unreadable queue change message ignored');
        return;
      }
      // one change, or the changes of one script call in order (a batch; complete + claim)
      for (const change of (Array.isArray(parsed) ? parsed : [parsed]) as QueueChange[]) {
        for (const listener of this.listeners) {
          try {
            listener(change);
          } catch (err) {
            this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'queue change listener failed');
          }
        }
      }
    });
    this.subscriber = sub;
    await sub.subscribe(this.keys.changes);
    this.timer = setInterval(() => this.tick(), this.promoteIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and the subscriber; the Redis connection given to the constructor stays open. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tickRunning;
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  /** Calls `listener` for every change pushed by Redis; returns the unsubscribe function. */
  onChange(listener: (c: QueueChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ------------------------------------------------------------------------------------------
  // Producer

  /** §5 rule 1: queue a new event unless its id or its `accountId:command` is already there. */
  async enqueue(e: NewEvent, by = 'broker'): Promise<EnqueueResult> {
    if (!isCommand(e.command)) throw new QueueInvalidError(`unknown command ${JSON.stringify(e.command)}`);
    if (typeof e.accountId !== 'string' || e.accountId.trim() === '') {
      throw new QueueInvalidError('accountId is required');
    }
    if (!(EVENT_SOURCES as readonly unknown[]).includes(e.source)) {
      throw new QueueInvalidError(`unknown source ${JSON.stringify(e.source)}`);
    }
    if (e.id !== undefined && (typeof e.id !== 'string' || e.id === ''))
      throw new QueueInvalidError('id must be a non-empty string');
    const id = e.id ?? (e.eventId && e.source === 'zehnlabs' ? `${e.eventId}:${e.accountId}` : randomUUID());
    const payload = plainObject(e.payload ?? {}, 'payload');
    const now = this.now();
    const at = iso(now);
    const record: EventRecord = {
      id,
      eventId: e.eventId ?? id,
      accountId: e.accountId,
      command: e.command,
      strategy: e.strategy ?? null,
      source: e.source,
      status: 'pending',
      timesQueued: 1,
      createdAt: at,
      updatedAt: at,
      nextAttemptAt: null,
      lastError: null,
      payload,
      result: null,
    };
    let stored: string;
    try {
      stored = encodeRecord(record);
    } catch (err) {
      throw new QueueInvalidError(
        `payload cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const pair = `${e.accountId}:${e.command}`;
    const reply = await this.batched('enqueue', [by, id, pair, stored, e.source], stored.length);
    this.throwIfError(reply, 'enqueue', id);
    if (Number(reply[0]) === 1) return { status: 'queued', event: record };
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
      const reply = asReply(await this.call('claim', now, owner, [this.leaseOwner(owner), now + this.leaseMs]));
      const claimed = await this.takeClaimed(reply, owner);
      if (claimed !== 'again') return claimed;
    }
    return null;
  }

  /** Turns a claim_first reply into the record; 'again' when the claimed one was unreadable (now held). */
  private async takeClaimed(reply: Reply, owner: string): Promise<EventRecord | null | 'again'> {
    this.reportBad(reply.slice(3).map(String), 'claim skipped it');
    if (Number(reply[0]) !== 1) return null;
    const id = String(reply[2]);
    try {
      return parseRecord(String(reply[1]));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.error({ eventId: id, reason }, `event ${id} has an unreadable record; holding it`);
      await this.fail(id, owner, { kind: 'invalid', message: `unreadable record: ${reason}` }, { hold: true }).catch(
        (e2: unknown) => this.log.error({ eventId: id, err: String(e2) }, 'could not hold an unreadable event'),
      );
      return 'again';
    }
  }

  /** Extends the lease; false when the lease is no longer this owner's (recovered meanwhile). */
  async renew(id: string, owner: string): Promise<boolean> {
    const now = this.now();
    const reply = await this.call('renew', now, owner, [id, this.leaseOwner(owner), now + this.leaseMs]);
    return Number(reply) === 1;
  }

  /** §5 rule 3: done, with its result; frees `accountId:command`. */
  async complete(id: string, owner: string, result: Record<string, unknown> | null): Promise<void> {
    await this.completeWith(id, owner, result, false);
  }

  /**
   * `complete` and then `claim(owner)` in one script call: the worker's fast path (one round trip
   * per event, as BullMQ's moveToFinished fetching the next job). Answers the next event or null.
   */
  async completeAndClaim(
    id: string,
    owner: string,
    result: Record<string, unknown> | null,
  ): Promise<EventRecord | null> {
    const reply = await this.completeWith(id, owner, result, true);
    const claimed = await this.takeClaimed(reply.slice(2), owner);
    return claimed === 'again' ? this.claim(owner) : claimed;
  }

  private async completeWith(
    id: string,
    owner: string,
    result: Record<string, unknown> | null,
    claimNext: boolean,
  ): Promise<Reply> {
    const json = toJson(result === null ? null : plainObject(result, 'result'), 'result');
    const reply = await this.batched(
      'complete',
      [owner, id, this.leaseOwner(owner), json, claimNext ? '1' : '0', this.now() + this.leaseMs],
      json.length,
    );
    this.throwIfError(reply, 'complete', id);
    if (Number(reply[0]) === 3)
      this.reportBad([id], `completed, but its record could not be updated (${String(reply[1])})`);
    return reply;
  }

  /**
   * §5 rule 4: timesQueued + 1 and delayed until `dueAt` (default now + retryDelayMs), or held.
   * Answers the updated record (null if the stored record is unreadable).
   */
  async fail(id: string, owner: string, error: FailError, opts: FailOptions = {}): Promise<EventRecord | null> {
    if (!(ERROR_KINDS as readonly unknown[]).includes(error.kind)) {
      throw new QueueInvalidError(`unknown error kind ${JSON.stringify(error.kind)}`);
    }
    const now = this.now();
    const dueAt = opts.dueAt ?? now + this.retryDelayMs;
    const reply = asReply(
      await this.call('fail', now, owner, [
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
    this.throwIfError(reply, 'fail', id);
    if (Number(reply[0]) === 3) {
      this.reportBad([id], `failed, but its record could not be updated (${String(reply[1])})`);
      return null;
    }
    return this.parseOrNull(String(reply[1]), id);
  }

  /**
   * Graceful stop: the event goes back to the HEAD of the queue as pending, so it is the next one
   * taken. It is not a failure: timesQueued and lastError stay as they are; history notes it.
   */
  async handBack(id: string, owner: string, note = 'handed back at stop'): Promise<void> {
    const reply = asReply(await this.call('handback', this.now(), owner, [id, this.leaseOwner(owner), note]));
    this.throwIfError(reply, 'hand back', id);
  }

  /**
   * §19: a claimed rebalance waits for the trader instead of trading: out of processing (lease checked) into
   * `rebalance_awaiting_set`, scored by `approval.autoApproveAt` (+inf when null, i.e. `confirm`); its
   * `accountId:command` stays taken. Answers the updated record.
   */
  async awaitApproval(id: string, owner: string, req: AwaitApproval): Promise<EventRecord> {
    const result = toJson(plainObject(req.result, 'result'), 'result');
    const approval = toJson(plainObject(req.approval, 'approval'), 'approval');
    let score = '+inf';
    if (req.approval.autoApproveAt !== null) {
      const at = Date.parse(req.approval.autoApproveAt);
      if (!Number.isFinite(at)) {
        throw new QueueInvalidError(
          `approval.autoApproveAt ${JSON.stringify(req.approval.autoApproveAt)} is not a time`,
        );
      }
      score = String(at);
    }
    const reply = asReply(
      await this.call('approval', this.now(), owner, [
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
    this.checkExpected(expectedStatus);
    const reply = asReply(await this.call('approval', this.now(), by, ['approve', id, expectedStatus ?? '']));
    return this.recordOf(reply, 'approve', id);
  }

  /** §19 Reject: awaiting → done with `result: {rejectedByTrader: true, plan}`; frees `accountId:command`. */
  async reject(id: string, expectedStatus?: EventStatus, by = 'operator'): Promise<EventRecord> {
    this.checkExpected(expectedStatus);
    const reply = asReply(await this.call('approval', this.now(), by, ['reject', id, expectedStatus ?? '']));
    return this.recordOf(reply, 'reject', id);
  }

  /** §19 timer: awaiting events whose auto-approve time has come are approved (history `auto-approved`). */
  async approveDue(): Promise<number> {
    return this.drain(() => this.call('approval', this.now(), 'timer', ['due', BATCH]));
  }

  // ------------------------------------------------------------------------------------------
  // Timers / recovery

  /** §5 rule 5: due delayed events to the tail of the queue; answers how many moved. */
  async promoteDue(): Promise<number> {
    return this.drain(() => this.call('promote', this.now(), 'promoter', [BATCH]));
  }

  /** §5 rule 6: events whose lease ran out go back to the tail, lastError "interrupted". */
  async recoverExpired(): Promise<number> {
    return this.drain(() => this.call('recover', this.now(), 'recovery', ['expired', `${this.runId}/`, BATCH]));
  }

  /** At start-up: every event in processing under another run's lease returns to the tail at once. */
  async recoverAll(): Promise<number> {
    return this.drain(() => this.call('recover', this.now(), 'recovery', ['all', `${this.runId}/`, BATCH]));
  }

  /** Drops done events older than retainDoneDays. */
  async purgeDone(): Promise<number> {
    const cutoff = Math.floor(this.now() - this.retainDoneDays * DAY_MS);
    return this.drain(() => this.call('purge', this.now(), 'retention', [cutoff, BATCH]));
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
    this.checkExpected(expectedStatus);
    const reply = asReply(
      await this.call('operator', this.now(), 'operator', [id, 'delete', expectedStatus ?? '', '']),
    );
    this.throwIfError(reply, 'delete', id);
  }

  async pause(): Promise<void> {
    await this.setPaused(true);
  }

  async resume(): Promise<void> {
    await this.setPaused(false);
  }

  async isPaused(): Promise<boolean> {
    return (await this.redis.exists(this.keys.paused)) === 1;
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  /**
   * The record and its history (oldest first), or null when unknown. The history is the event's own
   * stream (`rebalance_event_history:<id>`), one read of its own entries whatever the other events
   * wrote. A record from before that key existed (its own stream does not start with `enqueued`)
   * gets the entries it lacks from `rebalance_history`, read from an hour before the event was
   * created on (stream ids are the Redis server's clock), as far back as that stream is kept.
   */
  async get(id: string): Promise<EventDetail | null> {
    const key = eventKey(this.keys, id);
    const indexKey = eventHistoryKey(this.keys, id);
    const res = (await this.redis.multi().get(key).lrange(indexKey, 0, -1).exec()) ?? [];
    let raw = (res[0]?.[1] as string | null | undefined) ?? null;
    let ids = (res[1]?.[1] as string[] | null | undefined) ?? [];
    let status: EventStatus | null = null;
    if (raw === null) {
      status = await this.stateOf(id);
      if (status === null) return null;
      // Enqueued between the two reads: the record is there now.
      raw = await this.redis.get(key);
      ids = await this.redis.lrange(indexKey, 0, -1);
    }
    let reason = 'record missing';
    let event: EventRecord | null = null;
    if (raw !== null) {
      try {
        event = parseRecord(raw);
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
    }
    if (!event) {
      status ??= await this.stateOf(id);
      this.reportBad([id], reason);
      const pair = (await this.pairsOfHolders()).get(id) ?? null;
      event = placeholderRecord(id, status ?? 'held', pair, reason, iso(this.now()));
    }
    const { history, firstFound } = await this.entriesAt(id, ids);
    // The index starts with the event's enqueue, so it is whole; one whose first entry the stream still holds but is
    // not the enqueue was begun by an upgrade: the older entries come from a scan of the stream before it. (An index
    // whose first entries were trimmed from the stream by queue.historyLimit is whole too: those are gone.)
    if (ids.length > 0 && (!firstFound || history[0]?.action === 'enqueued')) return { event, history };
    const created = Date.parse(event.createdAt);
    const since = raw !== null && Number.isFinite(created) ? Math.max(0, created - HISTORY_SLACK_MS) : 0;
    return { event, history: [...(await this.historyOf(id, since, ids[0] ?? null)), ...history] };
  }

  /** The history entries at the stream ids of an event's index, oldest first (those trimmed away are left out). */
  private async entriesAt(id: string, ids: string[]): Promise<{ history: HistoryEntry[]; firstFound: boolean }> {
    if (ids.length === 0) return { history: [], firstFound: false };
    const m = this.redis.multi();
    for (const sid of ids) m.xrange(this.keys.history, sid, sid);
    const pages = (await m.exec()) ?? [];
    const history: HistoryEntry[] = [];
    pages.forEach(([, page]) => {
      for (const [streamId, fields] of (page as [string, string[]][] | null) ?? []) {
        const entry = parseHistoryEntry(streamId, fields);
        if (entry && entry.id === id) history.push(entry);
      }
    });
    const first = (pages[0]?.[1] as [string, string[]][] | null | undefined) ?? [];
    return { history, firstFound: first.length > 0 };
  }

  /** Entries of one event in the history stream from `sinceMs` on (until `before`, exclusive), read in pages. */
  private async historyOf(id: string, sinceMs: number, before: string | null): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    let start = `${Math.floor(sinceMs)}-0`;
    const end = before === null ? '+' : `(${before}`;
    for (;;) {
      const page = await this.redis.xrange(this.keys.history, start, end, 'COUNT', HISTORY_PAGE);
      for (const [streamId, fields] of page) {
        if (fields[1] !== id && !fieldsHaveId(fields, id)) continue;
        const entry = parseHistoryEntry(streamId, fields);
        if (entry && entry.id === id) out.push(entry);
      }
      const last = page.at(-1);
      if (page.length < HISTORY_PAGE || !last) return out;
      start = `(${last[0]}`;
    }
  }

  /**
   * Events in queue order (active, pending, delayed by due time, held by time held), done newest
   * first; optionally one state, one account and a text filter. Unreadable records appear as
   * placeholders (record.ts) and are logged.
   */
  async list(query: ListQuery = {}): Promise<ListResult> {
    const limit = Math.max(0, Math.floor(query.limit ?? 50));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    if (query.state !== undefined && !(EVENT_STATUSES as readonly unknown[]).includes(query.state)) {
      throw new QueueInvalidError(`unknown state ${JSON.stringify(query.state)}`);
    }
    const states: EventStatus[] = query.state
      ? [query.state]
      : ['active', 'pending', 'awaiting', 'delayed', 'held', 'done'];
    const q = query.q?.trim().toLowerCase() ?? '';
    const accountId = query.accountId?.trim() ?? '';

    if (!q && !accountId) {
      const counts = await this.counts();
      const total = states.reduce((n, s) => n + counts[s], 0);
      const page: { id: string; status: EventStatus }[] = [];
      let skip = offset;
      for (const s of states) {
        if (page.length >= limit) break;
        const n = counts[s];
        if (skip >= n) {
          skip -= n;
          continue;
        }
        const ids = await this.rangeOf(s, skip, skip + (limit - page.length) - 1);
        skip = 0;
        for (const id of ids) page.push({ id, status: s });
      }
      return { events: await this.load(page), total };
    }

    const candidates: { id: string; status: EventStatus }[] = [];
    for (const s of states) for (const id of await this.rangeOf(s, 0, -1)) candidates.push({ id, status: s });
    const records = await this.load(candidates);
    const matched = records.filter((r) => (!accountId || r.accountId === accountId) && (!q || matches(r, q)));
    return { events: matched.slice(offset, offset + limit), total: matched.length };
  }

  async counts(): Promise<QueueCounts> {
    const res =
      (await this.redis
        .multi()
        .llen(this.keys.queue)
        .zcard(this.keys.processing)
        .zcard(this.keys.delayed)
        .zcard(this.keys.held)
        .zcard(this.keys.done)
        .zcard(this.keys.awaiting)
        .exec()) ?? [];
    const n = (i: number): number => Number(res[i]?.[1] ?? 0);
    return { pending: n(0), awaiting: n(5), active: n(1), delayed: n(2), held: n(3), done: n(4) };
  }

  /**
   * Counts, the pause flag, and the age of the oldest pending event: how long it has been pending
   * (a pending record's updatedAt is when it entered the queue), over the first 20 in the queue —
   * the head is the oldest except after a hand-back, which goes to the head.
   */
  async status(): Promise<QueueStatus> {
    const [counts, paused, head] = await Promise.all([
      this.counts(),
      this.isPaused(),
      this.redis.lrange(this.keys.queue, 0, 19),
    ]);
    let oldestPendingAgeMs: number | null = null;
    if (head.length > 0) {
      const raws = await this.redis.mget(head.map((id) => eventKey(this.keys, id)));
      const now = this.now();
      for (const raw of raws) {
        if (raw === null) continue;
        try {
          const r = parseRecord(raw);
          const since = Date.parse(r.updatedAt);
          if (Number.isFinite(since)) oldestPendingAgeMs = Math.max(oldestPendingAgeMs ?? 0, Math.max(0, now - since));
        } catch {
          // reported by list / get
        }
      }
      oldestPendingAgeMs ??= 0;
    }
    return { counts, paused, oldestPendingAgeMs };
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  private call(name: ScriptName, now: number, by: string, args: (string | number)[]): Promise<unknown> {
    return this.scripts.call(name, this.keyList, [
      this.keys.eventPrefix,
      this.keys.changes,
      Math.floor(now),
      iso(now),
      by,
      this.historyLimit,
      ...args,
    ]);
  }

  /**
   * Group commit: the calls of `script` made together — before the calling code next waits (a signal
   * fanned out to many accounts, workers woken by the same reply) — go to Redis as one script call,
   * sent at the end of the current microtask queue, so no call waits for a timer. They run in the
   * order they were made, each with its own reply ({-9, message} when Redis refused one of its
   * commands). With appendfsync always they were written with one fsync anyway; this saves Redis
   * the per-call work.
   */
  private batched(script: BatchedScript, args: (string | number)[], bytes: number): Promise<Reply> {
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
    this.call(
      script,
      this.now(),
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
    if (this.minReplicas === 0) return;
    const acks = await waitForReplicas(this.redis, this.minReplicas, REPLICA_WAIT_MS);
    if (acks >= this.minReplicas) return;
    throw new QueueReplicationError(
      `Redis confirmed the ${script} of ${count} event(s) on ${acks} of ${this.minReplicas} required replica(s) ` +
        `within ${REPLICA_WAIT_MS} ms (redis.minReplicas); not acknowledged, try again`,
    );
  }

  private leaseOwner(owner: string): string {
    return `${this.runId}/${owner}`;
  }

  private throwIfError(reply: Reply, op: string, id: string): void {
    const err = toError(reply, op, id);
    if (err) throw err;
  }

  private checkExpected(expected: EventStatus | undefined): void {
    if (expected !== undefined && !(EVENT_STATUSES as readonly unknown[]).includes(expected)) {
      throw new QueueInvalidError(`unknown state ${JSON.stringify(expected)}`);
    }
  }

  private async operate(
    id: string,
    action: 'retry' | 'hold' | 'release',
    expected: EventStatus | undefined,
    note: string,
  ): Promise<EventRecord> {
    this.checkExpected(expected);
    const reply = asReply(await this.call('operator', this.now(), 'operator', [id, action, expected ?? '', note]));
    this.throwIfError(reply, action, id);
    const record = this.parseOrNull(String(reply[1]), id);
    if (!record) throw new QueueInvalidError(`event ${id} was moved, but its record is unreadable`);
    return record;
  }

  private recordOf(reply: Reply, op: string, id: string): EventRecord {
    this.throwIfError(reply, op, id);
    const record = this.parseOrNull(String(reply[1]), id);
    if (!record) throw new QueueInvalidError(`event ${id} was moved, but its record is unreadable`);
    return record;
  }

  private parseOrNull(raw: string, id: string): EventRecord | null {
    try {
      return parseRecord(raw);
    } catch (err) {
      this.reportBad([id], err instanceof Error ? err.message : String(err));
      return null;
    }
  }

  private async drain(step: () => Promise<unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = Number(await step());
      total += n;
      if (n < BATCH) return total;
    }
  }

  private async setPaused(paused: boolean): Promise<void> {
    const now = this.now();
    const change: QueueChange = {
      id: '',
      accountId: '',
      action: paused ? 'paused' : 'resumed',
      from: null,
      to: null,
      at: iso(now),
    };
    const m = this.redis.multi();
    if (paused) m.set(this.keys.paused, '1');
    else m.del(this.keys.paused);
    m.publish(this.keys.changes, JSON.stringify(change));
    await m.exec();
  }

  private tick(): void {
    if (this.tickRunning) return;
    this.tickRunning = (async () => {
      try {
        await this.promoteDue();
        await this.approveDue();
        await this.recoverExpired();
        const now = this.now();
        if (now - this.lastPurge >= this.purgeIntervalMs) {
          this.lastPurge = now;
          await this.purgeDone();
        }
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'queue timer failed; will retry');
      } finally {
        this.tickRunning = null;
      }
    })();
  }

  private reportBad(ids: string[], reason: string): void {
    for (const id of ids) {
      const key = `${id}\n${reason}`;
      if (this.reportedBad.has(key)) continue;
      this.reportedBad.add(key);
      this.log.error({ eventId: id, reason }, `event ${id}: unreadable record in Redis (${reason})`);
    }
  }

  private async stateOf(id: string): Promise<EventStatus | null> {
    const res =
      (await this.redis
        .multi()
        .zscore(this.keys.processing, id)
        .zscore(this.keys.delayed, id)
        .zscore(this.keys.held, id)
        .zscore(this.keys.done, id)
        .lpos(this.keys.queue, id)
        .zscore(this.keys.awaiting, id)
        .exec()) ?? [];
    const hit = (i: number): boolean => res[i]?.[1] != null;
    if (hit(0)) return 'active';
    if (hit(1)) return 'delayed';
    if (hit(2)) return 'held';
    if (hit(5)) return 'awaiting';
    if (hit(3)) return 'done';
    if (hit(4)) return 'pending';
    return null;
  }

  private rangeOf(state: EventStatus, start: number, stop: number): Promise<string[]> {
    switch (state) {
      case 'pending':
        return this.redis.lrange(this.keys.queue, start, stop);
      case 'active':
        return this.redis.zrange(this.keys.processing, start, String(stop));
      case 'delayed':
        return this.redis.zrange(this.keys.delayed, start, String(stop));
      case 'held':
        return this.redis.zrange(this.keys.held, start, String(stop));
      case 'awaiting':
        return this.redis.zrange(this.keys.awaiting, start, String(stop));
      case 'done':
        return this.redis.zrevrange(this.keys.done, start, stop);
    }
  }

  /** id → `accountId:command` of every event holding a pair (for placeholders of unreadable records). */
  private async pairsOfHolders(): Promise<Map<string, string>> {
    const all = await this.redis.hgetall(this.keys.activeOwner);
    return new Map(Object.entries(all).map(([pair, id]) => [id, pair]));
  }

  /** Records for ids (placeholders for unreadable ones), in the given order. */
  private async load(items: { id: string; status: EventStatus }[]): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    const nowIso = iso(this.now());
    for (let i = 0; i < items.length; i += 500) {
      const part = items.slice(i, i + 500);
      const raws = await this.redis.mget(part.map((p) => eventKey(this.keys, p.id)));
      const records: (EventRecord | string)[] = part.map((p, j) => {
        const raw = raws[j];
        if (raw == null) return 'record missing';
        try {
          const r = parseRecord(raw);
          return r.status === p.status ? r : { ...r, status: p.status };
        } catch (err) {
          return err instanceof RecordError ? err.message : String(err);
        }
      });
      const bad = part.filter((_, j) => typeof records[j] === 'string');
      const pairs = bad.length ? await this.pairsOfHolders() : new Map<string, string>();
      part.forEach((p, j) => {
        const r = records[j];
        if (r === undefined) return;
        if (typeof r !== 'string') {
          out.push(r);
          return;
        }
        this.reportBad([p.id], r);
        out.push(placeholderRecord(p.id, p.status, pairs.get(p.id) ?? null, r, nowIso));
      });
    }
    return out;
  }
}

function matches(r: EventRecord, q: string): boolean {
  const fields = [
    r.id,
    r.eventId,
    r.accountId,
    r.command,
    r.strategy ?? '',
    r.lastError?.message ?? '',
    r.lastError?.kind ?? '',
    r.heldReason ?? '',
  ];
  return fields.some((f) => f.toLowerCase().includes(q));
}
