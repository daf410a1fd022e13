-- Records an effect's intent if its key is absent. KEYS[1] effect. ARGV: prefix, key, intent, now|''.
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
local now = nowms(ARGV[4])
redis.call('HSET', KEYS[1], 'key', ARGV[2], 'intent', ARGV[3], 'status', 'pending', 'signature', '', 'lastValidBlockHeight', '',
  'sendCount', '0', 'error', '', 'createdAt', fmt(now), 'updatedAt', fmt(now))
redis.call('ZADD', ARGV[1] .. 'effects:pending', now, ARGV[2])
return {1, redis.call('HGETALL', KEYS[1])}
