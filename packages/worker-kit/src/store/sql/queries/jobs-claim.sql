-- Claims jobs: jobs whose lease expired with no attempts left become dead letters; then up to
-- $3 jobs are taken, due pending ones and expired leases, in run_at, id order. Each kind is
-- read from its own partial index in that order and stops at the limit, so a claim costs the
-- same with ten jobs waiting or a million (one query over both kinds would sort the whole
-- backlog on every claim). $1 owner, $2 queue, $3 limit, $4 lease ms, $5 now or null.
WITH t AS (SELECT coalesce($5::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now),
     out_of_attempts AS (
         UPDATE :schema.jobs AS d SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL,
                last_error = coalesce(d.last_error, 'lease expired'), updated_at = t.now, finished_at = t.now
         FROM t
         WHERE d.id IN (SELECT x.id FROM :schema.jobs AS x
                        WHERE x.queue = $2 AND x.status = 'running' AND x.lease_expires_at <= (SELECT now FROM t) AND x.attempts >= x.max_attempts
                        FOR UPDATE OF x SKIP LOCKED)
         RETURNING d.id
     ),
     due_pending AS (
         SELECT p.id, p.run_at FROM :schema.jobs AS p
         WHERE p.queue = $2 AND p.status = 'pending' AND p.run_at <= (SELECT now FROM t)
         ORDER BY p.run_at, p.id
         LIMIT $3
         FOR UPDATE OF p SKIP LOCKED
     ),
     due_expired AS (
         SELECT x.id, x.run_at FROM :schema.jobs AS x
         WHERE x.queue = $2 AND x.status = 'running' AND x.lease_expires_at <= (SELECT now FROM t) AND x.attempts < x.max_attempts
         ORDER BY x.run_at, x.id
         LIMIT $3
         FOR UPDATE OF x SKIP LOCKED
     ),
     due AS (
         SELECT u.id FROM (SELECT id, run_at FROM due_pending UNION ALL SELECT id, run_at FROM due_expired) AS u
         ORDER BY u.run_at, u.id
         LIMIT $3
     )
UPDATE :schema.jobs AS j SET status = 'running', lease_owner = $1, lease_expires_at = t.now + $4::bigint,
       attempts = j.attempts + 1, updated_at = t.now
FROM due, t
WHERE j.id = due.id
RETURNING j.id, j.queue, j.name, j.payload, j.status, j.run_at, j.attempts, j.max_attempts, j.lease_owner, j.lease_expires_at, j.last_error, j.created_at, j.updated_at, j.finished_at
