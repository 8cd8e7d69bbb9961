-- handback.lua: graceful stop. An event being processed goes back to the HEAD of the queue as pending,
-- without counting a failure (timesQueued unchanged, lastError kept): it was stopped, not failed.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] id   ARGV[8] lease owner   ARGV[9] note
-- Returns {1} | {3, reason} moved but record unreadable | {-1} | {-2, state, 'active'} | {-3, owner}.
-- (Codes by name, script-codes.ts ScriptCode: 1 OK, 3 RECORD_LEFT_UNREADABLE, -1 NOT_FOUND, -2 CONFLICT, -3 LEASE_LOST.)
local id, owner, note = ARGV[7], ARGV[8], ARGV[9]
local head, tail, why, pair = load_with_pair(id, true)
local account, command = split_pair(pair or '')
local err, leased = check_lease(id, owner, account)
if err then return err end
release_checked(id, leased)
redis.call('LPUSH', K_QUEUE, id)
if not head then
  record_change(id, account, command, 'active', 'pending', 'handed-back', note .. ' (record unreadable: ' .. why .. ')', 'P')
  return {3, why}
end
local from = head.status
head.status = 'pending'
head.updatedAt = NOW_ISO
head.nextAttemptAt = NULL
save_record(id, head, tail)
record_change(id, account, command, from or 'active', 'pending', 'handed-back', note, 'P')
return {1}
