-- 001_init: the SQLite store's tables, mirroring the PostgreSQL store's (../../sql/migrations):
-- one per concern, times as integer ms, chain quantities as 64-bit integers, JSON as text.
-- STRICT tables reject a value of the wrong type instead of storing it; text compares bytewise
-- (SQLite's BINARY collation over UTF-8, the order of PostgreSQL's COLLATE "C").

CREATE TABLE cursors (
    name        TEXT PRIMARY KEY,
    slot        INTEGER NOT NULL CHECK (slot >= 0),
    signature   TEXT,
    version     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE inbox_events (
    signature          TEXT NOT NULL,
    instruction_index  INTEGER NOT NULL CHECK (instruction_index >= 0),
    event_index        INTEGER NOT NULL CHECK (event_index >= 0),
    slot               INTEGER NOT NULL CHECK (slot >= 0),
    name               TEXT NOT NULL,
    data               TEXT NOT NULL,
    commitment         TEXT NOT NULL CHECK (commitment IN ('seen', 'confirmed', 'finalized', 'retracted')),
    received_at        INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (signature, instruction_index, event_index)
) STRICT;
CREATE INDEX inbox_events_slot ON inbox_events (slot, signature, instruction_index, event_index);

CREATE TABLE effects (
    key                      TEXT PRIMARY KEY,
    intent                   TEXT NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'failed')),
    signature                TEXT,
    last_valid_block_height  INTEGER,
    send_count               INTEGER NOT NULL DEFAULT 0,
    error                    TEXT,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
) STRICT;
CREATE INDEX effects_created ON effects (created_at, key);

CREATE TABLE jobs (
    id                TEXT PRIMARY KEY,
    queue             TEXT NOT NULL,
    name              TEXT NOT NULL,
    payload           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'dead')),
    run_at            INTEGER NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    finished_at       INTEGER
) STRICT;
-- Claims read these two partial indexes in order and stop at the limit; counts read one per status.
CREATE INDEX jobs_pending ON jobs (queue, run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_running ON jobs (queue, lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_dead ON jobs (finished_at, id) WHERE status = 'dead';

CREATE TABLE leases (
    name         TEXT PRIMARY KEY,
    owner        TEXT,
    token        INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    acquired_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT,
    data     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_subject ON audit_log (subject, seq) WHERE subject IS NOT NULL;

-- Values of batch projections, written in the same transaction as the events they project.
CREATE TABLE projection_values (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
) STRICT, WITHOUT ROWID;
