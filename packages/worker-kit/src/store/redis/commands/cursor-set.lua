-- Moves a cursor (compare-and-set, never backwards, fenced). KEYS[1] cursor.
-- ARGV: prefix, name, slot, signature, expectedVersion|'', fenceLease|'', fenceToken|'', now|''.
local cur = redis.call('HGETALL', KEYS[1])
if ARGV[6] ~= '' then
  local tok = redis.call('HGET', ARGV[1] .. 'lease:' .. ARGV[6], 'token')
  if (not tok) or tok ~= ARGV[7] then return {'fenced', cur} end
end
local version = 0
if #cur > 0 then version = tonumber(redis.call('HGET', KEYS[1], 'version')) end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= version then return {'version-mismatch', cur} end
if #cur > 0 and pad20(redis.call('HGET', KEYS[1], 'slot')) > pad20(ARGV[3]) then return {'backwards', cur} end
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'slot', ARGV[3], 'signature', ARGV[4], 'version', fmt(version + 1), 'updatedAt', fmt(nowms(ARGV[8])))
return {'ok', redis.call('HGETALL', KEYS[1])}
