-- Events in slot, signature, instruction and event order. KEYS[1] any key under the prefix.
-- ARGV: prefix, commitments (csv), lex min, lex max, limit.
local limit = tonumber(ARGV[5])
local members = {}
for c in string.gmatch(ARGV[2], '[^,]+') do
  local m = redis.call('ZRANGEBYLEX', ARGV[1] .. 'events:' .. c, ARGV[3], ARGV[4], 'LIMIT', 0, limit)
  for _, x in ipairs(m) do members[#members + 1] = x end
end
table.sort(members)
local out = {}
for i = 1, math.min(#members, limit) do
  out[#out + 1] = redis.call('HGETALL', ARGV[1] .. 'event:' .. string.sub(members[i], 22))
end
return out
