/**
 * The connection side of the SQLite store, shared by its concerns: `ready()` opens the database
 * file, takes it for this process and migrates it; `read()` and `write()` run an operation
 * against it; `close()` releases it.
 *
 * - **One owner.** The database is opened in `locking_mode=EXCLUSIVE` and locked at once, so no
 *   other process (nor another store in this one) can open it while this store is open. A second
 *   opener waits up to `lockTimeoutMs` (polling without blocking the event loop), then gets
 *   `RAFFLE_ERROR__WORKER__STORE_LOCKED`. The lock dies with the process (kill -9 included).
 * - **Durability.** WAL journal; `synchronous=FULL` (default) syncs the WAL to disk before a
 *   commit returns, so an acknowledged write survives a power loss; `NORMAL` survives a crash of
 *   the process but may lose the last commits on a power loss.
 * - **Atomicity.** better-sqlite3 is synchronous: each operation runs to completion inside its
 *   promise (nothing else of this process interleaves), and each write runs in one transaction.
 *   The event loop is blocked for that time: keep batches at most `MAX_BATCH_SIZE`.
 * - **Errors.** A full disk is `RAFFLE_ERROR__WORKER__STORE_FULL` (the failed transaction is
 *   rolled back; the store stays usable), never a hang.
 *
 * @internal
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';

import { backendFailed, invalidArgument, storeClosed } from '../errors';
import { type StoreBackoff, checkNow, checkUint, resolveStoreBackoff } from '../internal';
import { SQLITE_KIND, isSqliteBusy, sqliteCode, storeLocked, toStoreError } from './errors';
import { migrateSqlite } from './migrations';
import type { SqliteSynchronous, SqliteWorkerStoreOptions } from './options';

/** One row as better-sqlite3 returns it (integers as `bigint`). */
export type Row = Record<string, unknown>;

/** A statement parameter. */
export type Param = string | number | bigint | null;

/** The parameters of a statement: positional (`?`), or one object of named ones (`@name`). */
export type Params = Param[] | [Readonly<Record<string, Param>>];

/** What an operation runs statements with (each statement is prepared once per store). */
export interface SqliteQueries {
    /** The first row of a statement, or undefined. */
    get(sql: string, ...params: Params): Row | undefined;
    /** Every row of a statement. */
    all(sql: string, ...params: Params): Row[];
    /** Runs a statement; returns how many rows it changed. */
    run(sql: string, ...params: Params): number;
}

