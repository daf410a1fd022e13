-- Moves one event's commitment when it is in one of the allowed source states.
-- $1 signature, $2 instruction index, $3 event index, $4 target, $5 sources (csv), $6 now or null.
WITH t AS (SELECT coalesce($6::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.inbox_events AS e SET commitment = $4::text, updated_at = t.now
FROM t
WHERE e.signature = $1 AND e.instruction_index = $2 AND e.event_index = $3 AND e.commitment = ANY(string_to_array($5::text, ','))
RETURNING e.signature, e.instruction_index, e.event_index, e.slot::text AS slot, e.name, e.data, e.commitment, e.received_at, e.updated_at
