-- Records a send of a pending or sent effect; with $6, only when its send count is still $6.
-- $1 key, $2 signature, $3 last valid block height, $4 now or null, $5 allowed sources (csv), $6 expected send count or null.
WITH t AS (SELECT coalesce($4::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.effects AS f SET status = 'sent', signature = $2::text, last_valid_block_height = $3::bigint,
       send_count = f.send_count + 1, updated_at = t.now
FROM t
WHERE f.key = $1 AND f.status = ANY(string_to_array($5::text, ',')) AND ($6::int IS NULL OR f.send_count = $6::int)
RETURNING f.key, f.intent, f.status, f.signature, f.last_valid_block_height::text AS last_valid_block_height, f.send_count, f.error, f.created_at, f.updated_at
