-- Inserts an event if absent, unless retention pruned its slot (at or below the watermark).
-- KEYS[1] event. ARGV: prefix, member, signature, ix, ev, slot, name, data, commitment, now|''.
-- Returns {1, hash} when inserted, {0, hash} when present, {2, now} when pruned (nothing written).
-- @include includes/event.lua
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
local now = fmt(nowms(ARGV[10]))
if below_watermark(ARGV[1], ARGV[6]) then return {2, now} end
insert_event(ARGV[1], KEYS[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], now)
return {1, redis.call('HGETALL', KEYS[1])}
