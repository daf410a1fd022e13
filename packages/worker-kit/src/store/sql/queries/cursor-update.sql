-- Compare-and-set of an existing cursor: applied when its version is $7, the slot does not go
-- backwards and the fence is current. $1 name, $2 slot, $3 signature, $4 now or null,
-- $5 fence lease or null, $6 fence token, $7 expected version.
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.cursors AS c SET slot = $2::bigint, signature = $3::text, version = c.version + 1, updated_at = t.now
FROM t
WHERE c.name = $1::text AND c.version = $7::bigint AND c.slot <= $2::bigint
  AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM :schema.leases WHERE name = $5::text AND token = $6::bigint))
RETURNING c.name, c.slot::text AS slot, c.signature, c.version, c.updated_at
