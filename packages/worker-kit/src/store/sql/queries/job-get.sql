-- One job. $1 id.
SELECT id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, last_error, created_at, updated_at, finished_at
FROM :schema.jobs
WHERE id = $1
