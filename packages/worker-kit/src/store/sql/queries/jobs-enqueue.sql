-- Inserts jobs if absent, one array per column unnested in input order. A job with a lease
-- owner is claimed as it is created (status, attempt and lease as a claim sets them).
-- $1 ids, $2 queues, $3 names, $4 payloads (JSON text), $5 run-at times or nulls, $6 max
-- attempts, $7 per-job now or null, $8 lease owners or nulls, $9 lease ms or nulls, $10 always
-- null (the database clock).
WITH t AS (SELECT coalesce($10::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
INSERT INTO :schema.jobs (id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, created_at, updated_at)
SELECT x.id, x.queue, x.name, x.payload::jsonb, CASE WHEN x.owner IS NULL THEN 'pending' ELSE 'running' END,
       coalesce(x.run_at, x.now, t.now), CASE WHEN x.owner IS NULL THEN 0 ELSE 1 END, x.max_attempts,
       x.owner, coalesce(x.now, t.now) + x.lease_ms, coalesce(x.now, t.now), coalesce(x.now, t.now)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::text[], $9::bigint[])
     WITH ORDINALITY AS x(id, queue, name, payload, run_at, max_attempts, now, owner, lease_ms, ord), t
ORDER BY x.ord
ON CONFLICT DO NOTHING
RETURNING id, run_at, lease_expires_at, created_at
