-- Applies projection writes, at most one per (namespace, key): a null value deletes the key,
-- any other is upserted. $1 namespaces, $2 keys, $3 values (JSON text, or null to delete).
WITH w AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(namespace, key, value)),
     removed AS (
        DELETE FROM :schema.projection_values AS p USING w
        WHERE w.value IS NULL AND p.namespace = w.namespace COLLATE "C" AND p.key = w.key COLLATE "C"
     )
INSERT INTO :schema.projection_values (namespace, key, value)
SELECT w.namespace, w.key, w.value::jsonb FROM w WHERE w.value IS NOT NULL
ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value
