-- Writes a cursor without compare-and-set: created, or moved to an equal or higher slot, unless
-- the fence is stale. $1 name, $2 slot, $3 signature, $4 now or null, $5 fence lease or null, $6 fence token.
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
INSERT INTO :schema.cursors AS c (name, slot, signature, version, updated_at)
SELECT $1::text, $2::bigint, $3::text, 1, t.now FROM t
WHERE ($5::text IS NULL OR EXISTS (SELECT 1 FROM :schema.leases WHERE name = $5::text AND token = $6::bigint))
ON CONFLICT (name) DO UPDATE SET slot = EXCLUDED.slot, signature = EXCLUDED.signature, version = c.version + 1, updated_at = EXCLUDED.updated_at
WHERE c.slot <= EXCLUDED.slot
RETURNING name, slot::text AS slot, signature, version, updated_at
