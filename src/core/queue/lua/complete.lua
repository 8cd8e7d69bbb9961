-- complete.lua: §5 rule 3. Success: out of processing and active_events, status done, result stored;
-- optionally claims the owner's next event in the same call (one round trip per event for a worker).
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7…] the completions, six values each, in the order they were asked for (the queue sends the
--   completions made at the same moment in one call):
--   by (the worker)   id   lease owner (`runId/owner`)   result JSON
--   '1' to claim the next event for the same owner   its lease deadline (ms)
-- Returns one reply per completion: {1, '', claim…} done | {3, reason, claim…} done in the sets but
--   the record is unreadable (left as it is) | {-1} | {-2, state, 'active'} | {-3, leaseOwner} |
--   {-9, message} Redis refused a command for it (the others stand; when the shared sets refuse, every completion
--   that passed its checks gets it and none is marked done); claim… is the reply of claim_first
--   ({1, recordJSON, id, badId…} | {0, '', '', badId…} | {2, '', ''}), or {0, '', ''} when not asked or when Redis
--   refused a command of the claim (the completion stands; the worker claims again by itself).
--   (Codes by name, script-codes.ts ScriptCode: 1 OK, 3 RECORD_LEFT_UNREADABLE, -1 NOT_FOUND, -2 CONFLICT,
--   -3 LEASE_LOST, -9 REDIS_REFUSED; the claim's 1 OK, 0 NONE, 2 PAUSED.)

-- The completions of a call run in four steps, so the writes every event makes to the shared sets go to Redis once
-- per call, not once per event (a worker's batch carries all its workers' completions; about 5 µs of Redis CPU less
-- per event):
-- 1. each completion reads its record and checks its lease (reads only; a failure is that completion's reply);
-- 2. the checked ones leave processing, their account leases and their pairs at once (ZREM, HDEL, HDEL, SREM) and
--    join the done set (ZADD), one command each for all of them;
-- 3. each writes its record done and its history entry;
-- 4. each claims its owner's next event when asked, in the order asked; every account released in step 2 can be
--    claimed again here. The claims' processing entries go in one ZADD at the end (CLAIM_BATCH, common.lua).
-- An id completed twice in one call answers the second as the one-at-a-time order would: {-2, 'done', 'active'}.

-- Step 1 for one completion: nil and the completion's state, or its error reply.
local function check_one(id, owner, seen)
  if seen[id] then return {-2, 'done', 'active'} end
  local raw = redis.call('GET', EV_PREFIX .. id)
  local q = raw and quick_fields(raw, 'active')
  local c = { id = id, raw = raw, q = q }
  if q then
    c.account, c.command = q.accountId, q.command
    c.pair = c.account .. ':' .. c.command
  else
    c.head, c.tail, c.why, c.pair = load_with_pair(id, true, raw)
    c.account, c.command = split_pair(c.pair or '')
  end
  local err, leased = check_lease(id, owner, c.account)
  if err then return err end
  c.leased = leased
  seen[id] = true
  return nil, c
end

-- Step 2: the shared sets of all checked completions, one command per set (a pair freed as free_pair frees it).
local function release_all(checked)
  local ids, leased, owned, pairs, done = {}, {}, {}, {}, {}
  for i = 1, #checked do
    local c = checked[i]
    ids[#ids + 1] = c.id
    leased[#leased + 1] = c.leased
    done[#done + 1] = NOW_MS
    done[#done + 1] = c.id
    if c.pair then
      local own, free = pair_release(c.id, c.pair)
      if own then owned[#owned + 1] = c.pair end
      if free then pairs[#pairs + 1] = c.pair end
    end
  end
  if #ids == 0 then return end
  redis.call('ZREM', K_PROC, unpack(ids))
  redis.call('HDEL', K_LEASE, unpack(leased))
  if #owned > 0 then redis.call('HDEL', K_OWNER, unpack(owned)) end
  if #pairs > 0 then redis.call('SREM', K_ACTIVE, unpack(pairs)) end
  redis.call('ZADD', K_DONE, unpack(done))
end

-- Step 3 for one checked completion: the record done with its result, the history entry; answers {status, reason}.
local function finish_one(c, result)
  local id, raw, q, account, command = c.id, c.raw, c.q, c.account, c.command
  local st_last = q and q.st_last
  -- the space a claim in place left after "active" goes
  if q and string.byte(raw, st_last + 1) == 32 then st_last = st_last + 1 end
  if q and not q.attention and q.st_first < q.updated and string.sub(raw, -#RESULT_NULL_TAIL) == RESULT_NULL_TAIL then
    -- the usual record (status before updatedAt, no needsAttention, no result yet): one concatenation
    redis.call('SET', EV_PREFIX .. id, string.sub(raw, 1, q.st_first - 1) .. '"done"' ..
      string.sub(raw, st_last + 1, q.updated) .. NOW_ISO .. string.sub(raw, q.updated + #NOW_ISO + 1, -#RESULT_NULL_TAIL - 1) ..
      ',"result":' .. result .. '}')
    record_change(id, account, command, 'active', 'done', 'completed', '', 'P')
    return {1, ''}
  end
  local new_tail
  if q then new_tail = replace_result(string.sub(raw, q.cut), result) else new_tail = c.head and replace_result(c.tail, result) end
  if q and new_tail then
    -- the quick path (common.lua quick_fields): status, updatedAt, a needsAttention there and the result set in the
    -- text
    local edits = {
      { q.st_first, st_last, '"done"' },
      { q.updated + 1, q.updated + #NOW_ISO, NOW_ISO },
      { q.cut, #raw, new_tail },
    }
    if q.attention then
      local width = string.byte(raw, q.attention) == 116 and 4 or 5 -- true | false
      edits[#edits + 1] = { q.attention, q.attention + width - 1, 'false' }
    end
    redis.call('SET', EV_PREFIX .. id, splice(raw, edits))
    record_change(id, account, command, 'active', 'done', 'completed', '', 'P')
    return {1, ''}
  elseif new_tail then
    local head = c.head
    head.status = 'done'
    head.updatedAt = NOW_ISO
    head.nextAttemptAt = NULL
    head.needsAttention = false
    save_record(id, head, new_tail)
    record_change(id, account, command, 'active', 'done', 'completed', '', 'P')
    return {1, ''}
  end
  local reason = c.why or 'record payload / result unreadable'
  record_change(id, account, command, 'active', 'done', 'completed', 'record unreadable: ' .. reason, 'P')
  return {3, reason}
end

local out, checked, item_of, seen = {}, {}, {}, {}
for i = 7, #ARGV - 5, 6 do
  BY = ARGV[i]
  local n = #out + 1
  local ok, err, c = pcall(check_one, ARGV[i + 1], ARGV[i + 2], seen)
  if not ok then
    out[n] = refused(err)
  elseif err then
    out[n] = err
  else
    checked[#checked + 1] = c
    item_of[#checked] = n
    out[n] = false
  end
end

local released, why = pcall(release_all, checked)
if not released then
  for j = 1, #checked do out[item_of[j]] = refused(why) end
  checked = {}
end

for j = 1, #checked do
  local n = item_of[j]
  local i = 7 + (n - 1) * 6
  BY = ARGV[i]
  out[n] = each_of_batch(finish_one, checked[j], ARGV[i + 3])
end

CLAIM_BATCH = {}
for n = 1, #out do
  local i = 7 + (n - 1) * 6
  local reply = out[n]
  if reply[1] >= 0 then
    if ARGV[i + 4] == '1' then
      BY = ARGV[i]
      local claimed = each_of_batch(claim_first, ARGV[i + 2], ARGV[i + 5])
      if claimed[1] == -9 then claimed = {0, '', ''} end
      for k = 1, #claimed do reply[#reply + 1] = claimed[k] end
    else
      reply[#reply + 1] = 0
      reply[#reply + 1] = ''
      reply[#reply + 1] = ''
    end
  end
end
flush_claim_batch()
return out
