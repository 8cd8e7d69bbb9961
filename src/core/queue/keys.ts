/**
 * Redis key names of the queue (PRODUCT.md §5, §22). Every name is `${keyPrefix}{rd}${name}`: the prefix
 * (`redis.keyPrefix`, default '') is concatenated as given, so include a separator yourself
 * (e.g. `desk:`), and the hash tag `{rd}` puts every key of one installation in one Redis Cluster slot, so
 * each Lua script (which touches many of them) runs on Redis Cluster. Use a connection without an ioredis
 * `keyPrefix` option. Installations from before the tag are renamed at start-up (migrate-keys.ts).
 *
 * Keys of the original design:
 * - `rebalance_queue`        LIST   ids of pending events, FIFO (RPUSH at the tail, claimed from the head)
 * - `rebalance_delayed_set`  ZSET   ids of delayed events, score = due time (ms)
 * - `active_events`          SET    `accountId:command` of every event not yet done
 * - `rebalance_processing`   ZSET   ids being processed, score = lease deadline (ms)
 * - `rebalance_held_set`     ZSET   ids on hold, score = time held (ms)
 * - `rebalance_awaiting_set` ZSET   ids awaiting the trader's approval (§19), score = auto-approve time (ms),
 *                                   or +inf for `confirm`; their `accountId:command` stays in active_events
 * - `rebalance_event:<id>`   STRING the event record (§4) as JSON. The id follows the colon as is
 *                                   (no braces). Layout: the scalar fields first, then
 *                                   `"payload":…,"result":…` last (see record.ts) so that Lua can
 *                                   edit the scalar fields without re-encoding payload / result.
 * - `rebalance_history`      STREAM every state change of every event, trimmed to about historyLimit
 *                                   (XTRIM MAXLEN ~, once per script call); fields id, accountId, command,
 *                                   at, from, to, by, action, note (empty ones left out).
 * - `rebalance_done`         ZSET   ids of done events, score = done time (ms); purged after retainDoneDays
 *
 * Helper keys of this implementation:
 * - `rebalance_event_history:<id>` LIST   the `rebalance_history` stream ids of this one event's entries, pushed by
 *                                      the same script call and removed with the record (delete, purge).
 *                                      get() reads the event's entries at those ids, in O(its own entries);
 *                                      for a record older than this key, what it lacks is read from
 *                                      `rebalance_history` from the event's creation on.
 * - `rebalance_active_owner`    HASH   `accountId:command` → id of the event holding it in `active_events`
 *                                      (so a duplicate answers the existing id; for an unreadable record it
 *                                      is also where delete finds the pair to free)
 * - `rebalance_account_lease`   HASH   accountId → `${id}\n${runId}/${owner}`: the event being processed for
 *                                      that account (one per account at a time) and its lease owner; the
 *                                      lease deadline is the event's score in `rebalance_processing`
 * - `rebalance_paused`          STRING "1" while processing is paused (claim answers nothing)
 * - `rebalance_changes`         PUB/SUB channel: the QueueChanges of each script call as one message (a
 *                                      JSON QueueChange, or an array of them in order when a call made
 *                                      more); pause / resume are published as id '' changes
 */

export interface QueueKeys {
  queue: string;
  delayed: string;
  activeEvents: string;
  processing: string;
  held: string;
  awaiting: string;
  history: string;
  done: string;
  activeOwner: string;
  accountLease: string;
  paused: string;
  /** Prefix of `rebalance_event:<id>`. */
  eventPrefix: string;
  /** Prefix of `rebalance_event_history:<id>` (common.lua derives it from eventPrefix). */
  eventHistoryPrefix: string;
  /** Pub/sub channel of QueueChange messages. */
  changes: string;
}

/** The hash tag every key carries after the prefix (§22): one slot for all of an installation's keys. */
export const HASH_TAG = '{rd}';

/** `${keyPrefix}{rd}${name}`: the name of one of the app's Redis keys (queue and records alike). */
export function appKey(keyPrefix: string, name: string): string {
  return `${keyPrefix}${HASH_TAG}${name}`;
}

export function queueKeys(keyPrefix = ''): QueueKeys {
  const k = (name: string): string => appKey(keyPrefix, name);
  return {
    queue: k('rebalance_queue'),
    delayed: k('rebalance_delayed_set'),
    activeEvents: k('active_events'),
    processing: k('rebalance_processing'),
    held: k('rebalance_held_set'),
    awaiting: k('rebalance_awaiting_set'),
    history: k('rebalance_history'),
    done: k('rebalance_done'),
    activeOwner: k('rebalance_active_owner'),
    accountLease: k('rebalance_account_lease'),
    paused: k('rebalance_paused'),
    eventPrefix: k('rebalance_event:'),
    eventHistoryPrefix: k('rebalance_event_history:'),
    changes: k('rebalance_changes'),
  };
}

export function eventKey(keys: QueueKeys, id: string): string {
  return keys.eventPrefix + id;
}

export function eventHistoryKey(keys: QueueKeys, id: string): string {
  return keys.eventHistoryPrefix + id;
}

/**
 * The KEYS every script receives, in this order (the header of each .lua file names them):
 * 1 queue, 2 delayed, 3 active_events, 4 processing, 5 held, 6 history, 7 done, 8 active owner,
 * 9 account lease, 10 paused, 11 awaiting.
 */
export function scriptKeys(keys: QueueKeys): string[] {
  return [
    keys.queue,
    keys.delayed,
    keys.activeEvents,
    keys.processing,
    keys.held,
    keys.history,
    keys.done,
    keys.activeOwner,
    keys.accountLease,
    keys.paused,
    keys.awaiting,
  ];
}

export const SCRIPT_KEY_COUNT = 11;
