-- Records events with the plan of an atomic inbox step (jobs and projection writes), all or
-- nothing: first checks that nothing the plan depended on changed (the values it read, which
-- events exist, which absent ones retention pruned), then writes. KEYS[1] any key under the prefix.
-- ARGV: the frame of includes/inbox-step.lua; per event: expectation (i = absent and above the
-- watermark, to insert; x = absent and at or below it, pruned: never inserted, nothing planned;
-- p = present; d = repeats an earlier inserted or present event of the batch), id, member,
-- signature, ix, ev, slot, name, data, commitment, now.
-- Returns {0} on a conflict (nothing written: a watermark raised under an `i` event is one), else
-- {1, per event {inserted (1), present (0) or pruned (2), hash ({} when inserted or pruned)},
-- per job {created, hash}}.
-- @include includes/event.lua
-- @include includes/job.lua
-- @include includes/inbox-step.lua
local jobs, writes, events = step_offsets()
local last = events + 11 * (tonumber(ARGV[5]) - 1)
if not step_reads_unchanged(jobs) then return {0} end
for a = events, last, 11 do
  local expect = ARGV[a]
  if expect ~= 'd' then
    if (redis.call('EXISTS', ARGV[1] .. 'event:' .. ARGV[a + 1]) == 1) ~= (expect == 'p') then return {0} end
    if expect ~= 'p' and below_watermark(ARGV[1], ARGV[a + 6]) ~= (expect == 'x') then return {0} end
  end
end
local out = {}
for a = events, last, 11 do
  local key = ARGV[1] .. 'event:' .. ARGV[a + 1]
  if ARGV[a] == 'i' then
    insert_event(ARGV[1], key, ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10])
    out[#out + 1] = {1, {}}
  elseif ARGV[a] == 'x' then
    out[#out + 1] = {2, {}}
  else
    out[#out + 1] = {0, redis.call('HGETALL', key)}
  end
end
return {1, out, step_apply_plan(jobs, writes, events)}
