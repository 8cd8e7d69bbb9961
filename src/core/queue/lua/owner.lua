-- owner.lua: the processing owner lease of §22 (`rebalance_processor_owner`), on its own (not in the queue library).
-- KEYS[1] rebalance_processor_owner STRING   holder's name, with a TTL of the lease
-- ARGV[1] action: acquire | renew | release | takeover   ARGV[2] this core's name   ARGV[3] lease (ms)
-- ARGV[4] takeover only: the holder the caller saw (replaced only if it still holds the lease)
-- Returns {1, name} when this core holds the lease after the call (release: {1, ''} once let go), else {0, holder}.
-- (Codes by name, script-codes.ts ScriptCode: 1 OK, 0 NONE.)
local key, action, me, lease = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local holder = redis.call('GET', key)
if action == 'acquire' then
  if not holder then
    redis.call('SET', key, me, 'PX', lease)
    return {1, me}
  end
  if holder == me then
    redis.call('PEXPIRE', key, lease)
    return {1, me}
  end
  return {0, holder}
elseif action == 'renew' then
  if holder == me then
    redis.call('PEXPIRE', key, lease)
    return {1, me}
  end
  return {0, holder or ''}
elseif action == 'release' then
  if holder == me then redis.call('DEL', key) end
  return {1, ''}
elseif action == 'takeover' then
  if holder == ARGV[4] or not holder then
    redis.call('SET', key, me, 'PX', lease)
    return {1, me}
  end
  return {0, holder}
end
return redis.error_reply('owner.lua: unknown action ' .. tostring(action))
