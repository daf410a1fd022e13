/**
 * The connection side of the SQL store, shared by its concerns: `ready()` opens the driver and
 * migrates, `close()` releases it, `query()` runs a statement (calling `ready()` first when
 * nobody did), `transaction()` runs several on one connection, all or nothing, and `now()`
 * picks the time parameter of a statement.
 *
 * Time: when an operation gets no `now` and the store has no `clock`, the statement reads the
 * database's clock (`clock_timestamp()`), so every replica compares lease and job expiries
 * against the same clock.
 *
 * @internal
 */
import { invalidArgument, storeClosed } from '../errors';
import { type StoreBackoff, checkNow, resolveStoreBackoff } from '../internal';
import type { WorkerStoreOptions } from '../types';
import type { SqlDriver } from './driver';
import { migrate, quoteSchema } from './migrate';
import { type SqlStatements, sqlStatements } from './statements';

/** One row as the drivers return it. */
export type Row = Record<string, unknown>;

/**
 * Runs statements: the store's connection (each statement autocommits) or one transaction. The
 * concerns' helpers take one, so that the same code runs alone or inside an atomic step.
 *
 * @example
 * ```ts
 * const rows = await (inStep ? tx : db).query(db.sql.jobsGet, [ids]);
 * ```
 */
export interface SqlRunner {
    /**
     * Runs one statement.
     * @param text - the SQL, with `$n` parameters
     * @param params - the parameters
     * @returns the rows
     */
    query(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Options of the SQL store shared by the PostgreSQL and PGlite adapters. */
export interface SqlWorkerStoreOptions extends WorkerStoreOptions {
    /** The adapter's name. */
    kind: string;
    /** The PostgreSQL schema holding the tables. */
    schema: string;
    /** Apply migrations in `ready()` (default true). */
    migrate?: boolean;
    /** Opens the connection(s); called once by `ready()`. */
    connect: () => Promise<SqlDriver>;
}

/** A store's driver, statements and clock. */
export class SqlConnection implements SqlRunner {
    /** The adapter's name. */
    readonly kind: string;
    /** The schema holding the tables (unquoted). */
    readonly schema: string;
    /** Every statement, bound to the schema. */
    readonly sql: SqlStatements;
    /** The backoff of `failJob` without a delay. */
    readonly backoff: StoreBackoff;
    readonly #options: SqlWorkerStoreOptions;
    #driver: SqlDriver | null = null;
    #ready: Promise<void> | null = null;
    #closed = false;
    #closing: Promise<void> | null = null;

    constructor(options: SqlWorkerStoreOptions) {
        this.kind = options.kind;
        this.schema = options.schema;
        this.sql = sqlStatements(quoteSchema(options.schema));
        this.backoff = resolveStoreBackoff(options.backoff);
        this.#options = options;
    }

    /** Opens the driver and applies the migrations; idempotent, retryable after a failure. */
    ready(): Promise<void> {
        if (this.#closed) return Promise.reject(storeClosed(this.kind));
        this.#ready ??= (async () => {
            let driver: SqlDriver | null = null;
            try {
                driver = await this.#options.connect();
                if (this.#options.migrate !== false) await migrate(driver, this.#options.schema);
                this.#driver = driver;
            } catch (e) {
                // Leave the store retryable: the next ready() opens a fresh connection.
                this.#ready = null;
                await driver?.close().catch(() => undefined);
                throw e;
            }
        })();
        return this.#ready;
    }

    /** Releases the driver; idempotent and final. */
    close(): Promise<void> {
        this.#closed = true;
        this.#closing ??= (async () => {
            await this.#ready?.catch(() => undefined);
            const driver = this.#driver;
            this.#driver = null;
            await driver?.close();
        })();
        return this.#closing;
    }

    /** Runs one statement (autocommit). */
    async query(text: string, params: readonly unknown[] = []): Promise<Row[]> {
        return (await this.#open()).query(text, params);
    }

    /**
     * Runs `fn` inside one transaction on one connection: committed when `fn` resolves, rolled
     * back when it rejects (the call then rejects with `fn`'s very error). The runner refuses
     * statements once `fn` has settled, so a callback that keeps it cannot run one outside the
     * transaction (on a pool, on a connection already serving someone else).
     *
     * @param fn - runs the transaction's statements through the runner it receives
     * @returns what `fn` returned, once committed
     * @example
     * ```ts
     * const jobs = await db.transaction(async tx => (await tx.query(db.sql.jobsGet, [['a']])).length);
     * ```
     */
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
        const driver = await this.#open();
        return driver.transaction(async tx => {
            let open = true;
            const runner: SqlRunner = {
                query: async (text, params = []) => {
                    if (!open) throw invalidArgument('transaction', 'it has ended: run its statements only inside its callback');
                    return tx.query(text, params);
                },
            };
            try {
                return await fn(runner);
            } finally {
                open = false;
            }
        });
    }

    /** The open driver: connects (and migrates) first when nobody called `ready()`. */
    async #open(): Promise<SqlDriver> {
        if (this.#closed) throw storeClosed(this.kind);
        if (!this.#driver) await this.ready();
        const driver = this.#driver;
        if (!driver) throw storeClosed(this.kind);
        return driver;
    }

    /** The `now` parameter: the caller's, the configured clock's, or null (database clock). */
    now(now: number | undefined): number | null {
        return checkNow(now) ?? (this.#options.clock ? this.#options.clock() : null);
    }
}
