-- Deletes audit entries recorded before $1, oldest first, at most $4, except those whose action
-- starts with one of $2 or whose subject starts with one of $3 (compared literally with
-- starts_with). The index `audit_log_at` serves the scan. `seq` is an identity column: deleted
-- numbers are never handed out again. Rows are deleted through the primary key (`= ANY(ARRAY(...))`,
-- as in `jobs-prune.sql`).
-- $1 before (ms), $2 kept action prefixes, $3 kept subject prefixes, $4 limit.
WITH deleted AS (
    DELETE FROM :schema.audit_log
    WHERE seq = ANY(ARRAY(
        SELECT a.seq FROM :schema.audit_log AS a
        WHERE a.at < $1::bigint
          AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix) WHERE starts_with(a.action, p.prefix))
          AND (a.subject IS NULL OR NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(prefix) WHERE starts_with(a.subject, p.prefix)))
        ORDER BY a.at
        LIMIT $4
        FOR UPDATE SKIP LOCKED
    ))
    RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted
