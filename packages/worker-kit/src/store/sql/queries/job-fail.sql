-- Records a failed attempt of a running job the owner holds: dead when unrecoverable or out of
-- attempts, else pending again after $6 ms or the backoff min(maxMs, minMs * factor^(attempts-1))
-- of which the share jitter is random (the random number $11 comes from the caller).
-- $1 id, $2 owner, $3 error, $4 now or null, $5 unrecoverable, $6 retry delay or null,
-- $7 backoff minMs, $8 maxMs, $9 factor, $10 jitter, $11 a random number in [0, 1).
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.jobs AS j SET
    status = CASE WHEN $5::boolean OR j.attempts >= j.max_attempts THEN 'dead' ELSE 'pending' END,
    run_at = CASE WHEN $5::boolean OR j.attempts >= j.max_attempts THEN j.run_at
                  ELSE t.now + coalesce($6::bigint, round(
                      LEAST($8::float8, $7::float8 * power($9::float8, LEAST(GREATEST(j.attempts - 1, 0), 60)))
                      * (1 - $10::float8 + $10::float8 * $11::float8))::bigint) END,
    finished_at = CASE WHEN $5::boolean OR j.attempts >= j.max_attempts THEN t.now ELSE NULL END,
    lease_owner = NULL, lease_expires_at = NULL, last_error = $3::text, updated_at = t.now
FROM t
WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
RETURNING j.id, j.queue, j.name, j.payload, j.status, j.run_at, j.attempts, j.max_attempts, j.lease_owner, j.lease_expires_at, j.last_error, j.created_at, j.updated_at, j.finished_at
