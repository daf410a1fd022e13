-- Acquires a lease that is free, expired or already held by the owner (then renewed, same token).
-- $1 name, $2 owner, $3 lease ms, $4 now or null.
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
INSERT INTO :schema.leases AS l (name, owner, token, expires_at, acquired_at)
SELECT $1::text, $2::text, 1, t.now + $3::bigint, t.now FROM t
ON CONFLICT (name) DO UPDATE SET
    owner = EXCLUDED.owner,
    token = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > EXCLUDED.acquired_at THEN l.token ELSE l.token + 1 END,
    acquired_at = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > EXCLUDED.acquired_at THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
    expires_at = EXCLUDED.expires_at
WHERE l.owner IS NULL OR l.expires_at <= EXCLUDED.acquired_at OR l.owner = EXCLUDED.owner
RETURNING name, owner, token, expires_at, acquired_at
