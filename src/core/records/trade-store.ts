import { EventEmitter } from 'node:events';
import { appKey, eventKey, queueKeys, type QueueKeys } from '../queue/keys';
import type { RedisClient } from '../redis/topology';
import type { TradeRecord } from '../../shared/dto';

/**
 * Every order and fill kept as a trade record (§13), in the Redis stream `rebalance_trades`. An audit trail (§24):
 * deleting an event never deletes its trades; a listed trade whose event is gone is marked `eventDeleted`.
 */
export class TradeStore {
  private readonly emitter = new EventEmitter();
  readonly key: string;
  private readonly queueKeys: QueueKeys;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
    private readonly maxLength = 200_000,
  ) {
    this.key = appKey(keyPrefix, 'rebalance_trades');
    this.queueKeys = queueKeys(keyPrefix);
  }

  async add(trade: TradeRecord): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLength), '*', 'trade', JSON.stringify(trade));
    this.emitter.emit('trade', trade);
  }

  /** Newest last; `since` is an ISO time; at most `limit` (the newest ones). */
  async list(
    filter: { accountId?: string; eventId?: string; since?: string; limit?: number } = {},
  ): Promise<TradeRecord[]> {
    const limit = filter.limit ?? 1_000;
    const start = filter.since ? String(Date.parse(filter.since)) : '-';
    const out: TradeRecord[] = [];
    let end = '+';
    // Read backwards in pages until enough matching records are found.
    for (;;) {
      const page = await this.redis.xrevrange(this.key, end, start, 'COUNT', 500);
      for (const [, fields] of page) {
        const trade = parseTrade(fields);
        if (!trade) continue;
        if (filter.accountId && trade.accountId !== filter.accountId) continue;
        if (filter.eventId && trade.eventId !== filter.eventId) continue;
        out.push(trade);
        if (out.length >= limit) return this.markDeleted(out.reverse());
      }
      if (page.length < 500) return this.markDeleted(out.reverse());
      const lastId = page[page.length - 1]![0];
      end = `(${lastId}`;
    }
  }

  /** Marks the trades whose event record is gone (deleted or trimmed) with `eventDeleted` (§24). */
  private async markDeleted(trades: TradeRecord[]): Promise<TradeRecord[]> {
    const ids = [...new Set(trades.flatMap((t) => (t.eventId ? [t.eventId] : [])))];
    if (ids.length === 0) return trades;
    const gone = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const pipeline = this.redis.pipeline();
      for (const id of part) pipeline.exists(eventKey(this.queueKeys, id));
      const answers = (await pipeline.exec()) ?? [];
      part.forEach((id, k) => {
        if (answers[k]?.[1] === 0) gone.add(id);
      });
    }
    return gone.size === 0
      ? trades
      : trades.map((t) => (t.eventId && gone.has(t.eventId) ? { ...t, eventDeleted: true } : t));
  }

  onTrade(listener: (trade: TradeRecord) => void): () => void {
    this.emitter.on('trade', listener);
    return () => this.emitter.off('trade', listener);
  }
}

function parseTrade(fields: string[]): TradeRecord | null {
  const index = fields.indexOf('trade');
  if (index < 0) return null;
  try {
    return JSON.parse(fields[index + 1] ?? '') as TradeRecord;
  } catch {
    return null;
  }
}
