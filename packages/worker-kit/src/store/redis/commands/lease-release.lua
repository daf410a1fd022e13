-- Releases a lease held by the owner with the token (the token stays). KEYS[1] lease. ARGV: prefix, owner, token.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'token') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'owner', '')
return 1
