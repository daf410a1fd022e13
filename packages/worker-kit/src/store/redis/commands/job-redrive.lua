-- Puts a dead job back in its queue with its attempts reset. KEYS[1] job. ARGV: prefix, id, runAt|'', now|''.
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
