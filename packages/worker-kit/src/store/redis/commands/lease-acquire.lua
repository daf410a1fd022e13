-- Acquires a lease that is free, expired or already held by the owner (then renewed, same token).
-- KEYS[1] lease. ARGV: prefix, name, owner, leaseMs, now|''.
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
