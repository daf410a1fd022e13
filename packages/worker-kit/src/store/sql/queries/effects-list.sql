-- Effects oldest first. $1 statuses (csv) or null for all, $2 limit.
SELECT key, intent, status, signature, last_valid_block_height::text AS last_valid_block_height, send_count, error, created_at, updated_at
FROM :schema.effects
WHERE ($1::text IS NULL OR status = ANY(string_to_array($1::text, ',')))
ORDER BY created_at, key
LIMIT $2
