-- enqueue.lua: §5 rule 1, enqueue with deduplication.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7…] the events, five values each, in the order they were asked for (the queue sends the
--   enqueues made at the same moment in one call):
--   by (who asks)   id   accountId:command   record JSON (status pending, timesQueued 1)   source (history note)
-- Returns one reply per event: {1, ''} queued | {0, existingId} duplicate (existingId '' if the holder
--   of the pair is unknown) | {-9, message} when Redis refused a command for this event (the others stand), or the
--   tail push of the call's new events (then every event the call would have queued).
--   (Codes by name, script-codes.ts ScriptCode: 1 OK, 0 NONE, -9 REDIS_REFUSED.)

-- The queue's tail and the owner hash take a call's new events with one RPUSH and one HSET at its end (about 1 µs
-- of Redis CPU less per event); what the call has queued so far is remembered here, so a duplicate within the call
-- still names its holder and sees it pending.
local queued, owners, holder_in_call, pending_in_call = {}, {}, {}, {}

local function state_in_call(id)
  if pending_in_call[id] then return 'pending' end
  return state_of(id)
end

local function enqueue_one(id, pair, raw, source)
  local account, command = split_pair(pair)
  -- SET NX and SADD answer whether the id / the pair were free, saving a read each on the usual path
  if not redis.call('SET', EV_PREFIX .. id, raw, 'NX') then
    local st = state_in_call(id)
    record_change(id, account, command, st, st, 'duplicate', 'the same id again (' .. source .. '), not queued', '')
    return {0, id}
  end
  if redis.call('SADD', K_ACTIVE, pair) == 0 then
    redis.call('DEL', EV_PREFIX .. id)
    local existing = holder_in_call[pair] or redis.call('HGET', K_OWNER, pair)
    if existing then
      local st = state_in_call(existing)
      record_change(existing, account, command, st, st, 'duplicate',
        id .. ' (' .. source .. ') not queued: ' .. pair .. ' is already queued', '')
      return {0, existing}
    end
    record_change(id, account, command, nil, nil, 'duplicate', pair .. ' is in active_events, not queued', 'G')
    return {0, ''}
  end
  holder_in_call[pair] = id
  pending_in_call[id] = true
  owners[#owners + 1] = pair
  owners[#owners + 1] = id
  queued[#queued + 1] = id
  record_change(id, account, command, nil, 'pending', 'enqueued', source, 'P')
  return {1, ''}
end

local out, queued_at = {}, {}
for i = 7, #ARGV - 4, 5 do
  BY = ARGV[i]
  local before = #queued
  out[#out + 1] = each_of_batch(enqueue_one, ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  if #queued > before then queued_at[#queued] = #out end
end
-- the tail push first: an event is queued once it is in the list (the owner hash only names holders)
local pushed, why = pcall(function()
  if #queued > 0 then redis.call('RPUSH', K_QUEUE, unpack(queued)) end
end)
if not pushed then
  for j = 1, #queued do out[queued_at[j]] = refused(why) end
  return out
end
if #owners > 0 then redis.call('HSET', K_OWNER, unpack(owners)) end
return out
