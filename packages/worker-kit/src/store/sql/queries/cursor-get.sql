-- One cursor. $1 name.
SELECT name, slot::text AS slot, signature, version, updated_at
FROM :schema.cursors
WHERE name = $1
