-- renew.lua: extends the lease of an event being processed.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] id   ARGV[8] lease owner (`runId/owner`)   ARGV[9] new lease deadline (ms)
-- Returns 1 renewed | 0 the lease is not (any more) this owner's. (script-codes.ts ScriptCode: 1 OK, 0 NONE.)
local id, owner, deadline = ARGV[7], ARGV[8], ARGV[9]
local _, _, _, pair = load_with_pair(id, false)
local account = pair and split_pair(pair)
local leased, current = lease_of(id, account)
if current == owner and redis.call('ZSCORE', K_PROC, id) then
  redis.call('ZADD', K_PROC, 'XX', deadline, id)
  return 1
end
return 0
