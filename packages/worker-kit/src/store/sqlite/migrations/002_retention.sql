-- 002_retention: the retention concern (../retention.ts). The inbox watermark, and indexes so that
-- each prune reads its candidates in age order instead of scanning the whole table.

-- The inbox watermark: at most one row (id 1), written by pruneEvents only; events at or below
-- its slot that are not in the inbox are never inserted again. No row: nothing was pruned.
CREATE TABLE inbox_watermark (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through_slot  INTEGER NOT NULL CHECK (pruned_through_slot >= 0)
) STRICT;

-- pruneJobs reads one partial index per status (dead jobs already have jobs_dead in 001_init);
-- its statements repeat each index's WHERE term literally so SQLite can use the index.
CREATE INDEX jobs_completed ON jobs (finished_at, id) WHERE status = 'completed';

-- pruneEffects: terminal effects by age.
CREATE INDEX effects_terminal ON effects (updated_at, key) WHERE status IN ('confirmed', 'failed');

-- pruneAudit: entries by age.
CREATE INDEX audit_log_at ON audit_log (at, seq);
