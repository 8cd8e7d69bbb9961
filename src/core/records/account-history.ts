/**
 * §25 account history: a sample of each account's net liquidation (`nav`) and drift at every drift check and after
 * every finished rebalance, for the Accounts page's NAV and drift charts.
 *
 * Keys (`appKey`, so they carry the queue's `{rd}` hash tag and live in its Cluster slot):
 * - `rebalance_account_history:<metric>:<accountId>`  ZSET  member `<ms>:<value>`, score = sample time (ms)
 *
 * Kept `retainDays` (400): every write also removes the samples older than that (ZREMRANGEBYSCORE) and, as a bound
 * on a key written far more often than planned, all but the newest `maxSamples`, in the same MULTI.
 */
import { HISTORY_METRICS, type HistoryMetric, type HistoryPoint } from '../../shared/dto';
import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

const DAY_MS = 86_400_000;

export interface AccountHistoryOptions {
  redis: RedisClient;
  keyPrefix?: string;
  /** How long samples are kept (default 400 days). */
  retainDays?: number;
  /** The most samples kept per account and metric (default 100 000: a check a minute for 69 days). */
  maxSamples?: number;
  now?: () => number;
}

export interface HistorySample {
  accountId: string;
  at: string;
  /** Net liquidation and / or drift (percentage points) at `at`; a metric left out is not sampled. */
  nav?: number | null;
  drift?: number | null;
}

export class AccountHistory {
  private readonly prefix: string;
  private readonly retainMs: number;
  private readonly maxSamples: number;
  private readonly now: () => number;

  constructor(private readonly options: AccountHistoryOptions) {
    this.prefix = appKey(options.keyPrefix ?? '', 'rebalance_account_history:');
    this.retainMs = (options.retainDays ?? 400) * DAY_MS;
    this.maxSamples = options.maxSamples ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  key(metric: HistoryMetric, accountId: string): string {
    return `${this.prefix}${metric}:${accountId}`;
  }

  /** Stores the sample's metrics that are finite numbers, trimming each key to its retention in the same call. */
  async record(sample: HistorySample): Promise<void> {
    await this.recordAll([sample]);
  }

  /** `record` for many samples in one MULTI (the demo's seeded history). */
  async recordAll(samples: readonly HistorySample[]): Promise<void> {
    const oldest = this.now() - this.retainMs;
    const multi = this.options.redis.multi();
    const touched = new Set<string>();
    for (const sample of samples) {
      const ms = Date.parse(sample.at);
      if (!Number.isFinite(ms)) throw new Error(`history sample of ${sample.accountId}: "${sample.at}" is not a time`);
      if (ms < oldest) continue;
      for (const metric of HISTORY_METRICS) {
        const value = sample[metric];
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        const key = this.key(metric, sample.accountId);
        multi.zadd(key, ms, `${ms}:${value}`);
        touched.add(key);
      }
    }
    if (touched.size === 0) return;
    for (const key of touched) {
      multi.zremrangebyscore(key, '-inf', `(${oldest}`);
      multi.zremrangebyrank(key, 0, -(this.maxSamples + 1));
    }
    await multi.exec();
  }

  /** Whether the account has any sample of `metric`. */
  async has(accountId: string, metric: HistoryMetric): Promise<boolean> {
    return (await this.options.redis.zcard(this.key(metric, accountId))) > 0;
  }

  /** The account's samples of `metric` from `since` (ISO; default: all kept), oldest first. */
  async read(accountId: string, metric: HistoryMetric, since?: string): Promise<HistoryPoint[]> {
    const from = Math.max(since ? Date.parse(since) : 0, this.now() - this.retainMs);
    const members = await this.options.redis.zrangebyscore(this.key(metric, accountId), String(from), '+inf');
    const points: HistoryPoint[] = [];
    for (const member of members) {
      const split = member.indexOf(':');
      const ms = Number(member.slice(0, split));
      const value = Number(member.slice(split + 1));
      if (split > 0 && Number.isFinite(ms) && Number.isFinite(value)) {
        points.push({ at: new Date(ms).toISOString(), value });
      }
    }
    return points;
  }
}
