-- Effects oldest first. KEYS[1] any key under the prefix. ARGV: prefix, statuses (csv), limit.
local limit = tonumber(ARGV[3])
local items = {}
for s in string.gmatch(ARGV[2], '[^,]+') do
  local m = redis.call('ZRANGE', ARGV[1] .. 'effects:' .. s, 0, limit - 1, 'WITHSCORES')
  for i = 1, #m, 2 do items[#items + 1] = {tonumber(m[i + 1]), m[i]} end
end
table.sort(items, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
local out = {}
for i = 1, math.min(#items, limit) do out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'effect:' .. items[i][2]) end
return out
