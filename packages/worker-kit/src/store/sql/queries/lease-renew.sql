-- Extends a lease still held by the owner with the token. $1 name, $2 owner, $3 token, $4 lease ms, $5 now or null.
WITH t AS (SELECT coalesce($5::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.leases AS l SET expires_at = t.now + $4::bigint
FROM t
WHERE l.name = $1 AND l.owner = $2 AND l.token = $3::bigint
RETURNING l.name, l.owner, l.token, l.expires_at, l.acquired_at
