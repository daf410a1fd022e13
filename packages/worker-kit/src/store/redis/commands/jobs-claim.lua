-- Claims due jobs and expired leases in runAt, id order; an expired job without attempts left
-- becomes a dead letter. Looks at most at 1000 expired leases per call.
-- KEYS[1] the queue's pending set. ARGV: prefix, queue, owner, limit, leaseMs, now|''.
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
