-- Job insertion, shared by job-enqueue and the inbox steps.
-- Inserts the job `id` if absent; with a lease owner it starts claimed (running, attempt 1) as
-- jobs-claim leaves a job. Returns {created, hash}.
local function insert_job(prefix, id, queue, name, payload, runAtArg, maxAttempts, nowArg, owner, leaseMs)
  local key = prefix .. 'job:' .. id
  if redis.call('EXISTS', key) == 1 then return {0, redis.call('HGETALL', key)} end
  local now = nowms(nowArg)
  local runAt = now
  if runAtArg ~= '' then runAt = tonumber(runAtArg) end
  if owner == '' then
    redis.call('HSET', key, 'id', id, 'queue', queue, 'name', name, 'payload', payload, 'status', 'pending',
      'runAt', fmt(runAt), 'attempts', '0', 'maxAttempts', maxAttempts, 'leaseOwner', '', 'leaseExpiresAt', '', 'lastError', '',
      'createdAt', fmt(now), 'updatedAt', fmt(now), 'finishedAt', '')
    redis.call('ZADD', prefix .. 'q:' .. queue .. ':pending', runAt, id)
  else
    local expires = now + tonumber(leaseMs)
    redis.call('HSET', key, 'id', id, 'queue', queue, 'name', name, 'payload', payload, 'status', 'running',
      'runAt', fmt(runAt), 'attempts', '1', 'maxAttempts', maxAttempts, 'leaseOwner', owner, 'leaseExpiresAt', fmt(expires), 'lastError', '',
      'createdAt', fmt(now), 'updatedAt', fmt(now), 'finishedAt', '')
    redis.call('ZADD', prefix .. 'q:' .. queue .. ':running', expires, id)
  end
  redis.call('SADD', prefix .. 'queues', queue)
  return {1, redis.call('HGETALL', key)}
end
