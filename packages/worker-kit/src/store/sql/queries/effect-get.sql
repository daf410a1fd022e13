-- One effect. $1 key.
SELECT key, intent, status, signature, last_valid_block_height::text AS last_valid_block_height, send_count, error, created_at, updated_at
FROM :schema.effects
WHERE key = $1
