-- Hands a running job back: pending now, the attempt refunded. KEYS[1] job. ARGV: prefix, id, owner, now|''.
local held = redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'leaseOwner') == ARGV[3]
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
