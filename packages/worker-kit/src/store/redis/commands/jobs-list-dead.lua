-- Dead letters, oldest first. KEYS[1] the dead set to read (every queue's or one queue's). ARGV: prefix, limit.
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'job:' .. id) end
return out
