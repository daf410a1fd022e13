/**
 * The options of the SQLite store (`createSqliteWorkerStore`).
 */
import type { WorkerStoreOptions } from '../types';

/** How each commit reaches the disk: see {@link SqliteWorkerStoreOptions.synchronous}. */
export type SqliteSynchronous = 'full' | 'normal';

/**
 * Options of the SQLite store: the database file, how durable a commit is, how long to wait for
 * a file another process holds, and the clock and backoff every store has.
 *
 * @example
 * ```ts
 * const options: SqliteWorkerStoreOptions = { path: './worker-data/worker.sqlite', lockTimeoutMs: 10_000 };
 * ```
 */
export interface SqliteWorkerStoreOptions extends WorkerStoreOptions {
    /**
     * The database file, created (with its directory) when missing; SQLite keeps `<path>-wal`
     * beside it while open. `:memory:` for a database that disappears with the store (tests).
     */
    path: string;
    /**
     * `full` (default): every commit syncs the write-ahead log to disk before it returns, so an
     * acknowledged write survives a crash of the process and a power loss. `normal`: commits are
     * synced at checkpoints only; survives a crash of the process, a power loss may drop the
     * last commits (never corrupts the file). 5-17x more commits per second one at a time,
     * 1.1-2.4x in batches (docs/benchmarks.md).
     */
    synchronous?: SqliteSynchronous;
    /**
     * How long `ready()` waits for another process to release the database (default 5000 ms;
     * 0 fails at once). It polls every 100 ms without blocking the event loop.
     */
    lockTimeoutMs?: number;
}
