/**
 * The queue's reads (§5, §11): list, get (record + its own history), counts and status. Plain Redis reads, no
 * scripts; an unreadable record is shown as a placeholder (record.ts) and logged once (BadRecords).
 */
import {
  EVENT_STATUSES,
  type EventRecord,
  type EventStatus,
  type HistoryEntry,
  type QueueCounts,
  type QueueStatus,
} from '../../shared/dto';
import type { RedisClient } from '../redis/topology';
import { QueueInvalidError } from './errors';
import { eventHistoryKey, eventKey, type QueueKeys } from './keys';
import { iso } from './lua-scripts';
import type { BadRecords } from './queue-log';
import { RecordError, parseHistoryEntry, parseRecord, placeholderRecord } from './record';

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

export interface EventDetail {
  event: EventRecord;
  history: HistoryEntry[];
}

/** get() reads the history stream from this long before the event's createdAt (clock skew). */
const HISTORY_SLACK_MS = 3_600_000;
const HISTORY_PAGE = 1_000;

function fieldsHaveId(fields: string[], id: string): boolean {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'id') return fields[i + 1] === id;
  return false;
}

export class QueueReads {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: QueueKeys,
    private readonly now: () => number,
    private readonly bad: BadRecords,
  ) {}

  /**
   * The record and its history (oldest first), or null when unknown. The history is read at the
   * stream ids of the event's own index (`rebalance_event_history:<id>`), so it costs its own entries
   * whatever the other events wrote. A record from before that key existed (its index does not start with `enqueued`)
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
      this.bad.report([id], reason);
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

  async isPaused(): Promise<boolean> {
    return (await this.redis.exists(this.keys.paused)) === 1;
  }

  /** The state an event is in, from the sets (authoritative), or null. */
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
        this.bad.report([p.id], r);
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
