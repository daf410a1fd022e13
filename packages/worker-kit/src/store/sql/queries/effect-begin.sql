-- Records an effect's intent if its key is absent. $1 key, $2 intent (JSON text), $3 now or null.
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
INSERT INTO :schema.effects (key, intent, status, created_at, updated_at)
SELECT $1::text, $2::jsonb, 'pending', t.now, t.now FROM t
ON CONFLICT DO NOTHING
RETURNING key, intent, status, signature, last_valid_block_height::text AS last_valid_block_height, send_count, error, created_at, updated_at
