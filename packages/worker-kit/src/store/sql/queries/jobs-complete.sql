-- Completes the running jobs the owner holds. $1 ids, $2 owner, $3 now or null.
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.jobs AS j SET status = 'completed', lease_owner = NULL, lease_expires_at = NULL, updated_at = t.now, finished_at = t.now
FROM t
WHERE j.id = ANY($1::text[]) AND j.lease_owner = $2 AND j.status = 'running'
RETURNING j.id
