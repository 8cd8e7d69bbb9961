/**
 * §20 `GET /api/reports` as an index instead of a scan of the newest done events. Keys (all `appKey`, so they carry
 * the `{rd}` hash tag of the queue's keys):
 * - `rebalance_reports`                      ZSET  ids of done `rebalance` events with `result.report`, score = done
 *                                                  time (ms), the score of `rebalance_done`
 * - `rebalance_reports_account:<accountId>`  ZSET  the same, one account's
 * - `rebalance_reports_data`                 HASH  id → the report entry (JSON), kept when its event is gone (§24)
 * - `rebalance_reports_scanned`              STRING the `rebalance_done` score up to which done events were indexed
 *
 * An id is added right after its event completes (the runtime's queue listener), before its event is deleted (the
 * delete operation) and, so that nothing is missed (a crash between completion and that, another core's completion,
 * data from before the index), every read first indexes the done events completed since `rebalance_reports_scanned`
 * (less a few seconds for clocks of several cores); the first read after an upgrade indexes every done event once.
 *
 * §24 trade records are an audit trail: a report outlives its event — deleted by the trader (one or in bulk) or trimmed
 * by retention (`queue.retainDoneDays`) or `historyLimit` — and is listed from `rebalance_reports_data`, marked
 * `eventDeleted`. Only an id with neither its record nor its data (indexed before the data was kept, then deleted) is
 * skipped, not counted, and removed.
 */
import type { Logger } from 'pino';
import type { EventRecord, Plan, RebalanceReport, TradeReport } from '../../shared/dto';
import { appKey, eventKey, queueKeys, type QueueKeys } from '../queue/keys';
import { parseRecord } from '../queue/record';
import type { RedisClient } from '../redis/topology';

/** Done events this much older than the watermark are looked at again (completions by cores with other clocks). */
const RESCAN_MS = 5_000;
const PAGE = 500;

export interface ReportIndexOptions {
  redis: RedisClient;
  keyPrefix?: string;
  /**
   * `queue.retainDoneDays` in force. Since §24 reports outlive their events (an audit trail), retention no longer
   * trims them; kept so callers need not change.
   */
  retainDoneDays: () => number;
  now?: () => number;
  log?: Logger;
}

export interface ReportQuery {
  accountId?: string;
  since?: string;
  limit: number;
}

/** The report of a done rebalance event, or null when it has none (a preview, a failure, a rejected plan). */
export function reportEntryOf(event: EventRecord): RebalanceReport | null {
  if ((event.command !== 'rebalance' && event.command !== 'raise-cash') || event.status !== 'done') return null;
  const result = event.result as { report?: TradeReport; plan?: Plan } | null;
  const report = result?.report;
  if (!report || !Array.isArray(report.rows) || typeof report.totals !== 'object' || report.totals === null) {
    return null;
  }
  return {
    eventId: event.id,
    accountId: event.accountId,
    command: event.command,
    strategy: event.strategy ?? result.plan?.strategy ?? null,
    asOf: result.plan?.asOf ?? null,
    finishedAt: event.updatedAt,
    totals: report.totals,
    rows: report.rows,
  };
}

export class ReportIndex {
  readonly key: string;
  readonly dataKey: string;
  readonly scannedKey: string;
  private readonly accountPrefix: string;
  private readonly keys: QueueKeys;
  private readonly now: () => number;
  private catchingUp: Promise<number> | null = null;

  constructor(private readonly options: ReportIndexOptions) {
    const prefix = options.keyPrefix ?? '';
    this.key = appKey(prefix, 'rebalance_reports');
    this.dataKey = appKey(prefix, 'rebalance_reports_data');
    this.scannedKey = appKey(prefix, 'rebalance_reports_scanned');
    this.accountPrefix = appKey(prefix, 'rebalance_reports_account:');
    this.keys = queueKeys(prefix);
    this.now = options.now ?? Date.now;
  }

  /** Indexes a finished event if it is a rebalance with a report; returns whether it was. */
  async add(event: EventRecord): Promise<boolean> {
    const entry = reportEntryOf(event);
    if (!entry) return false;
    const score = Date.parse(entry.finishedAt);
    await this.options.redis
      .multi()
      .zadd(this.key, score, event.id)
      .zadd(this.accountPrefix + event.accountId, score, event.id)
      .hset(this.dataKey, event.id, JSON.stringify(entry))
      .exec();
    return true;
  }

  /**
   * Indexes the done events completed since the last call (all of them the first time); calls share one pass.
   * Returns how many reports it added.
   */
  catchUp(): Promise<number> {
    if (!this.catchingUp) {
      this.catchingUp = this.scanDone().finally(() => {
        this.catchingUp = null;
      });
    }
    return this.catchingUp;
  }

