-- Deletes audit entries recorded before a time whose action starts with none of the kept action
-- prefixes and whose subject (when set) with none of the kept subject prefixes, at most `limit`.
-- Candidates come from `audit:at` (seq by `at`, kept by audit-append since retention exists),
-- read 1000 at a time; kept ones are skipped (an offset), deleted ones leave the index.
-- Entries of a store older than that are indexed first, lazily: each call indexes up to 10000
-- more of them in seq order (the progress is `audit:at:backfilled`, 'done' at the end or when
-- the store's first entry was appended with the index). Sequence numbers are never reused (the
-- counter `audit:seq` only grows). KEYS[1] `audit:at`.
-- ARGV: prefix, before, limit, kept action prefix count, kept subject prefix count, the action
-- prefixes, the subject prefixes.
-- @include includes/prefixes.lua
local BACKFILL = 10000
local progress = ARGV[1] .. 'audit:at:backfilled'
local from = redis.call('GET', progress)
if from ~= 'done' then
  local seqs = redis.call('ZRANGEBYSCORE', ARGV[1] .. 'audit', '(' .. (from or '0'), '+inf', 'LIMIT', 0, BACKFILL)
  for _, seq in ipairs(seqs) do
    local at = redis.call('HGET', ARGV[1] .. 'audit:' .. seq, 'at')
    if at then redis.call('ZADD', KEYS[1], at, seq) end
  end
  if #seqs < BACKFILL then redis.call('SET', progress, 'done') else redis.call('SET', progress, seqs[#seqs]) end
end
local limit = tonumber(ARGV[3])
local lastAction = 5 + tonumber(ARGV[4])
local lastSubject = lastAction + tonumber(ARGV[5])
local deleted, skipped = 0, 0
while deleted < limit do
  local seqs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', skipped, 1000)
  if #seqs == 0 then break end
  for _, seq in ipairs(seqs) do
    if deleted >= limit then break end
    local key = ARGV[1] .. 'audit:' .. seq
    local e = redis.call('HMGET', key, 'action', 'subject')
    if not e[1] then
      redis.call('ZREM', KEYS[1], seq)
    elseif starts_with_any(e[1], 6, lastAction) or (e[2] and e[2] ~= '' and starts_with_any(e[2], lastAction + 1, lastSubject)) then
      skipped = skipped + 1
    else
      redis.call('DEL', key)
      redis.call('ZREM', KEYS[1], seq)
      redis.call('ZREM', ARGV[1] .. 'audit', seq)
      if e[2] and e[2] ~= '' then redis.call('ZREM', ARGV[1] .. 'audit:subject:' .. e[2], seq) end
      deleted = deleted + 1
    end
  end
end
return deleted