/** Default of `lockTimeoutMs`. */
const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
/** How often `ready()` retries a database held by another process. */
const LOCK_POLL_MS = 100;
/** The write-ahead log is truncated back to this size after a checkpoint (bytes). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/** A store's database, statements and clock. */
export class SqliteConnection {
    /** The backoff of `failJob` without a delay. */
    readonly backoff: StoreBackoff;
    readonly #path: string;
    readonly #synchronous: SqliteSynchronous;
    readonly #lockTimeoutMs: number;
    readonly #clock: () => number;
    readonly #statements = new Map<string, BetterSqlite3.Statement>();
    #db: BetterSqlite3.Database | null = null;
    /** Runs a function inside `BEGIN IMMEDIATE ... COMMIT` (rolled back when it throws). */
    #inTransaction: ((fn: () => unknown) => unknown) | null = null;
    #ready: Promise<void> | null = null;
    #closed = false;
    readonly #queries: SqliteQueries = {
        get: (sql, ...params) => this.#statement(sql).get(...params) as Row | undefined,
        all: (sql, ...params) => this.#statement(sql).all(...params) as Row[],
        run: (sql, ...params) => this.#statement(sql).run(...params).changes,
    };

    constructor(options: SqliteWorkerStoreOptions) {
        if (typeof options.path !== 'string' || options.path.length === 0) throw invalidArgument('path', 'expected the path of the database file');
        if (options.synchronous !== undefined && options.synchronous !== 'full' && options.synchronous !== 'normal') {
            throw invalidArgument('synchronous', "expected 'full' or 'normal'");
        }
        this.#path = options.path;
        this.#synchronous = options.synchronous ?? 'full';
        this.#lockTimeoutMs = options.lockTimeoutMs === undefined ? DEFAULT_LOCK_TIMEOUT_MS : checkUint('lockTimeoutMs', options.lockTimeoutMs);
        this.#clock = options.clock ?? Date.now;
        this.backoff = resolveStoreBackoff(options.backoff);
    }

    /** Opens, locks and migrates the database; idempotent, retryable after a failure. */
    ready(): Promise<void> {
        if (this.#closed) return Promise.reject(storeClosed(SQLITE_KIND));
        this.#ready ??= this.#open().then(
            db => {
                if (this.#closed) {
                    db.close();
                    throw storeClosed(SQLITE_KIND);
                }
                this.#db = db;
                const run = db.transaction((fn: () => unknown) => fn());
                this.#inTransaction = fn => run.immediate(fn);
            },
            (e: unknown) => {
                this.#ready = null; // the next ready() tries again
                throw e;
            },
        );
        return this.#ready;
    }

    /** Closes the database (releasing the lock); idempotent and final. */
    async close(): Promise<void> {
        this.#closed = true;
        await this.#ready?.catch(() => undefined);
        const db = this.#db;
        this.#db = null;
        this.#inTransaction = null;
        this.#statements.clear();
        db?.close();
    }

    /**
     * Runs a read: `fn` runs synchronously against the database.
     *
     * @param fn - the operation
     * @returns what `fn` returns
     */
    async read<T>(fn: (q: SqliteQueries) => T): Promise<T> {
        if (!this.#db) await this.ready();
        return this.#run(() => fn(this.#queries));
    }

    /**
     * Runs a write: `fn` runs synchronously in one transaction, committed (and synced, with
     * `synchronous: 'full'`) before the promise resolves, rolled back when `fn` throws.
     *
     * @param fn - the operation
     * @returns what `fn` returns
     */
    async write<T>(fn: (q: SqliteQueries) => T): Promise<T> {
        if (!this.#db) await this.ready();
        return this.#run(() => this.#inTransaction!(() => fn(this.#queries)) as T);
    }

    /**
     * The time of an operation: the caller's `now`, or the store's clock.
     *
     * @param now - the caller's `now`
     * @returns ms since the epoch
     */
    now(now: number | undefined): number {
        return checkNow(now) ?? this.#clock();
    }

    /** Runs an operation on the open database, reporting SQLite's errors as the store's. */
    #run<T>(operation: () => T): T {
        if (this.#closed || !this.#db) throw storeClosed(SQLITE_KIND);
        try {
            return operation();
        } catch (e) {
            throw toStoreError(e);
        }
    }

    #statement(sql: string): BetterSqlite3.Statement {
        let statement = this.#statements.get(sql);
        if (!statement) {
            statement = this.#db!.prepare(sql);
            this.#statements.set(sql, statement);
        }
        return statement;
    }

    /** Opens the file and takes it, retrying while another process holds it (up to the lock timeout). */
    async #open(): Promise<BetterSqlite3.Database> {
        const started = Date.now();
        for (;;) {
            try {
                return this.#openOnce();
            } catch (e) {
                if (!isSqliteBusy(e)) throw e;
                if (this.#closed) throw storeClosed(SQLITE_KIND);
                const waited = Date.now() - started;
                if (waited >= this.#lockTimeoutMs) throw storeLocked(this.#path, waited, e);
                await sleep(Math.min(LOCK_POLL_MS, this.#lockTimeoutMs - waited));
            }
        }
    }

    #openOnce(): BetterSqlite3.Database {
        const memory = this.#path === ':memory:';
        if (!memory) {
            try {
                mkdirSync(dirname(this.#path), { recursive: true });
            } catch (e) {
                throw backendFailed(SQLITE_KIND, `cannot create the directory of ${this.#path}: ${e instanceof Error ? e.message : String(e)}`, e);
            }
        }
        let db: BetterSqlite3.Database;
        try {
            // timeout 0: a held lock fails at once (SQLite's busy wait would block the event loop).
            db = new Database(this.#path, { timeout: 0 });
        } catch (e) {
            if (sqliteCode(e) !== null) throw isSqliteBusy(e) ? e : toStoreError(e);
            const reason = e instanceof Error ? e.message : String(e);
            throw backendFailed(SQLITE_KIND, `better-sqlite3 cannot be loaded (${reason}); install better-sqlite3 ^12, built for this Node version`, e);
        }
        try {
            db.pragma('locking_mode = EXCLUSIVE');
            const mode = db.pragma('journal_mode = WAL', { simple: true });
            if (mode !== (memory ? 'memory' : 'wal')) throw backendFailed(SQLITE_KIND, `${this.#path}: journal_mode is ${String(mode)}, expected wal`);
            // Takes the exclusive lock now; in exclusive locking mode it is kept until close().
            db.exec('BEGIN EXCLUSIVE; COMMIT');
            db.pragma(`synchronous = ${this.#synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
            db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
            db.defaultSafeIntegers(true);
            migrateSqlite(db);
            return db;
        } catch (e) {
            db.close();
            throw isSqliteBusy(e) ? e : toStoreError(e);
        }
    }
}
