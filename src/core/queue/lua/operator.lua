-- operator.lua: §5 rule 7, the trader's actions on one event: retry (delayed/held → tail),
-- hold (pending/delayed/awaiting → held), release (held → tail; back to awaiting with a fresh timer when
-- its approval is still open, §19), delete (any state but active; removes the event from every key and
-- frees its accountId:command). The current state comes from the sets; an
-- event that is not in a state the action allows, or not in `expected`, is a conflict.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] id   ARGV[8] action 'retry'|'hold'|'release'|'delete'   ARGV[9] expected state or ''
-- ARGV[10] note (hold reason)
-- Returns {1, recordJSON} ('' for delete) | {-1} | {-2, state, expected} | {-4, reason} | {-5, reason}.
-- (Codes by name, script-codes.ts ScriptCode: 1 OK, -1 NOT_FOUND, -2 CONFLICT, -4 RECORD_UNREADABLE, -5 INVALID_ARGUMENT.)
local id, action, expected, note = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local ALLOWED = {
  retry = { delayed = true, held = true },
  hold = { pending = true, delayed = true, awaiting = true },
  release = { held = true },
  delete = { pending = true, delayed = true, held = true, done = true, orphan = true, awaiting = true },
}
local allowed = ALLOWED[action]
if not allowed then return {-5, 'unknown action ' .. action} end
local st = state_of(id)
if not st then
  if redis.call('EXISTS', EV_PREFIX .. id) == 1 then st = 'orphan' else return {-1} end
end
if expected ~= '' and expected ~= st then return {-2, st, expected} end
if not allowed[st] then return {-2, st, ''} end

local head, tail, why, pair = load_with_pair(id, true)
local account, command = split_pair(pair or '')

if action == 'delete' then
  if st == 'pending' then redis.call('LREM', K_QUEUE, 0, id) end
  redis.call('ZREM', K_DELAYED, id)
  redis.call('ZREM', K_HELD, id)
  redis.call('ZREM', K_AWAIT, id)
  redis.call('ZREM', K_DONE, id)
  drop_record(id)
  if st ~= 'done' then
    -- The pair this event holds: its record's, unless the record was edited by hand to name another
    -- account or command; the active owner hash says which pair is really this event's.
    local owned = pair
    if not owned or redis.call('HGET', K_OWNER, owned) ~= id then owned = pair_by_owner(id) or pair end
    if owned then free_pair(id, owned) end
  end
  record_change(id, account, command, st ~= 'orphan' and st or nil, nil, 'deleted', note, 'PG')
  return {1, ''}
end

if not head then return {-4, why} end
local to
if action == 'hold' then
  if st == 'pending' then
    redis.call('LREM', K_QUEUE, 1, id)
  elseif st == 'awaiting' then
    redis.call('ZREM', K_AWAIT, id)
    if type(head.approval) == 'table' then head.approval.autoApproveAt = NULL end
  else
    redis.call('ZREM', K_DELAYED, id)
  end
  redis.call('ZADD', K_HELD, NOW_MS, id)
  head.heldReason = (note ~= '' and note) or 'held by the operator'
  to = 'held'
else
  if st == 'delayed' then redis.call('ZREM', K_DELAYED, id) else redis.call('ZREM', K_HELD, id) end
  if action == 'release' and approval_open(head) then
    to = arm_approval(id, head)
  else
    redis.call('RPUSH', K_QUEUE, id)
    to = 'pending'
  end
  head.heldReason = NULL
  head.needsAttention = false
end
head.status = to
head.updatedAt = NOW_ISO
head.nextAttemptAt = NULL
local saved = save_record(id, head, tail)
record_change(id, account, command, st, to, action, note, 'P')
return {1, saved}
