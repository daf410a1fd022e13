-- Records events with the plan of an atomic inbox step (jobs and projection writes), all or
-- nothing: first checks that nothing the plan depended on changed (the values it read, which
-- events exist), then writes. KEYS[1] any key under the prefix.
-- ARGV: the frame of includes/inbox-step.lua; per event: expectation (i = absent, to insert;
-- p = present; d = repeats an earlier event of the batch), id, member, signature, ix, ev, slot,
-- name, data, commitment, now.
-- Returns {0} on a conflict (nothing written), else {1, per event {inserted, hash ({} when
-- inserted)}, per job {created, hash}}.
-- @include includes/event.lua
-- @include includes/job.lua
-- @include includes/inbox-step.lua
local jobs, writes, events = step_offsets()
local last = events + 11 * (tonumber(ARGV[5]) - 1)
if not step_reads_unchanged(jobs) then return {0} end
for a = events, last, 11 do
  if ARGV[a] ~= 'd' and (redis.call('EXISTS', ARGV[1] .. 'event:' .. ARGV[a + 1]) == 1) ~= (ARGV[a] == 'p') then return {0} end
end
local out = {}
for a = events, last, 11 do
  local key = ARGV[1] .. 'event:' .. ARGV[a + 1]
  if ARGV[a] == 'i' then
    insert_event(ARGV[1], key, ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10])
    out[#out + 1] = {1, {}}
  else
    out[#out + 1] = {0, redis.call('HGETALL', key)}
  end
end
return {1, out, step_apply_plan(jobs, writes, events)}
