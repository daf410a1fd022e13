-- Moves many events' commitments, each when it is in one of its allowed source states; at most
-- one move per event key (the caller runs repeated keys in later statements). The moves come as
-- one JSON array, as the keys of `events-get.sql` do: the planner then looks each event up
-- through the primary key (with `unnest` of 1000 rows it would rather hash the whole inbox).
-- $1 the moves as a JSON array of {signature, instruction_index, event_index, commitment,
-- sources (csv), now (or null)}, $2 always null (the database clock).
WITH t AS (SELECT coalesce($2::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.inbox_events AS e SET commitment = x.commitment, updated_at = coalesce(x.now, t.now)
FROM jsonb_to_recordset($1::jsonb) AS x(signature text, instruction_index int, event_index int, commitment text, sources text, now bigint), t
WHERE e.signature = x.signature COLLATE "C" AND e.instruction_index = x.instruction_index AND e.event_index = x.event_index
  AND e.commitment = ANY(string_to_array(x.sources, ','))
RETURNING e.signature, e.instruction_index, e.event_index, e.slot::text AS slot, e.name, e.data, e.commitment, e.received_at, e.updated_at
