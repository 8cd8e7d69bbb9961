-- promote.lua: §5 rule 5. Delayed events that are due go to the TAIL of the queue, earliest due first.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] most events to move in this call
-- Returns the number of events moved.
local ids = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', NOW_MS, 'LIMIT', 0, tonumber(ARGV[7]))
for i = 1, #ids do
  local id = ids[i]
  redis.call('ZREM', K_DELAYED, id)
  redis.call('RPUSH', K_QUEUE, id)
  local head, tail, why, pair = load_with_pair(id, false)
  local account, command = split_pair(pair or '')
  if head then
    head.status = 'pending'
    head.updatedAt = NOW_ISO
    head.nextAttemptAt = NULL
    save_record(id, head, tail)
    record_change(id, account, command, 'delayed', 'pending', 'promoted', '', 'P')
  else
    record_change(id, account, command, 'delayed', 'pending', 'promoted', 'record unreadable: ' .. why, 'P')
  end
end
return #ids
