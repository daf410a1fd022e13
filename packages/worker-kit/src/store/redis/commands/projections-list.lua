-- A projection's entries in byte order of their keys. KEYS[1] the projection's key set.
-- ARGV: prefix, namespace, lex min ('-', '[prefix' or '(after'), key prefix ('' = no upper
-- bound), limit. Returns key, value, key, value, ...
local max = '+'
if ARGV[4] ~= '' then max = '(' .. ARGV[4] .. '\255' end
local keys = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], max, 'LIMIT', 0, tonumber(ARGV[5]))
if #keys == 0 then return {} end
local values = redis.call('HMGET', ARGV[1] .. 'proj:' .. ARGV[2], unpack(keys))
local out = {}
for i, key in ipairs(keys) do
  out[#out + 1] = key
  out[#out + 1] = values[i]
end
return out
