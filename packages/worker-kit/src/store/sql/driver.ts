/**
 * The few things the SQL store needs from a PostgreSQL connection, so that `pg` and PGlite
 * share one implementation, one dialect and one set of migrations.
 *
 * @internal
 */

/** Runs one statement with parameters and returns its rows. */
export type SqlQuery = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** A connection (or pool) seen by the SQL store. */
export interface SqlDriver {
    /** Runs one statement (autocommit). */
    query: SqlQuery;
    /**
     * Runs `fn` inside one transaction on one connection: committed when it resolves, rolled
     * back when it throws. `exec` runs a multi-statement script without parameters.
     */
    transaction<T>(fn: (tx: { query: SqlQuery; exec: (script: string) => Promise<void> }) => Promise<T>): Promise<T>;
    /** Releases what the driver owns. */
    close(): Promise<void>;
}
