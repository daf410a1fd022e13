-- Extends a lease still held by the owner with the token. KEYS[1] lease. ARGV: prefix, owner, token, leaseMs, now|''.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'token') ~= ARGV[3] then return {} end
redis.call('HSET', KEYS[1], 'expiresAt', fmt(nowms(ARGV[5]) + tonumber(ARGV[4])))
return redis.call('HGETALL', KEYS[1])
