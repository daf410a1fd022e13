-- Inserts events if absent, one array per column unnested in input order (cheaper for the
-- server to read than one JSON document of rows: only the data itself is parsed as JSON), and
-- never an event at or below the inbox watermark. The watermark row is read FOR SHARE: while a
-- prune that raises it is uncommitted the insert waits, then reads the new value (so a pruned
-- event is never inserted again). Returns the inserted events' keys and times, then one last
-- row with a null signature: the watermark (null when nothing was pruned) as
-- `pruned_through_slot` and the statement's clock as `received_at` (what a pruned event would
-- have been stored with).
-- $1 signatures, $2 instruction indexes, $3 event indexes, $4 slots, $5 names, $6 data (JSON
-- text), $7 commitments, $8 always null (the database clock), $9 per-event now or null.
WITH t AS (SELECT coalesce($8::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now),
     w AS (SELECT pruned_through_slot FROM :schema.inbox_watermark FOR SHARE),
     ins AS (
         INSERT INTO :schema.inbox_events (signature, instruction_index, event_index, slot, name, data, commitment, received_at, updated_at)
         SELECT x.signature, x.instruction_index, x.event_index, x.slot, x.name, x.data::jsonb, x.commitment, coalesce(x.now, t.now), coalesce(x.now, t.now)
         FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $9::bigint[])
              WITH ORDINALITY AS x(signature, instruction_index, event_index, slot, name, data, commitment, now, ord), t
         WHERE x.slot > coalesce((SELECT pruned_through_slot FROM w), -1)
         ORDER BY x.ord
         ON CONFLICT DO NOTHING
         RETURNING signature, instruction_index, event_index, received_at
     )
SELECT i.signature, i.instruction_index, i.event_index, i.received_at, NULL::text AS pruned_through_slot FROM ins AS i
UNION ALL
SELECT NULL, NULL, NULL, t.now, (SELECT pruned_through_slot::text FROM w) FROM t
