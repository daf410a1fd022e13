-- Audit entries in seq order. KEYS[1] the index to read (all entries or one subject's). ARGV: prefix, afterSeq, limit.
local seqs = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, s in ipairs(seqs) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'audit:' .. s) end
return out
