import type { CashFlow } from '../../shared/dto';
import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

/** What the detector last saw of an account: its cash, when, and the executions already counted that day. */
export interface CashBaseline {
  cash: number;
  at: string;
  /** New York date (yyyymmdd) of `execIds`. */
  day: string;
  execIds: string[];
}

/**
 * §27 cash flows in Redis: LIST `rebalance_cash_flows` (newest first, the last `maxLength` kept) and HASH
 * `rebalance_cash_baseline` (per account the detector's last reading).
 */
export class CashFlowStore {
  readonly key: string;
  readonly baselineKey: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
    private readonly maxLength = 2_000,
  ) {
    this.key = appKey(keyPrefix, 'rebalance_cash_flows');
    this.baselineKey = appKey(keyPrefix, 'rebalance_cash_baseline');
  }

  async add(flow: CashFlow): Promise<void> {
    await this.redis.lpush(this.key, JSON.stringify(flow));
    await this.redis.ltrim(this.key, 0, this.maxLength - 1);
  }

  /** Newest first, optionally of one account. */
  async list(filter: { accountId?: string; limit?: number } = {}): Promise<CashFlow[]> {
    const limit = filter.limit ?? 100;
    const raw = await this.redis.lrange(this.key, 0, this.maxLength - 1);
    const out: CashFlow[] = [];
    for (const text of raw) {
      let flow: CashFlow;
      try {
        flow = JSON.parse(text) as CashFlow;
      } catch {
        continue;
      }
      if (filter.accountId && flow.accountId !== filter.accountId) continue;
      out.push(flow);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The newest cash flow of each account. */
  async latest(): Promise<Map<string, CashFlow>> {
    const out = new Map<string, CashFlow>();
    for (const flow of await this.list({ limit: this.maxLength }))
      if (!out.has(flow.accountId)) out.set(flow.accountId, flow);
    return out;
  }

  async baseline(accountId: string): Promise<CashBaseline | null> {
    const text = await this.redis.hget(this.baselineKey, accountId);
    if (!text) return null;
    try {
      return JSON.parse(text) as CashBaseline;
    } catch {
      return null;
    }
  }

  async setBaseline(accountId: string, baseline: CashBaseline): Promise<void> {
    await this.redis.hset(this.baselineKey, accountId, JSON.stringify(baseline));
  }
}
