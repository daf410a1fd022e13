-- Puts a dead job back in its queue with its attempts reset. $1 id, $2 run at or null (now), $3 now or null.
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.jobs AS j SET status = 'pending', run_at = coalesce($2::bigint, t.now), attempts = 0,
       updated_at = t.now, finished_at = NULL
FROM t
WHERE j.id = $1 AND j.status = 'dead'
RETURNING j.id, j.queue, j.name, j.payload, j.status, j.run_at, j.attempts, j.max_attempts, j.lease_owner, j.lease_expires_at, j.last_error, j.created_at, j.updated_at, j.finished_at
