-- Releases a lease held by the owner with the token (the token stays). $1 name, $2 owner, $3 token.
UPDATE :schema.leases SET owner = NULL
WHERE name = $1 AND owner = $2 AND token = $3::bigint
RETURNING name
