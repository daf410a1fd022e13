-- Raises the retention watermark to the given slot (never lowers it) and deletes, in the same
-- step, each listed event that is at or below that slot, finalized or retracted, and has none of
-- its jobs pending, running or dead. Runs atomically with the inbox steps, which recheck the
-- watermark when they commit. KEYS[1] the watermark (`events:pruned-through`).
-- ARGV: prefix, throughSlot, then per event: id, job count, that many job ids.
-- Returns {deleted, kept (listed, present, not deleted), the watermark after the call}.
-- @include includes/event.lua
local through = ARGV[2]
local mark = redis.call('GET', KEYS[1])
if (not mark) or pad20(through) > pad20(mark) then
  redis.call('SET', KEYS[1], through)
  mark = through
end
local deleted, kept = 0, 0
local a = 3
while a <= #ARGV do
  local key = ARGV[1] .. 'event:' .. ARGV[a]
  local jobs = tonumber(ARGV[a + 1])
  local e = redis.call('HMGET', key, 'commitment', 'slot', 'member')
  if e[1] then
    local pinned = false
    for j = a + 2, a + 1 + jobs do
      local status = redis.call('HGET', ARGV[1] .. 'job:' .. ARGV[j], 'status')
      if status == 'pending' or status == 'running' or status == 'dead' then
        pinned = true
        break
      end
    end
    if (e[1] == 'finalized' or e[1] == 'retracted') and not pinned and pad20(e[2]) <= pad20(through) then
      redis.call('DEL', key)
      redis.call('ZREM', ARGV[1] .. 'events:' .. e[1], e[3])
      deleted = deleted + 1
    else
      kept = kept + 1
    end
  end
  a = a + 2 + jobs
end
return {deleted, kept, mark}
