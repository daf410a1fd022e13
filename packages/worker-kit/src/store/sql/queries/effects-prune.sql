-- Deletes terminal (confirmed or failed) effects last updated before $1, oldest first, at most
-- $3, except those whose key starts with one of the prefixes $2 (compared literally with
-- starts_with: no pattern characters). The partial index `effects_terminal` serves the scan; an
-- effect locked by a concurrent update is skipped; rows are deleted through the primary key
-- (`= ANY(ARRAY(...))`, as in `jobs-prune.sql`).
-- $1 updated before (ms), $2 kept key prefixes, $3 limit.
WITH deleted AS (
    DELETE FROM :schema.effects
    WHERE key = ANY(ARRAY(
        SELECT f.key FROM :schema.effects AS f
        WHERE f.status IN ('confirmed', 'failed') AND f.updated_at < $1::bigint
          AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix) WHERE starts_with(f.key, p.prefix))
        ORDER BY f.updated_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED
    ))
    RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted
