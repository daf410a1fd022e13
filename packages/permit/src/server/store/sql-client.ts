/**
 * The minimal, structural view of the SQL clients the PGlite and PostgreSQL adapters accept,
 * so that `@raffle/permit` depends on neither `pg` nor `@electric-sql/pglite`: install the one
 * you use, create its client, pass it in.
 *
 * @packageDocumentation
 */

/**
 * Anything that runs one parameterized SQL statement: a `pg.Pool`, a `pg.PoolClient`, a
 * `PGlite` instance or one of its transactions.
 *
 * @example
 * ```ts
 * const { rows } = await client.query('SELECT 1 AS one', []);
 * ```
 */
export interface SqlQueryable {
    /**
     * @param text - one SQL statement with `$1`.. placeholders
     * @param params - the values
     * @returns the result rows
     */
    query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A connection checked out of a pool (`pg.PoolClient`).
 *
 * @example
 * ```ts
 * const client: PgPoolClientLike = await pool.connect();
 * try { await client.query('SELECT 1'); } finally { client.release(); }
 * ```
 */
export interface PgPoolClientLike extends SqlQueryable {
    /**
     * Returns the connection to the pool; with an error, the pool discards it.
     *
     * @param error - set when the connection is in an unknown state
     */
    release(error?: Error | boolean): void;
    /**
     * `pg` emits `'error'` on a checked-out connection that fails between queries (the
     * server terminated it); the adapter listens while it holds the connection.
     */
    on?(event: 'error', listener: (error: Error) => void): unknown;
    /** Removes a listener added with `on`. */
    removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The part of `pg.Pool` the PostgreSQL adapter uses.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPoolLike extends SqlQueryable {
    /** @returns a dedicated connection, for transactions */
    connect(): Promise<PgPoolClientLike>;
    /** Closes every connection. */
    end(): Promise<void>;
    /**
     * `pg.Pool` emits `'error'` when an idle connection fails (the server restarted, failed
     * over, timed it out or terminated it); without a listener Node ends the process. The
     * adapter adds one (see `onError` of `createPostgresPermitStore`).
     */
    on?(event: 'error', listener: (error: Error) => void): unknown;
    /** Removes a listener added with `on`. */
    removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The part of a PGlite instance (`@electric-sql/pglite`) the embedded adapter uses.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const db: PgliteLike = new PGlite('./data/permit-server');
 * ```
 */
export interface PgliteLike extends SqlQueryable {
    /**
     * Runs `fn` in a transaction (PGlite serializes them).
     *
     * @param fn - the work
     * @returns what `fn` returns
     */
    transaction<T>(fn: (tx: SqlQueryable & { exec(sql: string): Promise<unknown> }) => Promise<T>): Promise<T>;
    /** Closes the database. */
    close(): Promise<void>;
}
