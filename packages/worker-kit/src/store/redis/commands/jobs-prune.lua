-- Deletes finished jobs (completed, dead or both) that finished before a time, at most `limit`.
-- Completed jobs are found through `jobs:completed` (id by finishedAt, kept by job-complete since
-- retention exists: jobs completed by an older version of the store are in no index and are never
-- pruned), dead ones through `dead` (id by the time they died, = finishedAt). A deleted completed
-- job also leaves its queue's completed counter. KEYS[1] `jobs:completed`.
-- ARGV: prefix, statuses (csv of completed, dead), finishedBefore, limit.
local limit = tonumber(ARGV[4])
local deleted = 0
-- Deletes the jobs of one finished status listed in `index` before the cutoff. Every id read
-- leaves the index (one whose job is gone or not in that status any more was stale).
local function prune(status, index, unindex)
  while deleted < limit do
    local ids = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. ARGV[3], 'LIMIT', 0, limit - deleted)
    if #ids == 0 then return end
    for _, id in ipairs(ids) do
      local key = ARGV[1] .. 'job:' .. id
      local job = redis.call('HMGET', key, 'status', 'queue')
      redis.call('ZREM', index, id)
      if job[1] == status then
        redis.call('DEL', key)
        unindex(ARGV[1] .. 'q:' .. job[2], id)
        deleted = deleted + 1
      end
    end
  end
end
if inlist(ARGV[2], 'completed') then
  prune('completed', KEYS[1], function(qp)
    if tonumber(redis.call('GET', qp .. ':completed') or '0') > 0 then redis.call('DECR', qp .. ':completed') end
  end)
end
if inlist(ARGV[2], 'dead') then
  prune('dead', ARGV[1] .. 'dead', function(qp, id) redis.call('ZREM', qp .. ':dead', id) end)
end
return deleted
