-- common.lua: helpers shared by every queue script (not a script by itself). scripts.ts loads them with
-- the scripts as one Redis function library (Redis 7+), or prepends them to each script for EVAL.
-- Every script receives the same KEYS and the same first six ARGV (keys.ts scriptKeys, lua-scripts.ts QueueLua.run):
--   KEYS[1] rebalance_queue LIST      KEYS[2] rebalance_delayed_set ZSET  KEYS[3] active_events SET
--   KEYS[4] rebalance_processing ZSET KEYS[5] rebalance_held_set ZSET     KEYS[6] rebalance_history STREAM
--   KEYS[7] rebalance_done ZSET       KEYS[8] rebalance_active_owner HASH KEYS[9] rebalance_account_lease HASH
--   KEYS[10] rebalance_paused STRING  KEYS[11] rebalance_awaiting_set ZSET (§19)
--   ARGV[1] prefix of rebalance_event:<id> (`rebalance_event_history:<id>` is derived from it)
--   ARGV[2] pub/sub channel of changes
--   ARGV[3] now (ms)   ARGV[4] now (ISO-8601 UTC)   ARGV[5] by (who/what acts)
--   ARGV[6] history stream limit (XTRIM MAXLEN ~ once per call, in finish_call)
-- The account and command of an event are read from its record (see load_with_pair).
-- Error returns shared by all scripts (named in script-codes.ts ScriptCode, whose toError is the one place they
-- become typed errors):
--   {-1} NOT_FOUND   {-2, currentState, expectedState} CONFLICT   {-3, leaseOwner} LEASE_LOST
--   {-4, reason} RECORD_UNREADABLE   {-5, reason} INVALID_ARGUMENT   {-9, message} REDIS_REFUSED (a command refused)
-- Success codes: 1 OK, 0 NONE (not done, not an error), 2 PAUSED (claim), 3 RECORD_LEFT_UNREADABLE (moved in the
-- sets, the record left as it is); each script's header lists the ones it answers.
-- Records are JSON with the scalar fields first and `,"payload":…,"result":…}` last (record.ts);
-- only the scalar head is decoded and re-encoded here, so payload / result keep their exact text
-- (Redis's cjson would turn [] into {} and round numbers to 14 digits).
local K_QUEUE, K_DELAYED, K_ACTIVE, K_PROC, K_HELD, K_HIST, K_DONE, K_OWNER, K_LEASE, K_PAUSED, K_AWAIT
local EV_PREFIX, EV_HIST_PREFIX, CHANNEL, NOW_MS, NOW_ISO, NOW_JSON, BY, HIST_LIMIT, NULL
-- The QueueChanges of this call (record_change), published as one message when it ends (finish_call).
local CHANGES
-- Whether this call appended to the history stream (record_change), so finish_call trims it.
local HIST_ADDED
-- Whether processing is paused, read once per call by claim_first (nil: not read yet in this call).
local PAUSED
-- The processing entries (deadline, id, …) of the claims of this call, when a batch collects them to add in one ZADD
-- (complete.lua, flush_claim_batch); nil: each claim adds its own.
local CLAIM_BATCH

-- Sets the names above from one call's KEYS and ARGV; the first statement of every script. (Loaded as
-- a function library these helpers live across calls, so nothing here may keep state between them.)
local function bind(KEYS, ARGV)
  K_QUEUE, K_DELAYED, K_ACTIVE, K_PROC = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
  K_HELD, K_HIST, K_DONE = KEYS[5], KEYS[6], KEYS[7]
  K_OWNER, K_LEASE, K_PAUSED, K_AWAIT = KEYS[8], KEYS[9], KEYS[10], KEYS[11]
  EV_PREFIX, CHANNEL = ARGV[1], ARGV[2]
  -- `<keyPrefix>rebalance_event:` → `<keyPrefix>rebalance_event_history:` (keys.ts eventHistoryPrefix)
  EV_HIST_PREFIX = string.sub(EV_PREFIX, 1, -2) .. '_history:'
  NOW_MS, NOW_ISO, BY, HIST_LIMIT = tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
  NOW_JSON = '"' .. NOW_ISO .. '"'
  NULL = cjson.null
  CHANGES = {}
  HIST_ADDED = false
  PAUSED = nil
  CLAIM_BATCH = nil
