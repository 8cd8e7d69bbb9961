import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

export interface AccountState {
  lastRebalance: { at: string; eventId: string; asOf: string | null } | null;
  lastResult: { at: string; eventId: string; command: string; ok: boolean; summary: string } | null;
  /** Largest |current − target| weight at the last plan, 0..1. */
  drift: number | null;
  /**
   * Symbol → target weight (0..1, replacement set applied) of the last finished rebalance: the baseline of
   * `limits.maxAllocationChangePercent` (§23). Null before the first one.
   */
  lastTargetWeights: Record<string, number> | null;
}

const EMPTY: AccountState = { lastRebalance: null, lastResult: null, drift: null, lastTargetWeights: null };

/**
 * What the app remembers per account between runs (HASH `rebalance_account_state`): the allocation `as_of` it last
 * rebalanced to (for catch-up, §6), its last result and drift (for the Accounts page), and the target weights it last
 * rebalanced to (for `limits.maxAllocationChangePercent`, §23).
 */
export class AccountStateStore {
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
  ) {
    this.key = appKey(keyPrefix, 'rebalance_account_state');
  }

  async get(accountId: string): Promise<AccountState> {
    return parse(await this.redis.hget(this.key, accountId));
  }

  async all(): Promise<Map<string, AccountState>> {
    const raw = await this.redis.hgetall(this.key);
    return new Map(Object.entries(raw).map(([id, text]) => [id, parse(text)]));
  }

  async lastAsOf(accountId: string): Promise<string | null> {
    return (await this.get(accountId)).lastRebalance?.asOf ?? null;
  }

  async update(accountId: string, change: Partial<AccountState>): Promise<AccountState> {
    const next = { ...(await this.get(accountId)), ...change };
    await this.redis.hset(this.key, accountId, JSON.stringify(next));
    return next;
  }
}

function parse(text: string | null): AccountState {
  if (!text) return { ...EMPTY };
  try {
    return { ...EMPTY, ...(JSON.parse(text) as Partial<AccountState>) };
  } catch {
    return { ...EMPTY };
  }
}
