-- purge.lua: drops done events older than the retention (queue.retainDoneDays) from every key, their own
-- history (rebalance_event_history:<id>) included.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] cutoff (ms; done before it are dropped)   ARGV[8] most events to drop in this call
-- Returns the number of events dropped.
local ids = redis.call('ZRANGEBYSCORE', K_DONE, '-inf', '(' .. ARGV[7], 'LIMIT', 0, tonumber(ARGV[8]))
for i = 1, #ids do
  local id = ids[i]
  drop_record(id)
  redis.call('ZREM', K_DONE, id)
end
return #ids
