/**
 * The SQL migrations of the PGlite and PostgreSQL adapters, embedded from the `.sql` files
 * beside this one (the bundle ships no loose files). Do not edit: edit or add a `.sql` file and
 * run `RAFFLE_UPDATE_EMBEDDED_SQL=1 npx vitest run packages/permit/src/__tests__/server/sql-migrations.test.ts`
 * (the test fails while they differ).
 *
 * @internal
 * @packageDocumentation
 */

/** One numbered migration. */
export interface SqlMigration {
    /** The number in the file name. */
    readonly version: number;
    /** The file name. */
    readonly name: string;
    /** The SQL text. */
    readonly sql: string;
}

/** Every migration, in order. */
export const SQL_MIGRATIONS: readonly SqlMigration[] = [
    {
        version: 1,
        name: "001_init.sql",
        sql: "-- @raffle/permit server store, migration 001: every table the permit server shares between\n-- replicas. Applied by the PGlite and PostgreSQL adapters in one transaction, under an\n-- advisory lock, with the store's schema first on the search_path. Never edit an applied\n-- migration: add 002_*.sql instead.\n\nCREATE TABLE permit_organizers (\n    address             text        PRIMARY KEY,\n    enterprise_id       text        NOT NULL CHECK (enterprise_id ~ '^[0-9a-f]{32}$'),\n    tier                text        NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),\n    allowed_collections text[]      NOT NULL DEFAULT '{}',\n    active              boolean     NOT NULL DEFAULT true,\n    -- The raffle id the next permit gets: allocated with UPDATE ... + 1 RETURNING.\n    next_raffle_id      numeric(20, 0) NOT NULL DEFAULT 0 CHECK (next_raffle_id >= 0),\n    created_at          timestamptz NOT NULL,\n    updated_at          timestamptz NOT NULL\n);\n\nCREATE TABLE permit_permits (\n    seq          bigserial      PRIMARY KEY,\n    organizer    text           NOT NULL REFERENCES permit_organizers (address),\n    raffle_id    numeric(20, 0) NOT NULL,\n    status       text           NOT NULL CHECK (status IN ('reserved', 'issued', 'failed')),\n    created_at   timestamptz    NOT NULL,\n    expires_at   timestamptz    NOT NULL,\n    signer       text,\n    permit       jsonb,\n    UNIQUE (organizer, raffle_id)\n);\nCREATE INDEX permit_permits_active ON permit_permits (organizer, expires_at) WHERE status <> 'failed';\n\nCREATE TABLE permit_sign_in_nonces (\n    nonce      text        PRIMARY KEY,\n    expires_at timestamptz NOT NULL\n);\n\nCREATE TABLE permit_sessions (\n    token_hash text        PRIMARY KEY,\n    organizer  text        NOT NULL,\n    created_at timestamptz NOT NULL,\n    expires_at timestamptz NOT NULL\n);\nCREATE INDEX permit_sessions_expiry ON permit_sessions (expires_at);\n\nCREATE TABLE permit_idempotency (\n    scope         text        NOT NULL,\n    key           text        NOT NULL,\n    request_hash  text        NOT NULL,\n    state         text        NOT NULL CHECK (state IN ('started', 'completed')),\n    status        integer,\n    body          text,\n    locked_until  timestamptz NOT NULL,\n    created_at    timestamptz NOT NULL,\n    expires_at    timestamptz NOT NULL,\n    PRIMARY KEY (scope, key)\n);\nCREATE INDEX permit_idempotency_expiry ON permit_idempotency (expires_at);\n\nCREATE TABLE permit_rate_limits (\n    bucket     text        NOT NULL,\n    window_start bigint    NOT NULL,\n    count      integer     NOT NULL,\n    expires_at timestamptz NOT NULL,\n    PRIMARY KEY (bucket, window_start)\n);\nCREATE INDEX permit_rate_limits_expiry ON permit_rate_limits (expires_at);\n\nCREATE TABLE permit_api_keys (\n    id         text        PRIMARY KEY,\n    key_hash   text        NOT NULL UNIQUE,\n    scopes     text[]      NOT NULL,\n    label      text        NOT NULL,\n    created_at timestamptz NOT NULL,\n    revoked_at timestamptz\n);\n\nCREATE TABLE permit_audit (\n    id        bigserial   PRIMARY KEY,\n    at        timestamptz NOT NULL,\n    actor     text        NOT NULL,\n    action    text        NOT NULL,\n    organizer text,\n    reason    text,\n    details   jsonb       NOT NULL DEFAULT '{}'\n);\nCREATE INDEX permit_audit_organizer ON permit_audit (organizer, id);\nCREATE INDEX permit_audit_action ON permit_audit (action, id);\n",
    },
    {
        version: 2,
        name: "002_retention.sql",
        sql: "-- @raffle/permit server store, migration 002: indexes for the retention policy of prune(),\n-- which deletes permits some time after they expired and audit entries older than a period.\n\nCREATE INDEX permit_permits_expiry ON permit_permits (expires_at);\nCREATE INDEX permit_audit_at ON permit_audit (at);\n",
    },
];
