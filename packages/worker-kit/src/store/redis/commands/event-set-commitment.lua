-- Moves an event's commitment when it is in an allowed source state. KEYS[1] event.
-- ARGV: prefix, target, allowed sources (csv), now|''.
-- @include includes/event.lua
return move_event(ARGV[1], KEYS[1], ARGV[2], ARGV[3], fmt(nowms(ARGV[4])))
