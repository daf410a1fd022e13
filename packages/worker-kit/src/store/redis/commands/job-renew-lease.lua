-- Renews the lease of a running job the owner holds (heartbeat). KEYS[1] job. ARGV: prefix, id, owner, leaseMs, now|''.
local held = redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'leaseOwner') == ARGV[3]
if not held then return {} end
local now = nowms(ARGV[5])
local exp = now + tonumber(ARGV[4])
local queue = redis.call('HGET', KEYS[1], 'queue')
redis.call('HSET', KEYS[1], 'leaseExpiresAt', fmt(exp), 'updatedAt', fmt(now))
redis.call('ZADD', ARGV[1] .. 'q:' .. queue .. ':running', exp, ARGV[2])
return redis.call('HGETALL', KEYS[1])
