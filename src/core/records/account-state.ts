import type { DriftReading } from '../../shared/dto';
import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

export interface AccountState {
  lastRebalance: { at: string; eventId: string; asOf: string | null } | null;
  lastResult: { at: string; eventId: string; command: string; ok: boolean; summary: string } | null;
  /** §20: the account's drift at the drift monitor's last check or after its last rebalance, whichever is newer. */
  drift: DriftReading | null;
  /**
   * §20: true once a drift above `drift.alertPercent` has been notified, until the drift falls back to or below it
   * (one notification per crossing, also across a restart).
   */
  driftAlerted: boolean;
  /** §20: why the drift monitor's last check could not measure the account, or null when it could. */
  driftError: { at: string; message: string } | null;
  /**
   * Symbol → target weight (0..1, replacement set applied) of the last finished rebalance: the baseline of
   * `limits.maxAllocationChangePercent` (§23). Null before the first one.
   */
  lastTargetWeights: Record<string, number> | null;
}

type StoredState = Omit<AccountState, 'drift' | 'driftAlerted' | 'driftError'>;

const EMPTY: StoredState = { lastRebalance: null, lastResult: null, lastTargetWeights: null };

/**
 * What the app remembers per account between runs (HASH `rebalance_account_state`): the allocation `as_of` it last
 * rebalanced to (for catch-up, §6), its last result (for the Accounts page), and the target weights it last
 * rebalanced to (for `limits.maxAllocationChangePercent`, §23).
 *
 * The drift (§20) lives beside it in HASH `rebalance_account_drift` — field `<accountId>` the last reading, field
 * `<accountId>:alert` "1" while a crossing has been notified, field `<accountId>:error` why the last check could not
 * measure it — so the drift monitor's writes never race a
 * rebalance's read-modify-write of the record above. A record from before the monitor, whose `drift` was a 0..1
 * number, reads as that drift in percentage points at the time of its last rebalance.
 */
export class AccountStateStore {
  readonly key: string;
  readonly driftKey: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
  ) {
    this.key = appKey(keyPrefix, 'rebalance_account_state');
    this.driftKey = appKey(keyPrefix, 'rebalance_account_drift');
  }

  async get(accountId: string): Promise<AccountState> {
    const [record, drift, alert, error] = await Promise.all([
      this.redis.hget(this.key, accountId),
      this.redis.hget(this.driftKey, accountId),
      this.redis.hget(this.driftKey, alertField(accountId)),
      this.redis.hget(this.driftKey, errorField(accountId)),
    ]);
    return combine(record, drift, alert, error);
  }

  async all(): Promise<Map<string, AccountState>> {
    const [records, drifts] = await Promise.all([this.redis.hgetall(this.key), this.redis.hgetall(this.driftKey)]);
    const ids = new Set([...Object.keys(records), ...Object.keys(drifts).map((f) => f.split(':')[0]!)]);
    return new Map(
      [...ids].map((id) => [
        id,
        combine(
          records[id] ?? null,
          drifts[id] ?? null,
          drifts[alertField(id)] ?? null,
          drifts[errorField(id)] ?? null,
        ),
      ]),
    );
  }

  async lastAsOf(accountId: string): Promise<string | null> {
    return (await this.get(accountId)).lastRebalance?.asOf ?? null;
  }

  async update(accountId: string, change: Partial<AccountState>): Promise<AccountState> {
    const { drift, driftAlerted, driftError: _error, ...rest } = change;
    if (drift !== undefined) await this.setDrift(accountId, drift);
    if (driftAlerted !== undefined) await this.setDriftAlerted(accountId, driftAlerted);
    if (Object.keys(rest).length > 0) {
      const current = parse(await this.redis.hget(this.key, accountId));
      await this.redis.hset(this.key, accountId, JSON.stringify({ ...current, ...rest }));
    }
    return this.get(accountId);
  }

  /** Stores a drift reading (null forgets it); a reading clears the last check's error. */
  async setDrift(accountId: string, drift: DriftReading | null): Promise<void> {
    if (drift === null) await this.redis.hdel(this.driftKey, accountId);
    else {
      await this.redis
        .multi()
        .hset(this.driftKey, accountId, JSON.stringify(drift))
        .hdel(this.driftKey, errorField(accountId))
        .exec();
    }
  }

  /** Why the drift monitor could not measure the account this time (its last reading stays). */
  async setDriftError(accountId: string, error: { at: string; message: string }): Promise<void> {
    await this.redis.hset(this.driftKey, errorField(accountId), JSON.stringify(error));
  }

  /** Marks a drift crossing as notified (true) or re-arms the alert (false). */
  async setDriftAlerted(accountId: string, alerted: boolean): Promise<void> {
    if (alerted) await this.redis.hset(this.driftKey, alertField(accountId), '1');
    else await this.redis.hdel(this.driftKey, alertField(accountId));
  }
}

const alertField = (accountId: string): string => `${accountId}:alert`;
const errorField = (accountId: string): string => `${accountId}:error`;

function parse(text: string | null): StoredState & { drift?: unknown } {
  if (!text) return { ...EMPTY };
  try {
    return { ...EMPTY, ...(JSON.parse(text) as Partial<StoredState>) };
  } catch {
    return { ...EMPTY };
  }
}

function isReading(value: unknown): value is DriftReading {
  const r = value as DriftReading | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.percent === 'number' &&
    typeof r.at === 'string' &&
    typeof r.bySymbol === 'object' &&
    r.bySymbol !== null
  );
}

function combine(
  record: string | null,
  driftText: string | null,
  alert: string | null,
  errorText: string | null,
): AccountState {
  const { drift: legacy, ...stored } = parse(record);
  let drift: DriftReading | null = null;
  if (driftText) {
    try {
      const value: unknown = JSON.parse(driftText);
      if (isReading(value)) drift = value;
    } catch {
      drift = null;
    }
  } else if (typeof legacy === 'number' && Number.isFinite(legacy) && stored.lastRebalance) {
    // Before the drift monitor a rebalance stored its drift as a 0..1 number, without symbols.
    drift = { percent: Math.round(legacy * 100 * 10_000) / 10_000, at: stored.lastRebalance.at, bySymbol: {} };
  }
  let driftError: AccountState['driftError'] = null;
  try {
    const e = errorText ? (JSON.parse(errorText) as { at?: unknown; message?: unknown }) : null;
    if (e && typeof e.at === 'string' && typeof e.message === 'string') driftError = { at: e.at, message: e.message };
  } catch {
    driftError = null;
  }
  return { ...stored, drift, driftAlerted: alert === '1', driftError };
}
