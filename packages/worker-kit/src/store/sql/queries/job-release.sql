-- Hands a running job back unspent: pending now, its attempt given back, its lease cleared.
-- $1 id, $2 owner, $3 now or null.
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.jobs AS j SET status = 'pending', run_at = t.now, attempts = GREATEST(j.attempts - 1, 0),
       lease_owner = NULL, lease_expires_at = NULL, updated_at = t.now
FROM t
WHERE j.id = $1 AND j.lease_owner = $2 AND j.status = 'running'
RETURNING j.id
