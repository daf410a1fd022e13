-- Counts jobs by queue and status; completed jobs are counted by a per-queue counter (they are in
-- no queue index; retention decrements it). KEYS[1] the set of queue names. ARGV: prefix, queue|'' (every queue), statuses (csv).
local queues = {}
if ARGV[2] ~= '' then queues = {ARGV[2]} else queues = redis.call('SMEMBERS', KEYS[1]) end
local n = 0
for _, q in ipairs(queues) do
  local qp = ARGV[1] .. 'q:' .. q
  if inlist(ARGV[3], 'pending') then n = n + redis.call('ZCARD', qp .. ':pending') end
  if inlist(ARGV[3], 'running') then n = n + redis.call('ZCARD', qp .. ':running') end
  if inlist(ARGV[3], 'dead') then n = n + redis.call('ZCARD', qp .. ':dead') end
  if inlist(ARGV[3], 'completed') then n = n + tonumber(redis.call('GET', qp .. ':completed') or '0') end
end
return n
