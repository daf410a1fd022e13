-- Inserts an event if absent. KEYS[1] event.
-- ARGV: prefix, member, signature, ix, ev, slot, name, data, commitment, now|''.
-- @include includes/event.lua
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
insert_event(ARGV[1], KEYS[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], fmt(nowms(ARGV[10])))
return {1, redis.call('HGETALL', KEYS[1])}
