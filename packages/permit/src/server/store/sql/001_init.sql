-- @raffle/permit server store, migration 001: every table the permit server shares between
-- replicas. Applied by the PGlite and PostgreSQL adapters in one transaction, under an
-- advisory lock, with the store's schema first on the search_path. Never edit an applied
-- migration: add 002_*.sql instead.

CREATE TABLE permit_organizers (
    address             text        PRIMARY KEY,
    enterprise_id       text        NOT NULL CHECK (enterprise_id ~ '^[0-9a-f]{32}$'),
    tier                text        NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    allowed_collections text[]      NOT NULL DEFAULT '{}',
    active              boolean     NOT NULL DEFAULT true,
    -- The raffle id the next permit gets: allocated with UPDATE ... + 1 RETURNING.
    next_raffle_id      numeric(20, 0) NOT NULL DEFAULT 0 CHECK (next_raffle_id >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE permit_permits (
    seq          bigserial      PRIMARY KEY,
    organizer    text           NOT NULL REFERENCES permit_organizers (address),
    raffle_id    numeric(20, 0) NOT NULL,
    status       text           NOT NULL CHECK (status IN ('reserved', 'issued', 'failed')),
    created_at   timestamptz    NOT NULL,
    expires_at   timestamptz    NOT NULL,
    signer       text,
    permit       jsonb,
    UNIQUE (organizer, raffle_id)
);
CREATE INDEX permit_permits_active ON permit_permits (organizer, expires_at) WHERE status <> 'failed';

CREATE TABLE permit_sign_in_nonces (
    nonce      text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

CREATE TABLE permit_sessions (
    token_hash text        PRIMARY KEY,
    organizer  text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX permit_sessions_expiry ON permit_sessions (expires_at);

CREATE TABLE permit_idempotency (
    scope         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('started', 'completed')),
    status        integer,
    body          text,
    locked_until  timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX permit_idempotency_expiry ON permit_idempotency (expires_at);

CREATE TABLE permit_rate_limits (
    bucket     text        NOT NULL,
    window_start bigint    NOT NULL,
    count      integer     NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX permit_rate_limits_expiry ON permit_rate_limits (expires_at);

CREATE TABLE permit_api_keys (
    id         text        PRIMARY KEY,
    key_hash   text        NOT NULL UNIQUE,
    scopes     text[]      NOT NULL,
    label      text        NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE permit_audit (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    organizer text,
    reason    text,
    details   jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX permit_audit_organizer ON permit_audit (organizer, id);
CREATE INDEX permit_audit_action ON permit_audit (action, id);
