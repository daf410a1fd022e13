-- Renews the lease of a running job still held by the owner (heartbeat). $1 id, $2 owner, $3 lease ms, $4 now or null.
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.jobs AS j SET lease_expires_at = t.now + $3::bigint, updated_at = t.now
FROM t
WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
RETURNING j.id, j.queue, j.name, j.payload, j.status, j.run_at, j.attempts, j.max_attempts, j.lease_owner, j.lease_expires_at, j.last_error, j.created_at, j.updated_at, j.finished_at
