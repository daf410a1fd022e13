-- Moves events' commitments with the plan of an atomic inbox step (jobs and projection writes),
-- all or nothing: first checks that nothing the plan depended on changed (the values it read,
-- the commitments it saw), then writes. KEYS[1] any key under the prefix.
-- ARGV: the frame of includes/inbox-step.lua; per move: expectation (c = check the commitment;
-- d = repeats an earlier event of the batch), id, commitment seen ('' = absent), target,
-- allowed sources (csv), now.
-- Returns {0} on a conflict (nothing written), else {1, per move {changed, hash ({} when
-- absent)}, per job {created, hash}}.
-- @include includes/event.lua
-- @include includes/job.lua
-- @include includes/inbox-step.lua
local jobs, writes, events = step_offsets()
local last = events + 6 * (tonumber(ARGV[5]) - 1)
if not step_reads_unchanged(jobs) then return {0} end
for a = events, last, 6 do
  if ARGV[a] == 'c' and (redis.call('HGET', ARGV[1] .. 'event:' .. ARGV[a + 1], 'commitment') or '') ~= ARGV[a + 2] then return {0} end
end
local out = {}
for a = events, last, 6 do
  out[#out + 1] = move_event(ARGV[1], ARGV[1] .. 'event:' .. ARGV[a + 1], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5])
end
return {1, out, step_apply_plan(jobs, writes, events)}
