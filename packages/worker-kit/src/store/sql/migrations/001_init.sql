-- 001_init: the worker store's tables. Runs with search_path set to the store's schema.
-- Times are integer milliseconds since the Unix epoch (BIGINT); chain quantities are BIGINT.
-- Text keys use the "C" collation so that every adapter orders them the same way (bytewise).

CREATE TABLE cursors (
    name        TEXT COLLATE "C" PRIMARY KEY,
    slot        BIGINT NOT NULL CHECK (slot >= 0),
    signature   TEXT,
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE inbox_events (
    signature          TEXT COLLATE "C" NOT NULL,
    instruction_index  INTEGER NOT NULL CHECK (instruction_index >= 0),
    event_index        INTEGER NOT NULL CHECK (event_index >= 0),
    slot               BIGINT NOT NULL,
    name               TEXT NOT NULL,
    data               JSONB NOT NULL,
    commitment         TEXT NOT NULL CHECK (commitment IN ('seen', 'confirmed', 'finalized', 'retracted')),
    received_at        BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (signature, instruction_index, event_index)
);
CREATE INDEX inbox_events_slot ON inbox_events (slot, signature, instruction_index, event_index);
CREATE INDEX inbox_events_open ON inbox_events (slot) WHERE commitment IN ('seen', 'confirmed');

CREATE TABLE effects (
    key                      TEXT COLLATE "C" PRIMARY KEY,
    intent                   JSONB NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'failed')),
    signature                TEXT,
    last_valid_block_height  BIGINT,
    send_count               INTEGER NOT NULL DEFAULT 0,
    error                    TEXT,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE INDEX effects_open ON effects (created_at, key) WHERE status IN ('pending', 'sent');

CREATE TABLE jobs (
    id                TEXT COLLATE "C" PRIMARY KEY,
    queue             TEXT COLLATE "C" NOT NULL,
    name              TEXT NOT NULL,
    payload           JSONB NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'dead')),
    run_at            BIGINT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
    lease_owner       TEXT,
    lease_expires_at  BIGINT,
    last_error        TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    finished_at       BIGINT
);
-- Claims read these two partial indexes: due pending jobs and expired leases.
CREATE INDEX jobs_pending ON jobs (queue, run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_running ON jobs (queue, lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_dead ON jobs (finished_at, id) WHERE status = 'dead';

CREATE TABLE leases (
    name         TEXT COLLATE "C" PRIMARY KEY,
    owner        TEXT,
    token        BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    acquired_at  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT,
    data     JSONB NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, seq) WHERE subject IS NOT NULL;