  /**
   * The reports newest first, at most `limit`, with how many match in all; a report whose event is gone is listed
   * from its kept data, marked `eventDeleted` (§24).
   */
  async reports({ accountId, since, limit }: ReportQuery): Promise<{ reports: RebalanceReport[]; total: number }> {
    const { redis } = this.options;
    await this.catchUp();
    const key = accountId ? this.accountPrefix + accountId : this.key;
    const from = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
    const ids = await redis.zrevrangebyscore(key, '+inf', Number.isFinite(from) ? String(from) : '-inf');

    const reports: RebalanceReport[] = [];
    const stale: string[] = [];
    let more = 0;
    let pos = 0;
    while (pos < ids.length && reports.length < limit) {
      const part = ids.slice(pos, pos + Math.min(PAGE, limit - reports.length + 10));
      pos += part.length;
      const [raws, kept] = await Promise.all([
        redis.mget(part.map((id) => eventKey(this.keys, id))),
        redis.hmget(this.dataKey, ...part),
      ]);
      part.forEach((id, j) => {
        const raw = raws[j] ?? null;
        const entry = raw ? entryOf(raw) : keptEntryOf(kept[j] ?? null);
        if (!entry || (accountId && entry.accountId !== accountId)) stale.push(id);
        else if (reports.length < limit) reports.push(entry);
        else more += 1;
      });
    }
    // The rest are only counted: an id with neither its record nor its kept data is not a report any more.
    for (; pos < ids.length; pos += PAGE) {
      const part = ids.slice(pos, pos + PAGE);
      const pipeline = redis.pipeline();
      for (const id of part) pipeline.exists(eventKey(this.keys, id)).hexists(this.dataKey, id);
      const answers = (await pipeline.exec()) ?? [];
      part.forEach((id, k) => {
        if (answers[2 * k]?.[1] === 1 || answers[2 * k + 1]?.[1] === 1) more += 1;
        else stale.push(id);
      });
    }
    if (stale.length > 0) {
      const m = redis.multi().zrem(this.key, ...stale);
      if (accountId) m.zrem(this.accountPrefix + accountId, ...stale);
      await m.exec();
    }
    return { reports, total: reports.length + more };
  }

  private async scanDone(): Promise<number> {
    const { redis, log } = this.options;
    const mark = Number(await redis.get(this.scannedKey));
    let from = Number.isFinite(mark) && mark > 0 ? mark - RESCAN_MS : Number.NEGATIVE_INFINITY;
    let highest = Number.isFinite(mark) ? mark : 0;
    let added = 0;
    let offset = 0;
    for (;;) {
      const page = await redis.zrangebyscore(
        this.keys.done,
        from === Number.NEGATIVE_INFINITY ? '-inf' : String(from),
        '+inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        PAGE,
      );
      if (page.length === 0) break;
      const ids: string[] = [];
      const scores: number[] = [];
      for (let k = 0; k < page.length; k += 2) {
        ids.push(page[k]!);
        scores.push(Number(page[k + 1]));
      }
      const raws = await redis.mget(ids.map((id) => eventKey(this.keys, id)));
      const found: { id: string; score: number; entry: RebalanceReport }[] = [];
      ids.forEach((id, k) => {
        const raw = raws[k];
        // Most done events are not reports; only records that mention one are parsed.
        if (!raw || !raw.includes('"report"')) return;
        const entry = entryOf(raw);
        if (entry) found.push({ id, score: scores[k]!, entry });
      });
      if (found.length > 0) {
        const m = redis.multi();
        for (const f of found) {
          m.zadd(this.key, f.score, f.id)
            .zadd(this.accountPrefix + f.entry.accountId, f.score, f.id)
            .hset(this.dataKey, f.id, JSON.stringify(f.entry));
        }
        await m.exec();
      }
      added += found.length;
      const last = scores[scores.length - 1]!;
      highest = Math.max(highest, last);
      if (ids.length < PAGE) break;
      // The next page starts at the last score, past the ids of that score already read.
      const ties = scores.filter((score) => score === last).length;
      offset = last === from ? offset + ties : ties;
      from = last;
    }
    if (highest > 0) await redis.set(this.scannedKey, String(highest));
    if (added > 0) log?.info({ added }, `indexed ${added} report(s) of done rebalances`);
    return added;
  }
}

function entryOf(raw: string | null): RebalanceReport | null {
  if (!raw) return null;
  try {
    return reportEntryOf(parseRecord(raw));
  } catch {
    return null;
  }
}

/** A report kept after its event was deleted or trimmed (§24), marked so. */
function keptEntryOf(raw: string | null): RebalanceReport | null {
  if (!raw) return null;
  try {
    const entry = JSON.parse(raw) as RebalanceReport;
    return typeof entry?.eventId === 'string' && Array.isArray(entry.rows) ? { ...entry, eventDeleted: true } : null;
  } catch {
    return null;
  }
}
