-- Events by key. $1 the keys as a JSON array of {signature, instruction_index, event_index}.
SELECT e.signature, e.instruction_index, e.event_index, e.slot::text AS slot, e.name, e.data, e.commitment, e.received_at, e.updated_at
FROM :schema.inbox_events AS e
JOIN jsonb_to_recordset($1::jsonb) AS k(signature text, instruction_index int, event_index int)
  ON e.signature = k.signature COLLATE "C" AND e.instruction_index = k.instruction_index AND e.event_index = k.event_index
