-- Completes a running job the owner holds, indexed by finishedAt in `jobs:completed` (for
-- retention). KEYS[1] job. ARGV: prefix, id, owner, now|''.
local held = redis.call('HGET', KEYS[1], 'status') == 'running' and redis.call('HGET', KEYS[1], 'leaseOwner') == ARGV[3]
if not held then return 0 end
local now = fmt(nowms(ARGV[4]))
local queue = redis.call('HGET', KEYS[1], 'queue')
redis.call('HSET', KEYS[1], 'status', 'completed', 'leaseOwner', '', 'leaseExpiresAt', '', 'updatedAt', now, 'finishedAt', now)
redis.call('ZREM', ARGV[1] .. 'q:' .. queue .. ':running', ARGV[2])
redis.call('INCR', ARGV[1] .. 'q:' .. queue .. ':completed')
redis.call('ZADD', ARGV[1] .. 'jobs:completed', now, ARGV[2])
return 1
