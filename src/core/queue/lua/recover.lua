-- recover.lua: §5 rule 6, crash recovery. Events in processing whose lease expired (mode 'expired'), or
-- whose lease belongs to another run (mode 'all', at start-up), go back to the TAIL of the queue with
-- timesQueued + 1 and lastError {kind 'interrupted'}.
-- KEYS[1] rebalance_queue   KEYS[2] rebalance_delayed_set   KEYS[3] active_events   KEYS[4] rebalance_processing
-- KEYS[5] rebalance_held_set   KEYS[6] rebalance_history   KEYS[7] rebalance_done   KEYS[8] rebalance_active_owner
-- KEYS[9] rebalance_account_lease   KEYS[10] rebalance_paused   KEYS[11] rebalance_awaiting_set (all get all 11)
-- ARGV[1] prefix of rebalance_event:<id>   ARGV[2] changes channel   ARGV[3] now (ms)   ARGV[4] now (ISO)
-- ARGV[5] by   ARGV[6] history stream limit   (helpers over these: common.lua)
-- ARGV[7] mode 'expired' | 'all'   ARGV[8] lease owner prefix of the current run (`runId/`)
-- ARGV[9] most events to move in this call
-- Returns the number of events returned to the queue.
local mode, run_prefix, limit = ARGV[7], ARGV[8], tonumber(ARGV[9])
local owners = {} -- id → lease owner, from the account leases
local leases = redis.call('HGETALL', K_LEASE)
for i = 1, #leases, 2 do
  local v = leases[i + 1]
  local cut = string.find(v, '\n', 1, true)
  if cut then owners[string.sub(v, 1, cut - 1)] = string.sub(v, cut + 1) end
end
local ids
if mode == 'expired' then
  ids = redis.call('ZRANGEBYSCORE', K_PROC, '-inf', NOW_MS, 'LIMIT', 0, limit)
else
  ids = {}
  local all = redis.call('ZRANGE', K_PROC, 0, -1)
  for i = 1, #all do
    local lease = owners[all[i]]
    if (not lease or string.sub(lease, 1, #run_prefix) ~= run_prefix) and #ids < limit then
      ids[#ids + 1] = all[i]
    end
  end
end
for i = 1, #ids do
  local id = ids[i]
  local lease = owners[id] or 'unknown'
  local head, tail, why, pair = load_with_pair(id, true)
  local account, command = split_pair(pair or '')
  local message
  if mode == 'expired' then
    message = 'interrupted: the lease of ' .. lease .. ' expired'
  else
    message = 'interrupted: left in processing by an earlier run (' .. lease .. ')'
  end
  release_processing(id, account)
  redis.call('RPUSH', K_QUEUE, id)
  if head then
    head.timesQueued = head.timesQueued + 1
    head.lastError = { kind = 'interrupted', message = message, at = NOW_ISO }
    head.status = 'pending'
    head.updatedAt = NOW_ISO
    head.nextAttemptAt = NULL
    save_record(id, head, tail)
    record_change(id, account, command, 'active', 'pending', 'recovered', message, 'P')
  else
    record_change(id, account, command, 'active', 'pending', 'recovered', message .. ' (record unreadable: ' .. why .. ')', 'P')
  end
end
return #ids
