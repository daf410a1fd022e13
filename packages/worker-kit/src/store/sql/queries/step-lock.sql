-- Takes the store's step lock until the transaction ends (the first statement of every atomic
-- inbox step): steps run one at a time, so their read-modify-write of projection values never
-- interleaves. The key is the oid of the schema's inbox table: one lock per store, and stores
-- in other schemas of the same database never share it.
SELECT pg_advisory_xact_lock(':schema.inbox_events'::regclass::oid::bigint) AS locked
