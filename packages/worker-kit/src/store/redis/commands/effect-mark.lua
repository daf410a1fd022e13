-- Moves an effect to sent, confirmed or failed. KEYS[1] effect.
-- ARGV: prefix, key, target, allowed sources (csv), signature|'', lastValidBlockHeight|'', error|'', now|'', expected send count|''.
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing', {}} end
if not inlist(ARGV[4], cur) then return {'invalid', redis.call('HGETALL', KEYS[1])} end
local target = ARGV[3]
local now = fmt(nowms(ARGV[8]))
if target == 'sent' and ARGV[9] ~= '' and redis.call('HGET', KEYS[1], 'sendCount') ~= ARGV[9] then
  return {'conflict', redis.call('HGETALL', KEYS[1])}
end
if target == 'sent' then
  redis.call('HSET', KEYS[1], 'status', 'sent', 'signature', ARGV[5], 'lastValidBlockHeight', ARGV[6], 'updatedAt', now)
  redis.call('HINCRBY', KEYS[1], 'sendCount', 1)
elseif target == 'confirmed' then
  if cur == 'confirmed' and (ARGV[5] == '' or ARGV[5] == redis.call('HGET', KEYS[1], 'signature')) then
    return {'ok', redis.call('HGETALL', KEYS[1])}
  end
  redis.call('HSET', KEYS[1], 'status', 'confirmed', 'updatedAt', now)
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'signature', ARGV[5]) end
else
  if cur == 'failed' then return {'ok', redis.call('HGETALL', KEYS[1])} end
  redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[7], 'updatedAt', now)
end
if cur ~= target then
  local created = redis.call('HGET', KEYS[1], 'createdAt')
  redis.call('ZREM', ARGV[1] .. 'effects:' .. cur, ARGV[2])
  redis.call('ZADD', ARGV[1] .. 'effects:' .. target, created, ARGV[2])
end
return {'ok', redis.call('HGETALL', KEYS[1])}
