-- Fails an effect (a repeat keeps the first error). $1 key, $2 error, $3 now or null, $4 allowed sources (csv).
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.effects AS f SET status = 'failed',
       error = CASE WHEN f.status = 'failed' THEN f.error ELSE $2::text END,
       updated_at = CASE WHEN f.status = 'failed' THEN f.updated_at ELSE t.now END
FROM t
WHERE f.key = $1 AND f.status = ANY(string_to_array($4::text, ','))
RETURNING f.key, f.intent, f.status, f.signature, f.last_valid_block_height::text AS last_valid_block_height, f.send_count, f.error, f.created_at, f.updated_at
