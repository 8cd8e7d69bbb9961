-- approval.lua: §19 approval before trading, every transition of the `awaiting` state:
--   'await'   active → awaiting: a planned rebalance waits for the trader instead of trading (lease checked);
--             score = auto-approve time (ms) or +inf for confirm; its accountId:command stays in active_events
--   'approve' awaiting → tail of the queue, the approval marked approved with the plan hash (history 'approved')
--   'reject'  awaiting → done with result {rejectedByTrader: true, plan}, the pair freed (history 'rejected')
--   'due'     every awaiting event whose auto-approve time has come is approved (history 'auto-approved')
-- Hold / Release / Delete of an awaiting event are operator.lua's.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] action 'await' | 'approve' | 'reject' | 'due', then per action:
--   await:   ARGV[8] id   ARGV[9] lease owner   ARGV[10] result JSON ({plan, …})   ARGV[11] approval JSON
--            ({requestedAt, autoApproveAt|null, planHash, minutes|null, note?})   ARGV[12] score (ms, or '+inf')
--            ARGV[13] history note
--   approve: ARGV[8] id   ARGV[9] expected state or ''
--   reject:  ARGV[8] id   ARGV[9] expected state or ''
--   due:     ARGV[8] most events to approve in this call
-- Returns {1, recordJSON} | {-1} | {-2, state, expected} | {-3, leaseOwner} | {-4, reason} | {-5, reason};
--   due returns the number of events approved. (Codes by name, script-codes.ts ScriptCode: 1 OK, -1 NOT_FOUND,
--   -2 CONFLICT, -3 LEASE_LOST, -4 RECORD_UNREADABLE, -5 INVALID_ARGUMENT.)
local action = ARGV[7]

-- awaiting → tail of the queue, approved by BY with the plan hash it was shown.
local function approve_one(id, head, tail, account, command, history_action)
  redis.call('ZREM', K_AWAIT, id)
  redis.call('RPUSH', K_QUEUE, id)
  local a = head.approval
  if type(a) ~= 'table' then a = {} end
  a.approvedAt = NOW_ISO
  a.approvedBy = BY
  a.approvedHash = a.planHash or NULL
  a.autoApproveAt = a.autoApproveAt or NULL
  head.approval = a
  head.status = 'pending'
  head.updatedAt = NOW_ISO
  head.nextAttemptAt = NULL
  local saved = save_record(id, head, tail)
  record_change(id, account, command, 'awaiting', 'pending', history_action, 'plan ' .. str(a.planHash), 'P')
  return saved
end

-- The state of `id` when it is `awaiting` (and `expected` if given): nil, else the error reply.
local function check_awaiting(id, expected)
  local st = state_of(id)
  if not st then
    if redis.call('EXISTS', EV_PREFIX .. id) == 1 then st = 'unknown' else return {-1} end
  end
  if expected ~= '' and expected ~= st then return {-2, st, expected} end
  if st ~= 'awaiting' then return {-2, st, 'awaiting'} end
  return nil
end

if action == 'await' then
  local id, owner, result, approval, score, note = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
  local head, tail, why, pair = load_with_pair(id, true)
  local account, command = split_pair(pair or '')
  local err, leased = check_lease(id, owner, account)
  if err then return err end
  if not head then return {-4, why} end
  local ok, a = pcall(cjson.decode, approval)
  if not ok or type(a) ~= 'table' then return {-5, 'approval is not a JSON object'} end
  local new_tail = replace_result(tail, result)
  if not new_tail then return {-4, 'record payload / result unreadable'} end
  release_checked(id, leased)
  redis.call('ZADD', K_AWAIT, score, id)
  head.approval = a
  head.status = 'awaiting'
  head.updatedAt = NOW_ISO
  head.nextAttemptAt = NULL
  local saved = save_record(id, head, new_tail)
  record_change(id, account, command, 'active', 'awaiting', 'awaiting-approval', note, 'P')
  return {1, saved}
end

if action == 'approve' or action == 'reject' then
  local id, expected = ARGV[8], ARGV[9]
  local err = check_awaiting(id, expected)
  if err then return err end
  local head, tail, why, pair = load_with_pair(id, true)
  if not head then return {-4, why} end
  local account, command = split_pair(pair)
  if action == 'approve' then return {1, approve_one(id, head, tail, account, command, 'approved')} end

  -- reject: the result keeps what the trader was shown, marked rejected
  local _, result = split_tail(tail)
  local body = ''
  if result and string.sub(result, 1, 1) == '{' and string.sub(result, 2, 2) ~= '}' then body = ',' .. string.sub(result, 2, -2) end
  local new_tail = replace_result(tail, '{"rejectedByTrader":true' .. body .. '}')
  if not new_tail then return {-4, 'record payload / result unreadable'} end
  redis.call('ZREM', K_AWAIT, id)
  redis.call('ZADD', K_DONE, NOW_MS, id)
  free_pair(id, pair)
  head.status = 'done'
  head.updatedAt = NOW_ISO
  head.nextAttemptAt = NULL
  if type(head.approval) == 'table' then head.approval.autoApproveAt = NULL end
  local saved = save_record(id, head, new_tail)
  record_change(id, account, command, 'awaiting', 'done', 'rejected', '', 'P')
  return {1, saved}
end

if action == 'due' then
  local ids = redis.call('ZRANGEBYSCORE', K_AWAIT, '-inf', NOW_MS, 'LIMIT', 0, tonumber(ARGV[8]))
  for i = 1, #ids do
    local id = ids[i]
    local head, tail, why, pair = load_with_pair(id, true)
    if head then
      local account, command = split_pair(pair)
      approve_one(id, head, tail, account, command, 'auto-approved')
    else
      -- unreadable: out of the timer and held, so the trader sees it (and can delete it)
      local account, command = split_pair(pair or '')
      redis.call('ZREM', K_AWAIT, id)
      redis.call('ZADD', K_HELD, NOW_MS, id)
      record_change(id, account, command, 'awaiting', 'held', 'auto-approved', 'record unreadable: ' .. why, 'P')
    end
  end
  return #ids
end

return {-5, 'unknown approval action ' .. str(action)}
