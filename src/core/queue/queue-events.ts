/**
 * Change notifications: every script publishes the changes of one call on the `rebalance_changes` channel (one
 * QueueChange, or an array of them in order for a batch or complete + claim); this subscribes on a duplicate
 * connection and hands each change to every listener. Pausing and resuming publish their change from here too.
 */
import { Cluster } from 'ioredis';
import type { QueueChange } from '../../shared/dto';
import type { RedisClient } from '../redis/topology';
import type { QueueKeys } from './keys';
import { iso } from './lua-scripts';
import type { QueueLog } from './queue-log';

export class QueueEvents {
  private readonly listeners = new Set<(c: QueueChange) => void>();
  private subscriber: RedisClient | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: QueueKeys,
    private readonly log: QueueLog,
  ) {}

  /** Subscribes on a connection of its own (a duplicate of the queue's). */
  async start(): Promise<void> {
    const sub: RedisClient = this.redis instanceof Cluster ? this.redis.duplicate() : this.redis.duplicate();
    sub.on('error', (err: Error) => this.log.warn({ err: err.message }, 'queue change subscriber error'));
    sub.on('message', (channel: string, message: string) => {
      if (channel === this.keys.changes) this.dispatch(message);
    });
    this.subscriber = sub;
    await sub.subscribe(this.keys.changes);
  }

  async stop(): Promise<void> {
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

  /** Sets or clears the pause flag and announces it, in one transaction. */
  async setPaused(paused: boolean, now: number): Promise<void> {
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

  private dispatch(message: string): void {
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
  }
}
