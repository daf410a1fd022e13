-- Projection values in bytewise key order, from the primary key's index: `^@` (starts with)
-- gives the planner the prefix's upper bound, `key >= $2` the lower one for generic plans.
-- $1 namespace, $2 prefix ('' for all), $3 only keys after this one ('' for all), $4 limit.
SELECT key, value
FROM :schema.projection_values
WHERE namespace = $1::text AND key ^@ $2::text AND key >= $2::text AND key > $3::text
ORDER BY key
LIMIT $4
