-- Audit entries in seq order. $1 after this seq, $2 subject or null, $3 limit.
SELECT seq, at, actor, action, subject, data
FROM :schema.audit_log
WHERE seq > $1::bigint AND ($2::text IS NULL OR subject = $2::text)
ORDER BY seq
LIMIT $3
