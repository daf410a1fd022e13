-- Event records, shared by event-record, event-set-commitment, events-prune and the inbox steps. An
-- event is the hash `event:<id>` (its `member` is its entry in the sorted set `events:<commitment>`).
-- The string `events:pruned-through` is the retention watermark (a slot; absent until a prune).
local function insert_event(prefix, key, member, signature, ix, ev, slot, name, data, commitment, now)
  redis.call('HSET', key, 'signature', signature, 'instructionIndex', ix, 'eventIndex', ev, 'slot', slot,
    'name', name, 'data', data, 'commitment', commitment, 'receivedAt', now, 'updatedAt', now, 'member', member)
  redis.call('ZADD', prefix .. 'events:' .. commitment, 0, member)
end
-- Whether retention pruned the slot (decimal text): an event there that is not in the inbox is
-- never inserted again.
local function below_watermark(prefix, slot)
  local mark = redis.call('GET', prefix .. 'events:pruned-through')
  return mark ~= false and pad20(slot) <= pad20(mark)
end
-- Moves an event's commitment when it is in an allowed source state (csv); returns {changed, hash}.
local function move_event(prefix, key, target, sources, now)
  local cur = redis.call('HGET', key, 'commitment')
  if not cur then return {0, {}} end
  if not inlist(sources, cur) then return {0, redis.call('HGETALL', key)} end
  local member = redis.call('HGET', key, 'member')
  redis.call('ZREM', prefix .. 'events:' .. cur, member)
  redis.call('ZADD', prefix .. 'events:' .. target, 0, member)
  redis.call('HSET', key, 'commitment', target, 'updatedAt', now)
  return {1, redis.call('HGETALL', key)}
end
