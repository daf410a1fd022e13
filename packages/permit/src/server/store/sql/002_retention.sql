-- @raffle/permit server store, migration 002: indexes for the retention policy of prune(),
-- which deletes permits some time after they expired and audit entries older than a period.

CREATE INDEX permit_permits_expiry ON permit_permits (expires_at);
CREATE INDEX permit_audit_at ON permit_audit (at);
