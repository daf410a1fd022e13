-- Projection values by key (absent keys return no row). $1 namespace, $2 keys.
SELECT key, value
FROM :schema.projection_values
WHERE namespace = $1::text AND key = ANY($2::text[])
