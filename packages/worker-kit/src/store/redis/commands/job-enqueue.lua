-- Inserts a job if absent; with a lease owner it starts claimed (running, attempt 1) as
-- job-claim leaves a job. KEYS[1] job.
-- ARGV: prefix, id, queue, name, payload, runAt|'', maxAttempts, now|'', lease owner|'', lease ms|''.
-- @include includes/job.lua
return insert_job(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
