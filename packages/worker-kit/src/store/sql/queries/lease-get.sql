-- One lease. $1 name.
SELECT name, owner, token, expires_at, acquired_at
FROM :schema.leases
WHERE name = $1
