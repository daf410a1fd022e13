-- Deletes finished jobs in the asked states that finished before $2, oldest first, at most $3:
-- the states as literals too, so that the partial index `jobs_finished` serves the scan and it
-- stops at the limit. A job locked by someone else (being redriven) is skipped.
-- The rows are deleted through the primary key (`= ANY(ARRAY(...))`: with `IN (...)` the planner
-- would rather hash-join a scan of the whole table).
-- $1 states (completed and/or dead), $2 finished before (ms), $3 limit.
WITH deleted AS (
    DELETE FROM :schema.jobs
    WHERE id = ANY(ARRAY(
        SELECT id FROM :schema.jobs
        WHERE status IN ('completed', 'dead') AND status = ANY($1::text[]) AND finished_at < $2::bigint
        ORDER BY finished_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED
    ))
    RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted
