import { appKey } from '../queue/keys';
import type { RedisClient } from '../redis/topology';

/** The last Check setup run (§29): when it started, the ids of the checks that failed, how many warned. */
export interface CheckRun {
  at: string;
  failed: string[];
  warnings: number;
}

/** The first preview (`print-rebalance`) that finished. */
export interface FirstPreview {
  at: string;
  accountId: string;
  eventId: string;
}

/** What the core remembers for Get started (§26); everything else on the checklist is read live. */
export interface SetupRecord {
  lastCheck: CheckRun | null;
  firstPreview: FirstPreview | null;
  /** When every step of Get started was first done together; from then on the window opens on Queue. */
  completedAt: string | null;
}

/**
 * HASH `rebalance_setup` beside the queue, so every core on the same Redis (§22) sees the same checklist: field `check`
 * the last Check setup run, `preview` the first finished preview (kept: written only once), `completedAt` the moment
 * setup was first complete (kept). Deleting the key shows Get started again.
 */
export class SetupRecordStore {
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix = '',
  ) {
    this.key = appKey(keyPrefix, 'rebalance_setup');
  }

  async read(): Promise<SetupRecord> {
    const fields = await this.redis.hgetall(this.key);
    return {
      lastCheck: parse<CheckRun>(fields.check),
      firstPreview: parse<FirstPreview>(fields.preview),
      completedAt: fields.completedAt || null,
    };
  }

  async noteCheck(run: CheckRun): Promise<void> {
    await this.redis.hset(this.key, 'check', JSON.stringify(run));
  }

  /** Keeps the first preview only; true when this was it. */
  async notePreview(preview: FirstPreview): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, 'preview', JSON.stringify(preview))) === 1;
  }

  /** Keeps the first moment only. */
  async noteComplete(at: string): Promise<void> {
    await this.redis.hsetnx(this.key, 'completedAt', at);
  }
}

function parse<T>(text: string | undefined): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
