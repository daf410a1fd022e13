-- Confirms an effect (a repeat with the same or no signature changes nothing).
-- $1 key, $2 signature or null, $3 now or null, $4 allowed sources (csv).
WITH t AS (SELECT coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint) AS now)
UPDATE :schema.effects AS f SET status = 'confirmed', signature = coalesce($2::text, f.signature),
       updated_at = CASE WHEN f.status = 'confirmed' AND ($2::text IS NULL OR $2::text = f.signature) THEN f.updated_at ELSE t.now END
FROM t
WHERE f.key = $1 AND f.status = ANY(string_to_array($4::text, ','))
RETURNING f.key, f.intent, f.status, f.signature, f.last_valid_block_height::text AS last_valid_block_height, f.send_count, f.error, f.created_at, f.updated_at
