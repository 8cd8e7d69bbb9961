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
--   {-9, message} Redis refused a command for it (the others stand); claim… is the reply of
--   claim_first ({1, recordJSON, id, badId…} | {0, '', '', badId…} | {2, '', ''}), or {0, '', ''}
--   when not asked.
--   (Codes by name, script-codes.ts ScriptCode: 1 OK, 3 RECORD_LEFT_UNREADABLE, -1 NOT_FOUND, -2 CONFLICT,
--   -3 LEASE_LOST, -9 REDIS_REFUSED; the claim's 1 OK, 0 NONE, 2 PAUSED.)

-- A completion's reply: its status and reason, then the owner's next claim when asked (claim_first's reply).
local function complete_reply(status, reason, claim_next, owner, deadline)
  local out = {status, reason}
  local claimed = {0, '', ''}
  if claim_next == '1' then claimed = claim_first(owner, deadline) end
  for i = 1, #claimed do out[#out + 1] = claimed[i] end
  return out
end

local function complete_one(id, owner, result, claim_next, deadline)
  local raw = redis.call('GET', EV_PREFIX .. id)
  local q = raw and quick_fields(raw, 'active')
  local head, tail, why, pair, account, command
  if q then
    account, command = q.accountId, q.command
    pair = account .. ':' .. command
  else
    head, tail, why, pair = load_with_pair(id, true, raw)
    account, command = split_pair(pair or '')
  end
  local err, leased = check_lease(id, owner, account)
  if err then return err end

  release_checked(id, leased)
  if pair then free_pair(id, pair) end
  redis.call('ZADD', K_DONE, NOW_MS, id)

  local status, reason = 1, ''
  local st_last = q and q.st_last
  -- the space a claim in place left after "active" goes
  if q and string.byte(raw, st_last + 1) == 32 then st_last = st_last + 1 end
  if q and not q.attention and q.st_first < q.updated and string.sub(raw, -#RESULT_NULL_TAIL) == RESULT_NULL_TAIL then
    -- the usual record (status before updatedAt, no needsAttention, no result yet): one concatenation
    redis.call('SET', EV_PREFIX .. id, string.sub(raw, 1, q.st_first - 1) .. '"done"' ..
      string.sub(raw, st_last + 1, q.updated) .. NOW_ISO .. string.sub(raw, q.updated + #NOW_ISO + 1, -#RESULT_NULL_TAIL - 1) ..
      ',"result":' .. result .. '}')
    record_change(id, account, command, 'active', 'done', 'completed', '', 'P')
    return complete_reply(status, reason, claim_next, owner, deadline)
  end
  local new_tail
  if q then new_tail = replace_result(string.sub(raw, q.cut), result) else new_tail = head and replace_result(tail, result) end
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
  elseif new_tail then
    head.status = 'done'
    head.updatedAt = NOW_ISO
    head.nextAttemptAt = NULL
    head.needsAttention = false
    save_record(id, head, new_tail)
    record_change(id, account, command, 'active', 'done', 'completed', '', 'P')
  else
    reason = why or 'record payload / result unreadable'
    record_change(id, account, command, 'active', 'done', 'completed', 'record unreadable: ' .. reason, 'P')
    status = 3
  end

  return complete_reply(status, reason, claim_next, owner, deadline)
end

local out = {}
for i = 7, #ARGV - 5, 6 do
  BY = ARGV[i]
  out[#out + 1] = each_of_batch(complete_one, ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
end
return out
