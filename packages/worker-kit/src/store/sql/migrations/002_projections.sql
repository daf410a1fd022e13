-- 002_projections: the values of batch projections (read models), written by the atomic inbox
-- steps in the transaction that records their events. One row per (projection, key); keys use
-- the "C" collation so that listing orders them bytewise, as every adapter does.

CREATE TABLE projection_values (
    namespace  TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    value      JSONB NOT NULL,
    PRIMARY KEY (namespace, key)
);
