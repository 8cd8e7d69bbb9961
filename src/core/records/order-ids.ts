/**
 * §24 "order ids are never reused": the highest IB order id this app has used, per client id, kept with the queue in
 * ZSET `rebalance_order_ids` (member = client id, score = highest id). IB Gateway restarted on the same day can answer
 * `nextValidId` below ids already used; the IB client takes max(nextValidId, this + 1). Written with `ZADD … GT`, so
 * the stored id only ever rises (two cores, or a late write, can never lower it).
 */
import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

/** The port core/ib uses (see `OrderIdStore` in core/ib/connection.ts). */
export class RedisOrderIdStore {
  readonly key: string;

  /**
   * `gateway` (§28): another gateway's order ids are its own (the same client id at two logins are two clients), so
   * a gateway other than "default" keeps its ids under members `gateway:clientId`; "default" keeps the plain member.
   */
  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
    private readonly gateway = 'default',
  ) {
    this.key = appKey(keyPrefix, 'rebalance_order_ids');
  }

  private member(clientId: number): string {
    return this.gateway === 'default' ? String(clientId) : `${this.gateway}:${clientId}`;
  }

  /** The highest order id used by `clientId`, or null when none was recorded. */
  async highest(clientId: number): Promise<number | null> {
    const score = await this.redis.zscore(this.key, this.member(clientId));
    const value = score === null ? Number.NaN : Number(score);
    return Number.isSafeInteger(value) ? value : null;
  }

  /** Records that `clientId` used `orderId` (kept only when higher than the stored one). */
  async used(clientId: number, orderId: number): Promise<void> {
    if (!Number.isSafeInteger(orderId) || orderId <= 0)
      throw new Error(`order id ${orderId} is not a positive integer`);
    await this.redis.zadd(this.key, 'GT', orderId, this.member(clientId));
  }
}
