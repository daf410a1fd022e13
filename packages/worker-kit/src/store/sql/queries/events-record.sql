-- Inserts events if absent, one array per column unnested in input order (cheaper for the
-- server to read than one JSON document of rows: only the data itself is parsed as JSON).
-- $1 signatures, $2 instruction indexes, $3 event indexes, $4 slots, $5 names, $6 data (JSON
-- text), $7 commitments, $8 always null (the database clock), $9 per-event now or null.
WITH t AS (SELECT coalesce($8::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
INSERT INTO :schema.inbox_events (signature, instruction_index, event_index, slot, name, data, commitment, received_at, updated_at)
SELECT x.signature, x.instruction_index, x.event_index, x.slot, x.name, x.data::jsonb, x.commitment, coalesce(x.now, t.now), coalesce(x.now, t.now)
FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $9::bigint[])
     WITH ORDINALITY AS x(signature, instruction_index, event_index, slot, name, data, commitment, now, ord), t
ORDER BY x.ord
ON CONFLICT DO NOTHING
RETURNING signature, instruction_index, event_index, received_at
