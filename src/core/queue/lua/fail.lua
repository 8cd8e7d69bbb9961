-- fail.lua: §5 rule 4. Failure: timesQueued + 1, delayed until the due time, or held.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] id   ARGV[8] lease owner   ARGV[9] error kind   ARGV[10] error message   ARGV[11] IB code or ''
-- ARGV[12] due (ms)   ARGV[13] due (ISO)   ARGV[14] '1' hold instead of delay   ARGV[15] '1' needs attention
-- Returns {1, recordJSON} | {3, reason} moved but record unreadable | {-1} | {-2, state, 'active'} | {-3, owner}.
-- (Codes by name, script-codes.ts ScriptCode: 1 OK, 3 RECORD_LEFT_UNREADABLE, -1 NOT_FOUND, -2 CONFLICT, -3 LEASE_LOST.)
local id, owner, kind, message, code = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local due_ms, due_iso, hold, attention = ARGV[12], ARGV[13], ARGV[14] == '1', ARGV[15] == '1'
local head, tail, why, pair = load_with_pair(id, true)
local account, command = split_pair(pair or '')
local err, leased = check_lease(id, owner, account)
if err then return err end

release_checked(id, leased)
local to
if hold then
  redis.call('ZADD', K_HELD, NOW_MS, id)
  to = 'held'
else
  redis.call('ZADD', K_DELAYED, due_ms, id)
  to = 'delayed'
end
local note = kind .. ': ' .. message
if not head then
  record_change(id, account, command, 'active', to, 'failed', note .. ' (record unreadable: ' .. why .. ')', 'P')
  return {3, why}
end
local from = head.status
local last = { kind = kind, message = message, at = NOW_ISO }
if code ~= '' then last.code = tonumber(code) end
head.lastError = last
head.timesQueued = head.timesQueued + 1
head.needsAttention = attention
head.status = to
head.updatedAt = NOW_ISO
if hold then
  head.nextAttemptAt = NULL
  head.heldReason = note
else
  head.nextAttemptAt = due_iso
  head.heldReason = NULL
end
local saved = save_record(id, head, tail)
record_change(id, account, command, from or 'active', to, 'failed', note, 'P')
return {1, saved}
