-- Appends an audit entry with the next sequence number. KEYS[1] the sequence counter.
-- ARGV: prefix, actor, action, subject|'', data, now|''.
local seq = redis.call('INCR', KEYS[1])
local k = ARGV[1] .. 'audit:' .. seq
redis.call('HSET', k, 'seq', seq, 'at', fmt(nowms(ARGV[6])), 'actor', ARGV[2], 'action', ARGV[3], 'subject', ARGV[4], 'data', ARGV[5])
redis.call('ZADD', ARGV[1] .. 'audit', seq, seq)
if ARGV[4] ~= '' then redis.call('ZADD', ARGV[1] .. 'audit:subject:' .. ARGV[4], seq, seq) end
return redis.call('HGETALL', k)
