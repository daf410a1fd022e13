-- Appends an audit entry. The transaction-scoped advisory lock makes seq order equal commit
-- order, so a reader paginating with afterSeq never skips an entry committed late.
-- $1 actor, $2 action, $3 subject or null, $4 data (JSON text), $5 now or null, $6 the lock's name.
WITH t AS (SELECT coalesce($5::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now),
     lock AS (SELECT pg_advisory_xact_lock(hashtext($6::text)) AS l)
INSERT INTO :schema.audit_log (at, actor, action, subject, data)
SELECT t.now, $1::text, $2::text, $3::text, $4::jsonb FROM t, lock
RETURNING seq, at, actor, action, subject, data
