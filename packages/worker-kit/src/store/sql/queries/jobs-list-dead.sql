-- Dead letters, oldest first. $1 queue or null for every queue, $2 limit.
SELECT id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, last_error, created_at, updated_at, finished_at
FROM :schema.jobs
WHERE status = 'dead' AND ($1::text IS NULL OR queue = $1::text)
ORDER BY finished_at, id
LIMIT $2
