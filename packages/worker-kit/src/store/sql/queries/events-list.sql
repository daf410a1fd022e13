-- Events in slot, signature, instruction and event order.
-- $1 commitments (csv) or null for all, $2 min slot or null, $3 max slot or null, $4 limit.
SELECT e.signature, e.instruction_index, e.event_index, e.slot::text AS slot, e.name, e.data, e.commitment, e.received_at, e.updated_at
FROM :schema.inbox_events AS e
WHERE ($1::text IS NULL OR e.commitment = ANY(string_to_array($1::text, ',')))
  AND ($2::bigint IS NULL OR e.slot >= $2::bigint) AND ($3::bigint IS NULL OR e.slot <= $3::bigint)
ORDER BY e.slot, e.signature, e.instruction_index, e.event_index
LIMIT $4
