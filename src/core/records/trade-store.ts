import { EventEmitter } from 'node:events';
import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';
import type { TradeRecord } from '../../shared/dto';

/** Every order and fill kept as a trade record (§13), in the Redis stream `rebalance_trades`. */
export class TradeStore {
  private readonly emitter = new EventEmitter();
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
    private readonly maxLength = 200_000,
  ) {
    this.key = appKey(keyPrefix, 'rebalance_trades');
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
        if (out.length >= limit) return out.reverse();
      }
      if (page.length < 500) return out.reverse();
      const lastId = page[page.length - 1]![0];
      end = `(${lastId}`;
    }
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
