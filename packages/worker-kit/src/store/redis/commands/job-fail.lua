-- Records a failed attempt of a running job the owner holds: dead when unrecoverable or out of
-- attempts, else pending again after the given delay or the backoff
-- min(maxMs, minMs * factor^(attempts-1)) of which the share jitter is random. KEYS[1] job.
-- ARGV: prefix, id, owner, error, retryDelayMs|'', unrecoverable (1|0), minMs, maxMs, factor, jitter, random in [0, 1), now|''.
local held = redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'leaseOwner') == ARGV[3]
if not held then return {'lost', redis.call('HGETALL', KEYS[1])} end
local now = nowms(ARGV[12])
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
  if e > 60 then e = 60 end
  local base = math.min(tonumber(ARGV[8]), tonumber(ARGV[7]) * (tonumber(ARGV[9]) ^ e))
  local jitter = tonumber(ARGV[10])
  delay = math.floor(base * (1 - jitter + jitter * tonumber(ARGV[11])) + 0.5)
end
local runAt = now + delay
redis.call('HSET', KEYS[1], 'status', 'pending', 'runAt', fmt(runAt), 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', ARGV[4], 'updatedAt', fmt(now))
redis.call('ZADD', qp .. ':pending', runAt, ARGV[2])
return {'retry', redis.call('HGETALL', KEYS[1])}
