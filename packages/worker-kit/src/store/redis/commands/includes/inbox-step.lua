-- The frame of an atomic inbox step, shared by inbox-step-record and inbox-step-move. ARGV:
-- prefix, reads count, jobs count, writes count, events count, then
-- per read: namespace, key, the value the plan read ('' = absent);
-- per job: id, queue, name, payload, runAt|'', maxAttempts, now|'', lease owner|'', lease ms|'';
-- per write: namespace, key, value ('' = remove);
-- then the events (their fields depend on the command).
-- A projection is the hash `proj:<namespace>` (key -> JSON) and, for listing in byte order, the
-- sorted set `proj:<namespace>:keys` (score 0).

-- The first ARGV index of the jobs, the writes and the events.
local function step_offsets()
  local jobs = 6 + 3 * tonumber(ARGV[2])
  local writes = jobs + 9 * tonumber(ARGV[3])
  local events = writes + 3 * tonumber(ARGV[4])
  return jobs, writes, events
end

-- Whether every projection value the plan read is still the one it read.
local function step_reads_unchanged(jobs)
  for a = 6, jobs - 1, 3 do
    if (redis.call('HGET', ARGV[1] .. 'proj:' .. ARGV[a], ARGV[a + 1]) or '') ~= ARGV[a + 2] then return false end
  end
  return true
end

-- Inserts the plan's jobs and applies its writes; returns one {created, hash} per job.
local function step_apply_plan(jobs, writes, events)
  local out = {}
  for a = jobs, writes - 1, 9 do
    out[#out + 1] = insert_job(ARGV[1], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8])
  end
  for a = writes, events - 1, 3 do
    local values = ARGV[1] .. 'proj:' .. ARGV[a]
    if ARGV[a + 2] == '' then
      redis.call('HDEL', values, ARGV[a + 1])
      redis.call('ZREM', values .. ':keys', ARGV[a + 1])
    else
      redis.call('HSET', values, ARGV[a + 1], ARGV[a + 2])
      redis.call('ZADD', values .. ':keys', 0, ARGV[a + 1])
    end
  end
  return out
end
