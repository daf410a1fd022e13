/**
 * The Lua scripts of the Redis store. Each decision (insert-if-absent, compare-and-set, claim,
 * lease) is one script, so Redis runs it atomically. Every record is a hash whose fields are
 * strings (empty string = null); indexes are sorted sets. Numbers that Lua handles are ms
 * timestamps and counters (exact below 2^53); chain quantities stay strings and are compared
 * zero-padded.
 *
 * When an operation gets no `now`, a script reads the Redis server's clock (`TIME`), so every
 * replica compares expiries against the same clock.
 *
 * KEYS[1] is always the record the script decides about (it routes the call); the scripts
 * derive other keys from the prefix (ARGV[1]). On Redis Cluster, use a prefix with a hash tag
 * (e.g. `{raffle-worker}:`) so that every key lives in one slot.
 *
 * @internal
 */

const HELPERS = `
local function fmt(n) return string.format('%.0f', n) end
local function nowms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function pad20(s) return string.rep('0', 20 - #s) .. s end
local function inlist(csv, v) return string.find(',' .. csv .. ',', ',' .. v .. ',', 1, true) ~= nil end
`;

function script(body: string): string {
    return `${HELPERS}\n${body}`;
}

/** KEYS[1] cursor. ARGV: prefix, name, slot, signature, expectedVersion|'', fenceLease|'', fenceToken|'', now|''. */
export const CURSOR_SET = script(`
local cur = redis.call('HGETALL', KEYS[1])
if ARGV[6] ~= '' then
  local tok = redis.call('HGET', ARGV[1] .. 'lease:' .. ARGV[6], 'token')
  if (not tok) or tok ~= ARGV[7] then return {'fenced', cur} end
end
local version = 0
if #cur > 0 then version = tonumber(redis.call('HGET', KEYS[1], 'version')) end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= version then return {'version-mismatch', cur} end
if #cur > 0 and pad20(redis.call('HGET', KEYS[1], 'slot')) > pad20(ARGV[3]) then return {'backwards', cur} end
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'slot', ARGV[3], 'signature', ARGV[4], 'version', fmt(version + 1), 'updatedAt', fmt(nowms(ARGV[8])))
return {'ok', redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] event. ARGV: prefix, member, signature, ix, ev, slot, name, data, commitment, now|''. */
export const EVENT_RECORD = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
local now = fmt(nowms(ARGV[10]))
redis.call('HSET', KEYS[1], 'signature', ARGV[3], 'instructionIndex', ARGV[4], 'eventIndex', ARGV[5], 'slot', ARGV[6],
  'name', ARGV[7], 'data', ARGV[8], 'commitment', ARGV[9], 'receivedAt', now, 'updatedAt', now, 'member', ARGV[2])
redis.call('ZADD', ARGV[1] .. 'events:' .. ARGV[9], 0, ARGV[2])
return {1, redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] event. ARGV: prefix, target, allowed sources (csv), now|''. */
export const EVENT_COMMITMENT = script(`
local cur = redis.call('HGET', KEYS[1], 'commitment')
if not cur then return {0, {}} end
if not inlist(ARGV[3], cur) then return {0, redis.call('HGETALL', KEYS[1])} end
local member = redis.call('HGET', KEYS[1], 'member')
redis.call('ZREM', ARGV[1] .. 'events:' .. cur, member)
redis.call('ZADD', ARGV[1] .. 'events:' .. ARGV[2], 0, member)
redis.call('HSET', KEYS[1], 'commitment', ARGV[2], 'updatedAt', fmt(nowms(ARGV[4])))
return {1, redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] any key under the prefix. ARGV: prefix, commitments (csv), lex min, lex max, limit. */
export const EVENT_LIST = script(`
local limit = tonumber(ARGV[5])
local members = {}
for c in string.gmatch(ARGV[2], '[^,]+') do
  local m = redis.call('ZRANGEBYLEX', ARGV[1] .. 'events:' .. c, ARGV[3], ARGV[4], 'LIMIT', 0, limit)
  for _, x in ipairs(m) do members[#members + 1] = x end
end
table.sort(members)
local out = {}
for i = 1, math.min(#members, limit) do
  out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'event:' .. string.sub(members[i], 22))
end
return out
`);

/** KEYS[1] effect. ARGV: prefix, key, intent, now|''. */
export const EFFECT_BEGIN = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
local now = nowms(ARGV[4])
redis.call('HSET', KEYS[1], 'key', ARGV[2], 'intent', ARGV[3], 'status', 'pending', 'signature', '', 'lastValidBlockHeight', '',
  'sendCount', '0', 'error', '', 'createdAt', fmt(now), 'updatedAt', fmt(now))
redis.call('ZADD', ARGV[1] .. 'effects:pending', now, ARGV[2])
return {1, redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] effect. ARGV: prefix, key, target, allowed sources (csv), signature|'', lastValidBlockHeight|'', error|'', now|'', expected send count|''. */
export const EFFECT_MARK = script(`
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing', {}} end
if not inlist(ARGV[4], cur) then return {'invalid', redis.call('HGETALL', KEYS[1])} end
local target = ARGV[3]
local now = fmt(nowms(ARGV[8]))
if target == 'sent' and ARGV[9] ~= '' and redis.call('HGET', KEYS[1], 'sendCount') ~= ARGV[9] then
  return {'conflict', redis.call('HGETALL', KEYS[1])}
end
if target == 'sent' then
  redis.call('HSET', KEYS[1], 'status', 'sent', 'signature', ARGV[5], 'lastValidBlockHeight', ARGV[6], 'updatedAt', now)
  redis.call('HINCRBY', KEYS[1], 'sendCount', 1)
elseif target == 'confirmed' then
  if cur == 'confirmed' and (ARGV[5] == '' or ARGV[5] == redis.call('HGET', KEYS[1], 'signature')) then
    return {'ok', redis.call('HGETALL', KEYS[1])}
  end
  redis.call('HSET', KEYS[1], 'status', 'confirmed', 'updatedAt', now)
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'signature', ARGV[5]) end
else
  if cur == 'failed' then return {'ok', redis.call('HGETALL', KEYS[1])} end
  redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[7], 'updatedAt', now)
end
if cur ~= target then
  local created = redis.call('HGET', KEYS[1], 'createdAt')
  redis.call('ZREM', ARGV[1] .. 'effects:' .. cur, ARGV[2])
  redis.call('ZADD', ARGV[1] .. 'effects:' .. target, created, ARGV[2])
end
return {'ok', redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] any key under the prefix. ARGV: prefix, statuses (csv), limit. */
export const EFFECT_LIST = script(`
local limit = tonumber(ARGV[3])
local items = {}
for s in string.gmatch(ARGV[2], '[^,]+') do
  local m = redis.call('ZRANGE', ARGV[1] .. 'effects:' .. s, 0, limit - 1, 'WITHSCORES')
  for i = 1, #m, 2 do items[#items + 1] = {tonumber(m[i + 1]), m[i]} end
end
table.sort(items, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
local out = {}
for i = 1, math.min(#items, limit) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'effect:' .. items[i][2]) end
return out
`);

/** KEYS[1] job. ARGV: prefix, id, queue, name, payload, runAt|'', maxAttempts, now|'', lease owner|'', lease ms|''. */
export const JOB_ENQUEUE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
local now = nowms(ARGV[8])
local runAt = now
if ARGV[6] ~= '' then runAt = tonumber(ARGV[6]) end
if ARGV[9] == '' then
  redis.call('HSET', KEYS[1], 'id', ARGV[2], 'queue', ARGV[3], 'name', ARGV[4], 'payload', ARGV[5], 'status', 'pending',
    'runAt', fmt(runAt), 'attempts', '0', 'maxAttempts', ARGV[7], 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', '',
    'createdAt', fmt(now), 'updatedAt', fmt(now), 'finishedAt', '')
  redis.call('ZADD', ARGV[1] .. 'q:' .. ARGV[3] .. ':pending', runAt, ARGV[2])
else
  -- Claimed as created: running under the lease, attempt 1, as JOB_CLAIM leaves a job.
  local expires = now + tonumber(ARGV[10])
  redis.call('HSET', KEYS[1], 'id', ARGV[2], 'queue', ARGV[3], 'name', ARGV[4], 'payload', ARGV[5], 'status', 'running',
    'runAt', fmt(runAt), 'attempts', '1', 'maxAttempts', ARGV[7], 'leaseOwner', ARGV[9], 'leaseExpiresAt', fmt(expires), 'lastError', '',
    'createdAt', fmt(now), 'updatedAt', fmt(now), 'finishedAt', '')
  redis.call('ZADD', ARGV[1] .. 'q:' .. ARGV[3] .. ':running', expires, ARGV[2])
end
redis.call('SADD', ARGV[1] .. 'queues', ARGV[3])
return {1, redis.call('HGETALL', KEYS[1])}
`);

/**
 * KEYS[1] the queue's pending set. ARGV: prefix, queue, owner, limit, leaseMs, now|''.
 * Looks at most at 1000 expired leases per call.
 */
export const JOB_CLAIM = script(`
local now = nowms(ARGV[6])
local limit = tonumber(ARGV[4])
local qp = ARGV[1] .. 'q:' .. ARGV[2]
local cands = {}
local expired = redis.call('ZRANGEBYSCORE', qp .. ':running', '-inf', fmt(now), 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  local k = ARGV[1] .. 'job:' .. id
  local attempts = tonumber(redis.call('HGET', k, 'attempts'))
  local max = tonumber(redis.call('HGET', k, 'maxAttempts'))
  if attempts >= max then
    local err = redis.call('HGET', k, 'lastError')
    if (not err) or err == '' then err = 'lease expired' end
    redis.call('HSET', k, 'status', 'dead', 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', err, 'updatedAt', fmt(now), 'finishedAt', fmt(now))
    redis.call('ZREM', qp .. ':running', id)
    redis.call('ZADD', ARGV[1] .. 'dead', now, id)
    redis.call('ZADD', qp .. ':dead', now, id)
  else
    cands[#cands + 1] = {tonumber(redis.call('HGET', k, 'runAt')), id}
  end
end
local pending = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now), 'WITHSCORES', 'LIMIT', 0, limit)
for i = 1, #pending, 2 do cands[#cands + 1] = {tonumber(pending[i + 1]), pending[i]} end
table.sort(cands, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
local out = {}
local exp = now + tonumber(ARGV[5])
for i = 1, math.min(limit, #cands) do
  local id = cands[i][2]
  local k = ARGV[1] .. 'job:' .. id
  redis.call('ZREM', KEYS[1], id)
  redis.call('HINCRBY', k, 'attempts', 1)
  redis.call('HSET', k, 'status', 'running', 'leaseOwner', ARGV[3], 'leaseExpiresAt', fmt(exp), 'updatedAt', fmt(now))
  redis.call('ZADD', qp .. ':running', exp, id)
  out[#out + 1] = redis.call('HGETALL', k)
end
return out
`);

/** Lua fragment: is KEYS[1] a running job leased by ARGV[3]? */
const HELD = `local held = redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'leaseOwner') == ARGV[3]`;

/** KEYS[1] job. ARGV: prefix, id, owner, leaseMs, now|''. */
export const JOB_EXTEND = script(`
${HELD}
if not held then return {} end
local now = nowms(ARGV[5])
local exp = now + tonumber(ARGV[4])
local queue = redis.call('HGET', KEYS[1], 'queue')
redis.call('HSET', KEYS[1], 'leaseExpiresAt', fmt(exp), 'updatedAt', fmt(now))
redis.call('ZADD', ARGV[1] .. 'q:' .. queue .. ':running', exp, ARGV[2])
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS[1] job. ARGV: prefix, id, owner, now|''. */
export const JOB_COMPLETE = script(`
${HELD}
if not held then return 0 end
local now = fmt(nowms(ARGV[4]))
local queue = redis.call('HGET', KEYS[1], 'queue')
redis.call('HSET', KEYS[1], 'status', 'completed', 'leaseOwner', '', 'leaseExpiresAt', '', 'updatedAt', now, 'finishedAt', now)
redis.call('ZREM', ARGV[1] .. 'q:' .. queue .. ':running', ARGV[2])
redis.call('INCR', ARGV[1] .. 'q:' .. queue .. ':completed')
return 1
`);

/** KEYS[1] job. ARGV: prefix, id, owner, now|''. Hands the job back: pending now, the attempt refunded. */
export const JOB_RELEASE = script(`
${HELD}
if not held then return 0 end
local now = nowms(ARGV[4])
local queue = redis.call('HGET', KEYS[1], 'queue')
local qp = ARGV[1] .. 'q:' .. queue
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts')) - 1
if attempts < 0 then attempts = 0 end
redis.call('HSET', KEYS[1], 'status', 'pending', 'runAt', fmt(now), 'attempts', fmt(attempts), 'leaseOwner', '', 'leaseExpiresAt', '', 'updatedAt', fmt(now))
redis.call('ZREM', qp .. ':running', ARGV[2])
redis.call('ZADD', qp .. ':pending', now, ARGV[2])
return 1
`);

/**
 * KEYS[1] the set of queue names. ARGV: prefix, queue|'' (every queue), statuses (csv).
 * Completed jobs are counted by a per-queue counter (they are kept in no index).
 */
export const JOB_COUNT = script(`
local queues = {}
if ARGV[2] ~= '' then queues = {ARGV[2]} else queues = redis.call('SMEMBERS', KEYS[1]) end
local n = 0
for _, q in ipairs(queues) do
  local qp = ARGV[1] .. 'q:' .. q
  if inlist(ARGV[3], 'pending') then n = n + redis.call('ZCARD', qp .. ':pending') end
  if inlist(ARGV[3], 'running') then n = n + redis.call('ZCARD', qp .. ':running') end
  if inlist(ARGV[3], 'dead') then n = n + redis.call('ZCARD', qp .. ':dead') end
  if inlist(ARGV[3], 'completed') then n = n + tonumber(redis.call('GET', qp .. ':completed') or '0') end
end
return n
`);

/** KEYS[1] job. ARGV: prefix, id, owner, error, retryDelayMs|'', unrecoverable (1|0), baseMs, maxMs, now|''. */
export const JOB_FAIL = script(`
${HELD}
if not held then return {'lost', redis.call('HGETALL', KEYS[1])} end
local now = nowms(ARGV[9])
local queue = redis.call('HGET', KEYS[1], 'queue')
local qp = ARGV[1] .. 'q:' .. queue
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
local max = tonumber(redis.call('HGET', KEYS[1], 'maxAttempts'))
redis.call('ZREM', qp .. ':running', ARGV[2])
if ARGV[6] == '1' or attempts >= max then
  redis.call('HSET', KEYS[1], 'status', 'dead', 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', ARGV[4], 'updatedAt', fmt(now), 'finishedAt', fmt(now))
  redis.call('ZADD', ARGV[1] .. 'dead', now, ARGV[2])
  redis.call('ZADD', qp .. ':dead', now, ARGV[2])
  return {'dead', redis.call('HGETALL', KEYS[1])}
end
local delay
if ARGV[5] ~= '' then delay = tonumber(ARGV[5]) else
  local e = attempts - 1
  if e < 0 then e = 0 end
  if e > 40 then e = 40 end
  delay = math.floor(math.min(tonumber(ARGV[7]) * (2 ^ e), tonumber(ARGV[8])))
end
local runAt = now + delay
redis.call('HSET', KEYS[1], 'status', 'pending', 'runAt', fmt(runAt), 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', ARGV[4], 'updatedAt', fmt(now))
redis.call('ZADD', qp .. ':pending', runAt, ARGV[2])
return {'retry', redis.call('HGETALL', KEYS[1])}
`);

/** KEYS[1] the dead set to read. ARGV: prefix, limit. */
export const JOB_DEAD_LIST = script(`
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'job:' .. id) end
return out
`);

/** KEYS[1] job. ARGV: prefix, id, runAt|'', now|''. */
export const JOB_REDRIVE = script(`
if redis.call('HGET', KEYS[1], 'status') ~= 'dead' then return {} end
local now = nowms(ARGV[4])
local runAt = now
if ARGV[3] ~= '' then runAt = tonumber(ARGV[3]) end
local queue = redis.call('HGET', KEYS[1], 'queue')
local qp = ARGV[1] .. 'q:' .. queue
redis.call('ZREM', ARGV[1] .. 'dead', ARGV[2])
redis.call('ZREM', qp .. ':dead', ARGV[2])
redis.call('HSET', KEYS[1], 'status', 'pending', 'runAt', fmt(runAt), 'attempts', '0', 'updatedAt', fmt(now), 'finishedAt', '')
redis.call('ZADD', qp .. ':pending', runAt, ARGV[2])
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS[1] lease. ARGV: prefix, name, owner, ttlMs, now|''. */
export const LEASE_ACQUIRE = script(`
local now = nowms(ARGV[5])
local exp = fmt(now + tonumber(ARGV[4]))
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'name', ARGV[2], 'owner', ARGV[3], 'token', '1', 'expiresAt', exp, 'acquiredAt', fmt(now))
  return redis.call('HGETALL', KEYS[1])
end
local owner = redis.call('HGET', KEYS[1], 'owner')
local live = tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) > now
if owner == ARGV[3] and live then
  redis.call('HSET', KEYS[1], 'expiresAt', exp)
  return redis.call('HGETALL', KEYS[1])
end
if owner ~= '' and live then return {} end
redis.call('HINCRBY', KEYS[1], 'token', 1)
redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'expiresAt', exp, 'acquiredAt', fmt(now))
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS[1] lease. ARGV: prefix, owner, token, ttlMs, now|''. */
export const LEASE_RENEW = script(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'token') ~= ARGV[3] then return {} end
redis.call('HSET', KEYS[1], 'expiresAt', fmt(nowms(ARGV[5]) + tonumber(ARGV[4])))
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS[1] lease. ARGV: prefix, owner, token. */
export const LEASE_RELEASE = script(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'token') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'owner', '')
return 1
`);

/** KEYS[1] the audit sequence counter. ARGV: prefix, actor, action, subject|'', data, now|''. */
export const AUDIT_APPEND = script(`
local seq = redis.call('INCR', KEYS[1])
local k = ARGV[1] .. 'audit:' .. seq
redis.call('HSET', k, 'seq', seq, 'at', fmt(nowms(ARGV[6])), 'actor', ARGV[2], 'action', ARGV[3], 'subject', ARGV[4], 'data', ARGV[5])
redis.call('ZADD', ARGV[1] .. 'audit', seq, seq)
if ARGV[4] ~= '' then redis.call('ZADD', ARGV[1] .. 'audit:subject:' .. ARGV[4], seq, seq) end
return redis.call('HGETALL', k)
`);

/** KEYS[1] the index to read (all entries or one subject's). ARGV: prefix, afterSeq, limit. */
export const AUDIT_LIST = script(`
local seqs = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, s in ipairs(seqs) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'audit:' .. s) end
return out
`);
