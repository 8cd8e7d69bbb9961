/**
 * Upgrade of an installation from before the `{rd}` hash tag (§22): its keys were `${keyPrefix}${name}`, now they
 * are `${keyPrefix}{rd}${name}` (keys.ts). At start-up, before the queue serves anything, every key of the old form
 * is renamed to the new one, so an upgraded installation finds its queue, its history and its trade records.
 *
 * Cheap when there is nothing to do (one EXISTS of the old fixed keys); idempotent, so a crash half-way is finished
 * by the next start. A key whose new name is already taken is left alone and reported (never overwritten).
 * Only for a single Redis: a Redis Cluster never ran the untagged scripts, so it holds no keys of the old form.
 */
import type { Redis } from 'ioredis';
import { appKey } from './keys';

/** The slice of a pino logger this module uses. */
export interface MigrateLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Every fixed key name the app has used without the tag; records keys too. */
const LEGACY_FIXED = [
  'rebalance_queue',
  'rebalance_delayed_set',
  'active_events',
  'rebalance_processing',
  'rebalance_held_set',
  'rebalance_history',
  'rebalance_done',
  'rebalance_active_owner',
  'rebalance_account_lease',
  'rebalance_paused',
  'rebalance_trades',
  'rebalance_account_state',
];

/** Per-event keys of the old form: `${keyPrefix}rebalance_event:<id>` and any other `rebalance_*:<id>` key. */
const LEGACY_PER_EVENT = /^rebalance_[a-z_]+:/;

/** Escapes Redis glob characters so a keyPrefix is matched literally by SCAN MATCH. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export interface MigrationResult {
  renamed: number;
  /** Old keys left alone because their new name already exists. */
  conflicts: string[];
}

/** Renames every untagged key of this installation (`keyPrefix`) to its tagged name. */
export async function migrateLegacyKeys(redis: Redis, keyPrefix: string, log?: MigrateLog): Promise<MigrationResult> {
  const result: MigrationResult = { renamed: 0, conflicts: [] };
  const fixed = LEGACY_FIXED.map((name) => keyPrefix + name);
  if ((await redis.exists(...fixed)) === 0) return result;

  const rename = async (oldKey: string, name: string): Promise<void> => {
    const done = await redis.renamenx(oldKey, appKey(keyPrefix, name));
    if (done === 1) result.renamed += 1;
    else result.conflicts.push(oldKey);
  };
  for (const name of LEGACY_FIXED) {
    if ((await redis.exists(keyPrefix + name)) === 1) await rename(keyPrefix + name, name);
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(keyPrefix)}rebalance_*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const name = key.slice(keyPrefix.length);
      if (LEGACY_PER_EVENT.test(name)) await rename(key, name);
    }
  } while (cursor !== '0');

  log?.info({ renamed: result.renamed, keyPrefix }, 'queue keys moved under the {rd} hash tag');
  if (result.conflicts.length > 0) {
    log?.warn(
      { conflicts: result.conflicts.slice(0, 20), count: result.conflicts.length },
      'old queue keys left in place: their new names already exist',
    );
  }
  return result;
}
