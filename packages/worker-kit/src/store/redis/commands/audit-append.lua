-- Appends an audit entry with the next sequence number, indexed by seq (`audit`), by subject
-- (`audit:subject:<subject>`) and by time (`audit:at`, for retention). A store whose first entry
-- is appended here has nothing to index later (`audit:at:backfilled` is 'done', see audit-prune).
-- KEYS[1] the sequence counter. ARGV: prefix, actor, action, subject|'', data, now|''.
local seq = redis.call('INCR', KEYS[1])
local k = ARGV[1] .. 'audit:' .. seq
local at = fmt(nowms(ARGV[6]))
redis.call('HSET', k, 'seq', seq, 'at', at, 'actor', ARGV[2], 'action', ARGV[3], 'subject', ARGV[4], 'data', ARGV[5])
redis.call('ZADD', ARGV[1] .. 'audit', seq, seq)
redis.call('ZADD', ARGV[1] .. 'audit:at', at, seq)
if seq == 1 then redis.call('SET', ARGV[1] .. 'audit:at:backfilled', 'done') end
if ARGV[4] ~= '' then redis.call('ZADD', ARGV[1] .. 'audit:subject:' .. ARGV[4], seq, seq) end
return redis.call('HGETALL', k)
