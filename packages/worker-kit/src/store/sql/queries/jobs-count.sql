-- Counts jobs of a queue (or every queue) in the asked states. One count per state, with the
-- state as a literal, so that the partial index of pending, running or dead jobs serves it; a
-- count not asked for is never run (an InitPlan runs when first needed), so completed jobs,
-- which pile up, are never scanned unless asked for. $1 queue or null, $2 states.
SELECT (
      CASE WHEN 'pending' = ANY($2::text[]) THEN (SELECT count(*) FROM :schema.jobs WHERE status = 'pending' AND ($1::text IS NULL OR queue = $1::text)) ELSE 0 END
    + CASE WHEN 'running' = ANY($2::text[]) THEN (SELECT count(*) FROM :schema.jobs WHERE status = 'running' AND ($1::text IS NULL OR queue = $1::text)) ELSE 0 END
    + CASE WHEN 'dead' = ANY($2::text[]) THEN (SELECT count(*) FROM :schema.jobs WHERE status = 'dead' AND ($1::text IS NULL OR queue = $1::text)) ELSE 0 END
    + CASE WHEN 'completed' = ANY($2::text[]) THEN (SELECT count(*) FROM :schema.jobs WHERE status = 'completed' AND ($1::text IS NULL OR queue = $1::text)) ELSE 0 END
)::bigint AS n