end

-- The last statement of every script (scripts.ts wraps them). Trims the history stream to about `queue.historyLimit`
-- entries once for the whole call, when it appended any: trimming in every XADD (MAXLEN ~) made Redis rewrite that
-- XADD's arguments for the AOF (`MAXLEN = <length>`) each time, about 30 bytes and a few µs per history entry; an
-- XTRIM with nothing to remove writes nothing. Then publishes the changes of this call: one JSON QueueChange, or an
-- array of them when there are more (a batch, complete + claim).
local function finish_call()
  if HIST_ADDED then redis.call('XTRIM', K_HIST, 'MAXLEN', '~', HIST_LIMIT) end
  local n = #CHANGES
  if n == 1 then
    redis.call('PUBLISH', CHANNEL, CHANGES[1])
  elseif n > 1 then
    redis.call('PUBLISH', CHANNEL, '[' .. table.concat(CHANGES, ',') .. ']')
  end
end

-- The {-9, message} reply of an error caught with pcall (a Redis error reply is a table with `err`).
local function refused(err)
  if type(err) == 'table' then err = err.err end
  return {-9, tostring(err)}
end

-- The reply of one event of a batch (enqueue, complete): fn(...), or {-9, message} when Redis refused
-- one of its commands, so one bad event does not fail the others of the call.
local function each_of_batch(fn, ...)
  local ok, reply = pcall(fn, ...)
  if ok then return reply end
  return refused(reply)
end

local PAYLOAD_MARK = ',"payload":'
local RESULT_NULL_TAIL = ',"result":null}'

-- The decoded head and raw tail of a record's text, or nil, nil, reason. A record not in our layout (edited
-- by hand, e.g. pretty-printed) is decoded whole and its payload / result re-encoded by cjson.
local function decode_record(raw)
  local at = string.find(raw, PAYLOAD_MARK, 1, true)
  local ok, head, tail
  if at then
    ok, head = pcall(cjson.decode, string.sub(raw, 1, at - 1) .. '}')
    tail = string.sub(raw, at)
  else
    ok, head = pcall(cjson.decode, raw)
    if ok and type(head) == 'table' then
      local payload, result = head.payload, head.result
      head.payload, head.result = nil, nil
      if type(payload) ~= 'table' then payload = {} end
      local rjson = 'null'
      if type(result) == 'table' then rjson = cjson.encode(result) end
      tail = ',"payload":' .. cjson.encode(payload) .. ',"result":' .. rjson .. '}'
    end
  end
  if not ok or type(head) ~= 'table' then return nil, nil, 'record is not valid JSON' end
  if type(head.accountId) ~= 'string' or type(head.command) ~= 'string' or type(head.timesQueued) ~= 'number' then
    return nil, nil, 'record lacks accountId, command or timesQueued'
  end
  return head, tail, nil
end

-- The record's decoded head and raw tail, or nil, nil, reason (decode_record).
local function load_record(id)
  local raw = redis.call('GET', EV_PREFIX .. id)
  if not raw then return nil, nil, 'record missing' end
  return decode_record(raw)
end

-- The quick path of the claim and the completion, the two changes every event goes through: the few top-level fields
-- they read and write are found in the record's text by plain search instead of a cjson decode and encode of the
-- head (about half the Lua work of those two steps). A key's text `"name":` can only be a key, since a quote inside a
-- JSON string is always escaped; each name must appear exactly once before `,"payload":` (the nested lastError and
-- approval have none of these names). Anything not exactly as our encoders write it takes the cjson path.

-- The index just after `"name":` in the head (before `cut`), or nil unless the name appears there exactly once
-- (then also whether it appears there more than once).
local function key_once(raw, name, cut)
  local a, b = string.find(raw, name, 1, true)
  if not a or b >= cut then return nil, false end
  local again = string.find(raw, name, b + 1, true)
  if again and again < cut then return nil, true end
  return b + 1
end

-- A string value without escapes whose opening quote is at `i` (before `cut`): its text and its closing quote's index.
local function plain_string_at(raw, i, cut)
  if not i or string.byte(raw, i) ~= 34 then return nil end
  local close = string.find(raw, '"', i + 1, true)
  if not close or close >= cut then return nil end
  local esc = string.find(raw, '\\', i + 1, true)
  if esc and esc < close then return nil end
  return string.sub(raw, i + 1, close - 1), close
end

-- quick_fields for a record in any field order: each name found by plain search, and found only once in the head.
local function quick_fields_search(raw, status)
  local cut = string.find(raw, PAYLOAD_MARK, 1, true)
  if not cut or string.byte(raw, 1) ~= 123 then return nil end
  local account = plain_string_at(raw, key_once(raw, '"accountId":', cut), cut)
  local command = plain_string_at(raw, key_once(raw, '"command":', cut), cut)
  local st = key_once(raw, '"status":', cut)
  local current, st_close = plain_string_at(raw, st, cut)
  local up = key_once(raw, '"updatedAt":', cut)
  local updated = plain_string_at(raw, up, cut)
  local nx = key_once(raw, '"nextAttemptAt":', cut)
  local tq = key_once(raw, '"timesQueued":', cut)
  if not (account and command and current == status and updated and #updated == #NOW_ISO and nx and tq) then
    return nil
  end
  if string.sub(raw, nx, nx + 4) ~= 'null,' and string.sub(raw, nx, nx + 4) ~= 'null}' then return nil end
  if not string.find(raw, '^%d', tq) then return nil end
  local attention, twice = key_once(raw, '"needsAttention":', cut)
  if twice then return nil end
  if attention and string.sub(raw, attention, attention + 3) ~= 'true' and string.sub(raw, attention, attention + 4) ~= 'false' then
    return nil
  end
  return { accountId = account, command = command, cut = cut, st_first = st, st_last = st_close, updated = up,
    attention = attention }
end

-- The head of a record exactly as queue-input.ts writes it and a claim leaves it: every key in its place, so none can
-- appear twice, and every value read is a string without escapes (`[^"\\]*`). One pattern match (a strategy string,
-- else null) instead of about twenty-five plain searches: about 2.5 against 5.5 µs a record.
local HEAD_START = '^{"id":"[^"\\]*","eventId":"[^"\\]*","accountId":"([^"\\]*)","command":"([^"\\]*)","strategy":'
local HEAD_REST = ',"source":"[^"\\]*","timesQueued":%d+,"createdAt":"[^"\\]*","status":()"(%a+)"() ?,"updatedAt":()"([^"\\]*)",' ..
  '"nextAttemptAt":null,"lastError":null(),"payload":'
local HEAD_WITH_STRATEGY = HEAD_START .. '"[^"\\]*"' .. HEAD_REST
local HEAD_WITHOUT_STRATEGY = HEAD_START .. 'null' .. HEAD_REST

-- quick_fields for a record in the layout above, or nil.
local function quick_fields_layout(raw, status)
  local _, _, account, command, st, current, st_after, up, updated, cut = string.find(raw, HEAD_WITH_STRATEGY)
  if not account then
    _, _, account, command, st, current, st_after, up, updated, cut = string.find(raw, HEAD_WITHOUT_STRATEGY)
    if not account then return nil end
  end
  if current ~= status or #updated ~= #NOW_ISO then return nil end
  return { accountId = account, command = command, cut = cut, st_first = st, st_last = st_after - 1, updated = up }
end

-- Where the fields of a record in `status` are, or nil (then the cjson path): {accountId, command, cut (where
-- `,"payload":` begins), st_first, st_last = first and last index of the status value with its quotes, updated = index of the
-- updatedAt value's opening quote, attention = index of a needsAttention value or nil}. Asks of the record what
-- load_record asks (accountId and command strings, a number of times queued), an updatedAt as wide as this call's
-- time (so it can be written in place) and a null nextAttemptAt (every pending or active record has one).
local function quick_fields(raw, status)
  return quick_fields_layout(raw, status) or quick_fields_search(raw, status)
end

-- `raw` with the text from index a to b (inclusive) of each edit {a, b, text} replaced; edits in any order, not
-- overlapping.
local function splice(raw, edits)
  table.sort(edits, function(x, y) return x[1] < y[1] end)
  local parts, at = {}, 1
  for i = 1, #edits do
    local e = edits[i]
    parts[#parts + 1] = string.sub(raw, at, e[1] - 1)
    parts[#parts + 1] = e[3]
    at = e[2] + 1
  end
  parts[#parts + 1] = string.sub(raw, at)
  return table.concat(parts)
end

-- splice for two edits in order (a1 < a2, not overlapping): text a1..b1 becomes t1 and a2..b2 becomes t2, in one
-- concatenation (about a third of splice's cost, which builds and sorts tables; the claim runs it for every event).
local function splice2(raw, a1, b1, t1, a2, b2, t2)
  return string.sub(raw, 1, a1 - 1) .. t1 .. string.sub(raw, b1 + 1, a2 - 1) .. t2 .. string.sub(raw, b2 + 1)
end

local function save_record(id, head, tail)
  local h = cjson.encode(head)
  local raw = string.sub(h, 1, -2) .. tail
  redis.call('SET', EV_PREFIX .. id, raw)
  return raw
end

local function split_pair(pair)
  local account, command = string.match(pair, '^(.*):([^:]*)$')
  return account or pair, command or ''
end

-- The pair (`accountId:command`) an id holds in active_events, from the active owner hash: a scan,
-- only for records that cannot be read.
local function pair_by_owner(id)
  local all = redis.call('HGETALL', K_OWNER)
  for i = 1, #all, 2 do
    if all[i + 1] == id then return all[i] end
  end
  return nil
end

-- load_record plus the event's `accountId:command` (from the record, else from the active owner
-- hash when `by_owner`): head, tail, why, pair. `raw`: the record's text when the caller has already read it.
local function load_with_pair(id, by_owner, raw)
  local head, tail, why
  if raw then head, tail, why = decode_record(raw) else head, tail, why = load_record(id) end
  if head then return head, tail, nil, head.accountId .. ':' .. head.command end
  if by_owner then return nil, nil, why, pair_by_owner(id) end
  return nil, nil, why, nil
end

local function str(v)
  if v == nil or v == false or v == NULL then return '' end
  return tostring(v)
end

-- JSON of a state name (plain words) or null.
local function jstate(s)
  if s == nil or s == false or s == NULL or s == '' then return 'null' end
  return '"' .. s .. '"'
end

-- Appends one change to the history stream, and its stream id to the event's own index
-- (`rebalance_event_history:<id>`, a LIST, so get() reads O(its own entries)); empty fields left out.
-- (An index of ids, not a second stream: an XADD per event per change cost the queue ~15 % of its throughput.)
-- flags: 'P' also publishes it as a QueueChange when the call ends (built as text: states and actions
-- are plain words, free text goes through cjson.encode); 'G' writes the global stream only (the event
-- has no record: a duplicate of an unknown holder, or a delete, which has just removed the key).
local function record_change(id, account, command, from, to, action, note, flags)
  from, to, note = str(from), str(to), str(note)
  local sid
  if from ~= '' and to ~= '' and note == '' then
    -- the usual case, without building an argument table
    sid = redis.call('XADD', K_HIST, '*', 'id', id, 'accountId', account,
      'command', command, 'at', NOW_ISO, 'from', from, 'to', to, 'by', BY, 'action', action)
    if not string.find(flags, 'G', 1, true) then redis.call('RPUSH', EV_HIST_PREFIX .. id, sid) end
  else
    local args = { 'XADD', K_HIST, '*',
      'id', id, 'accountId', account, 'command', command, 'at', NOW_ISO }
    if from ~= '' then args[#args + 1] = 'from'; args[#args + 1] = from end
    if to ~= '' then args[#args + 1] = 'to'; args[#args + 1] = to end
    args[#args + 1] = 'by'; args[#args + 1] = BY
    args[#args + 1] = 'action'; args[#args + 1] = action
    if note ~= '' then args[#args + 1] = 'note'; args[#args + 1] = note end
    sid = redis.call(unpack(args))
    if not string.find(flags, 'G', 1, true) then redis.call('RPUSH', EV_HIST_PREFIX .. id, sid) end
  end
  HIST_ADDED = true
  if string.find(flags, 'P', 1, true) then
    CHANGES[#CHANGES + 1] = '{"id":' .. cjson.encode(id) .. ',"accountId":' .. cjson.encode(account) ..
      ',"action":"' .. action .. '","from":' .. jstate(from) .. ',"to":' .. jstate(to) .. ',"at":' .. NOW_JSON .. '}'
  end
end

-- Removes an event's record and its own history (delete, purge).
local function drop_record(id)
  redis.call('DEL', EV_PREFIX .. id, EV_HIST_PREFIX .. id)
end

-- The index of the `}` or `]` that closes the JSON object / array opening at `i` of `s`, or nil.
-- Strings are skipped whole (a quote inside one is always escaped), so braces in text do not count.
local function json_close(s, i)
  local depth = 0
  while true do
    local j = string.find(s, '[{}%[%]"]', i)
    if not j then return nil end
    local c = string.sub(s, j, j)
    if c == '"' then
      local k = j + 1
      while true do
        local q = string.find(s, '["\\]', k)
        if not q then return nil end
        if string.sub(s, q, q) == '\\' then k = q + 2 else k = q + 1; break end
      end
      i = k
    else
      if c == '{' or c == '[' then depth = depth + 1 else depth = depth - 1 end
      if depth == 0 then return j end
      i = j + 1
    end
  end
end

-- The payload text and the result text of a tail in our layout (`,"payload":{…},"result":…}`), or nil.
local function split_tail(tail)
  if string.sub(tail, 1, #PAYLOAD_MARK) ~= PAYLOAD_MARK then return nil end
  local close = json_close(tail, #PAYLOAD_MARK + 1)
  if not close or string.sub(tail, close + 1, close + 10) ~= ',"result":' or string.sub(tail, -1) ~= '}' then
    return nil
  end
  return string.sub(tail, #PAYLOAD_MARK + 1, close), string.sub(tail, close + 11, -2)
end

-- The tail with `result_json` as the result. Our records end in `,"result":null}` until done; a
-- result already there (an approval's plan, §19) is cut off at the end of the payload, so the payload
-- keeps its exact text; only a tail not in our layout (hand edit) has its payload re-encoded. nil when
-- unreadable.
local function replace_result(tail, result_json)
  if string.sub(tail, -#RESULT_NULL_TAIL) == RESULT_NULL_TAIL then
    return string.sub(tail, 1, -#RESULT_NULL_TAIL - 1) .. ',"result":' .. result_json .. '}'
  end
  local payload = split_tail(tail)
  if payload then return PAYLOAD_MARK .. payload .. ',"result":' .. result_json .. '}' end
  local ok, rest = pcall(cjson.decode, '{' .. string.sub(tail, 2))
  if not ok or type(rest) ~= 'table' then return nil end
  local payload = rest.payload
  if type(payload) ~= 'table' then payload = {} end
  return ',"payload":' .. cjson.encode(payload) .. ',"result":' .. result_json .. '}'
end

-- The state an event is in, from the sets (authoritative), or nil.
local function state_of(id)
  if redis.call('ZSCORE', K_PROC, id) then return 'active' end
  if redis.call('ZSCORE', K_DELAYED, id) then return 'delayed' end
  if redis.call('ZSCORE', K_HELD, id) then return 'held' end
  if redis.call('ZSCORE', K_AWAIT, id) then return 'awaiting' end
  if redis.call('ZSCORE', K_DONE, id) then return 'done' end
  if redis.call('LPOS', K_QUEUE, id) then return 'pending' end
  return nil
end

-- The account lease of a processing event: rebalance_account_lease maps accountId → `id\nleaseOwner`
-- (one event per account in processing). Answers account, lease owner — looked up by the event's
-- account when known, else (unreadable record) by a scan of the hash, which holds one entry per
-- event in processing. nil, nil when the event holds no lease.
local function lease_of(id, account)
  local mark = id .. '\n'
  if account and account ~= '' then
    local v = redis.call('HGET', K_LEASE, account)
    if v and string.sub(v, 1, #mark) == mark then return account, string.sub(v, #mark + 1) end
  end
  local all = redis.call('HGETALL', K_LEASE)
  for i = 1, #all, 2 do
    if string.sub(all[i + 1], 1, #mark) == mark then return all[i], string.sub(all[i + 1], #mark + 1) end
  end
  return nil, nil
end

local function release_processing(id, account)
  redis.call('ZREM', K_PROC, id)
  local leased = lease_of(id, account)
  if leased then redis.call('HDEL', K_LEASE, leased) end
end

-- release_processing for an event whose lease check_lease has just found on `leased`.
local function release_checked(id, leased)
  redis.call('ZREM', K_PROC, id)
  redis.call('HDEL', K_LEASE, leased)
end

-- What freeing `accountId:command` of event `id` takes: whether its owner entry goes (the event holds it) and whether
-- the pair leaves active_events (unless another event holds it).
local function pair_release(id, pair)
  local owner = redis.call('HGET', K_OWNER, pair)
  return owner == id, owner == id or not owner
end

-- Frees `accountId:command` for new events, unless another event holds it.
local function free_pair(id, pair)
  local owned, free = pair_release(id, pair)
  if owned then redis.call('HDEL', K_OWNER, pair) end
  if free then redis.call('SREM', K_ACTIVE, pair) end
end

-- Error unless `id` is in processing under `owner`'s lease; also answers the leased account.
local function check_lease(id, owner, account)
  -- the usual answer first: the event's account leased to this owner (one compare, no substrings)
  if account and account ~= '' and redis.call('HGET', K_LEASE, account) == id .. '\n' .. owner then
    return nil, account
  end
  local leased, current = lease_of(id, account)
  if current == owner then return nil, leased end
  if current then return {-3, current} end
  local st = state_of(id)
  if st == 'active' then return {-3, ''} end
  if not st then
    if redis.call('EXISTS', EV_PREFIX .. id) == 1 then return {-2, 'unknown', 'active'} end
    return {-1}
  end
  return {-2, st, 'active'}
end

-- What a claim needs of a queued event: its account, and either the quick fields of its text (quick_fields) or its
-- decoded head and tail; nil when the record is unreadable.
local function open_pending(id)
  local raw = redis.call('GET', EV_PREFIX .. id)
  if not raw then return nil end
  local q = quick_fields(raw, 'pending')
  if q then return q.accountId, { raw = raw, quick = q } end
  local head, tail = decode_record(raw)
  if not head then return nil end
  return head.accountId, { head = head, tail = tail }
end

-- The status a claim writes in place of `"pending"`, as wide (JSON allows the space; the completion drops it).
local ACTIVE_IN_PLACE = '"active" '

-- Between a status value and the updatedAt value when the record has them side by side (queue-input.ts writes them so).
local UPDATED_NEXT = ',"updatedAt":"'

-- Moves a queued event that has just been taken off rebalance_queue, and whose account lease this owner has just
-- set, into processing: the record active, its lease deadline, the history entry. Fills `out` as claim_first answers.
-- A record on the quick path is changed in place (status, updatedAt: the same widths), so the AOF carries about 100
-- bytes instead of the whole record again: one SETRANGE over both when they are side by side, else one each. The
-- processing entry is added at once, or collected in CLAIM_BATCH when the call adds its claims' entries together.
local function take_claimed(id, rec, deadline, out)
  local saved, account, command
  local q = rec.quick
  if q then
    local key = EV_PREFIX .. id
    if q.updated == q.st_last + #UPDATED_NEXT then
      redis.call('SETRANGE', key, q.st_first - 1, ACTIVE_IN_PLACE .. UPDATED_NEXT .. NOW_ISO)
    else
      redis.call('SETRANGE', key, q.st_first - 1, ACTIVE_IN_PLACE)
      redis.call('SETRANGE', key, q.updated, NOW_ISO)
    end
    local up_first, up_last = q.updated + 1, q.updated + #NOW_ISO
    if q.st_first < up_first then
      saved = splice2(rec.raw, q.st_first, q.st_last, ACTIVE_IN_PLACE, up_first, up_last, NOW_ISO)
    else
      saved = splice2(rec.raw, up_first, up_last, NOW_ISO, q.st_first, q.st_last, ACTIVE_IN_PLACE)
    end
    account, command = q.accountId, q.command
  else
    local head = rec.head
    head.status = 'active'
    head.updatedAt = NOW_ISO
    head.nextAttemptAt = NULL
    saved = save_record(id, head, rec.tail)
    account, command = head.accountId, head.command
  end
  if CLAIM_BATCH then
    CLAIM_BATCH[#CLAIM_BATCH + 1] = deadline
    CLAIM_BATCH[#CLAIM_BATCH + 1] = id
  else
    redis.call('ZADD', K_PROC, deadline, id)
  end
  record_change(id, account, command, 'pending', 'active', 'claimed', '', 'P')
  out[1] = 1
  out[2] = saved
  out[3] = id
  return out
end

-- §5 rule 2: claims the first pending event whose account has nothing in processing.
-- Returns {1 OK, recordJSON, id, badId…} | {0 NONE, '', '', badId…} | {2 PAUSED, '', ''}; badIds are
-- queued ids with an unreadable record, skipped and left where they are.
-- The account is locked with HSETNX on rebalance_account_lease, which answers at once whether another event of that
-- account is in processing (0: nothing written). The usual case, a claimable head, costs LPOP, GET, HSETNX; a
-- head that cannot be claimed goes back where it was (LPUSH) and the list is read further in growing chunks.
-- Whether processing is paused is read once per script call (a batch of completions claims many times).
local function claim_first(owner, deadline)
  if PAUSED == nil then PAUSED = redis.call('EXISTS', K_PAUSED) == 1 end
  if PAUSED then return {2, '', ''} end
  local out = {0, '', ''}
  local first = redis.call('LPOP', K_QUEUE)
  if not first then return out end
  local account, rec = open_pending(first)
  local locked = {}
  if rec then
    if redis.call('HSETNX', K_LEASE, account, first .. '\n' .. owner) == 1 then
      return take_claimed(first, rec, deadline, out)
    end
    locked[account] = true
  else
    out[#out + 1] = first
  end
  redis.call('LPUSH', K_QUEUE, first)
  local chunk = 8
  local pos = 1
  while true do
    local ids = redis.call('LRANGE', K_QUEUE, pos, pos + chunk - 1)
    if #ids == 0 then break end
    for i = 1, #ids do
      local id = ids[i]
      local account, rec = open_pending(id)
      if not rec then
        out[#out + 1] = id
      else
        if not locked[account] then
          if redis.call('HSETNX', K_LEASE, account, id .. '\n' .. owner) == 1 then
            redis.call('LREM', K_QUEUE, 1, id)
            return take_claimed(id, rec, deadline, out)
          end
          locked[account] = true
        end
      end
    end
    pos = pos + chunk
    if chunk < 512 then chunk = chunk * 8 end
  end
  return out
end

-- Adds the processing entries CLAIM_BATCH collected, in one ZADD, and stops collecting.
local function flush_claim_batch()
  local batch = CLAIM_BATCH
  CLAIM_BATCH = nil
  if batch and #batch > 0 then redis.call('ZADD', K_PROC, unpack(batch)) end
end


-- ISO-8601 UTC of a time in ms (days to civil date after H. Hinnant), as JavaScript's toISOString.
local function iso_of_ms(ms)
  ms = math.floor(ms)
  local secs = math.floor(ms / 1000)
  local milli = ms - secs * 1000
  local days = math.floor(secs / 86400)
  local rest = secs - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d, math.floor(rest / 3600),
    math.floor((rest % 3600) / 60), rest % 60, milli)
end

-- §19: true when the record waits for the trader's approval (asked for, not yet approved).
local function approval_open(head)
  local a = head.approval
  return type(a) == 'table' and (a.approvedAt == nil or a.approvedAt == NULL)
end

-- §19: puts an event whose approval is open into rebalance_awaiting_set with a fresh timer
-- (now + approval.minutes, or +inf for confirm) and notes it on the record; answers the state.
local function arm_approval(id, head)
  local a = head.approval
  local minutes = tonumber(a.minutes)
  if minutes and minutes > 0 then
    local due = NOW_MS + math.floor(minutes * 60000 + 0.5)
    redis.call('ZADD', K_AWAIT, due, id)
    a.autoApproveAt = iso_of_ms(due)
  else
    redis.call('ZADD', K_AWAIT, '+inf', id)
    a.autoApproveAt = NULL
  end
  return 'awaiting'
end
