-- Deletes confirmed and failed effects last updated before a time whose key starts with none of
-- the kept prefixes, at most `limit`. Candidates come from `effects:confirmed` / `effects:failed`
-- (keys by createdAt, <= updatedAt), so this needs no index of its own and sees effects of stores
-- older than retention too; an effect updated with a caller's `now` earlier than its creation
-- waits until the cutoff passes its creation. Candidates are read 1000 at a time; kept ones are
-- skipped (an offset), deleted ones leave the set. KEYS[1] `effects:confirmed`.
-- ARGV: prefix, updatedBefore, limit, kept prefix count, the kept prefixes.
-- @include includes/prefixes.lua
local before = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local lastPrefix = 4 + tonumber(ARGV[4])
local deleted = 0
for _, status in ipairs({'confirmed', 'failed'}) do
  local set = ARGV[1] .. 'effects:' .. status
  local skipped = 0
  while deleted < limit do
    local keys = redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. ARGV[2], 'LIMIT', skipped, 1000)
    if #keys == 0 then break end
    for _, key in ipairs(keys) do
      if deleted >= limit then break end
      local k = ARGV[1] .. 'effect:' .. key
      local e = starts_with_any(key, 5, lastPrefix) and {} or redis.call('HMGET', k, 'status', 'updatedAt')
      if e[1] == status and tonumber(e[2]) < before then
        redis.call('DEL', k)
        redis.call('ZREM', set, key)
        deleted = deleted + 1
      else
        skipped = skipped + 1
      end
    end
  end
end
return deleted
