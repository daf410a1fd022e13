-- 003_retention: the inbox watermark and the indexes of the prune calls.
--
-- The watermark is one row, present from this migration on (so that inserts always find a row
-- to lock): `pruned_through_slot` is null until the first `pruneEvents`. Every event insert
-- reads it FOR SHARE and `pruneEvents` updates it first in its transaction, so an insert that
-- runs while a prune commits waits for it and then reads the new watermark.

CREATE TABLE inbox_watermark (
    singleton            BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through_slot  BIGINT CHECK (pruned_through_slot >= 0)
);
INSERT INTO inbox_watermark (singleton, pruned_through_slot) VALUES (true, NULL);

-- pruneJobs reads finished jobs oldest first and stops at its limit; pending and running jobs
-- (finished_at is null) are not in the index.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('completed', 'dead');

-- pruneEffects reads terminal effects oldest first; open ones have `effects_open`.
CREATE INDEX effects_terminal ON effects (updated_at) WHERE status IN ('confirmed', 'failed');

-- pruneAudit reads entries oldest first (`at` may be a caller's time, so not in seq order).
CREATE INDEX audit_log_at ON audit_log (at);
