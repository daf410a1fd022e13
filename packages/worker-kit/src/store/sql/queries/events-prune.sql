-- Deletes the offered events that are at or below $2, finalized or retracted, and have none of
-- their jobs pending, running or dead; counts the others that are in the inbox as kept. Offers
-- apply in order, as one call per offer would: a key offered twice is deleted by its first
-- deletable offer, offers of it before that count as kept, offers after it count as nothing.
-- Each event is looked up through the primary key (the offers come as one JSON array, as the
-- keys of `events-get.sql` do), each job id through the jobs' primary key.
-- $1 the offers as a JSON array of {ord, signature, instruction_index, event_index, job_ids},
-- $2 the slot through which to delete.
WITH offered AS MATERIALIZED (
    SELECT k.ord, e.signature, e.instruction_index, e.event_index,
           (e.slot <= $2::bigint AND e.commitment IN ('finalized', 'retracted')
            AND NOT EXISTS (SELECT 1 FROM :schema.jobs AS j WHERE j.id = ANY(k.job_ids) AND j.status IN ('pending', 'running', 'dead'))) AS deletable
    FROM jsonb_to_recordset($1::jsonb) AS k(ord int, signature text, instruction_index int, event_index int, job_ids text[])
    JOIN :schema.inbox_events AS e
      ON e.signature = k.signature COLLATE "C" AND e.instruction_index = k.instruction_index AND e.event_index = k.event_index
),
ranked AS (
    SELECT o.*, min(o.ord) FILTER (WHERE o.deletable) OVER (PARTITION BY o.signature, o.instruction_index, o.event_index) AS deleted_by
    FROM offered AS o
),
deleted AS (
    DELETE FROM :schema.inbox_events AS e
    USING ranked AS r
    WHERE r.ord = r.deleted_by AND e.signature = r.signature AND e.instruction_index = r.instruction_index AND e.event_index = r.event_index
    RETURNING 1
)
SELECT (SELECT count(*) FROM deleted)::int AS deleted,
       (SELECT count(*) FROM ranked WHERE NOT deletable AND (deleted_by IS NULL OR ord < deleted_by))::int AS kept
