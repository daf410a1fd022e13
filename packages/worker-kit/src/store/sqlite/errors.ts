/**
 * How the SQLite store reports what SQLite throws: a full disk is
 * `RAFFLE_ERROR__WORKER__STORE_FULL`, a database held by another process
 * `RAFFLE_ERROR__WORKER__STORE_LOCKED`, anything else SQLite reports
 * `RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED` (with SQLite's code and message, which name no
 * secret). A `RaffleError` raised inside an operation (validation, effect transitions) passes
 * through unchanged.
 *
 * @internal
 */
import { RAFFLE_ERROR__WORKER__STORE_FULL, RAFFLE_ERROR__WORKER__STORE_LOCKED, RaffleError, isRaffleError } from '@raffle/errors';

import { backendFailed } from '../errors';

/** The adapter's name in errors and `store.kind`. */
export const SQLITE_KIND = 'sqlite';

/** The result code of an error thrown by better-sqlite3 (`SQLITE_FULL`, `SQLITE_BUSY`, ...), or null. */
export function sqliteCode(error: unknown): string | null {
    if (!(error instanceof Error) || error.name !== 'SqliteError') return null;
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
}

/** Whether SQLite reported that another connection holds the database (`SQLITE_BUSY*`, `SQLITE_LOCKED*`). */
export function isSqliteBusy(error: unknown): boolean {
    const code = sqliteCode(error);
    return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The store is full. Code: RAFFLE_ERROR__WORKER__STORE_FULL.
 *
 * @param detail - what was full
 * @param cause - SQLite's error
 * @returns the error
 */
export function storeFull(detail: string, cause?: unknown): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_FULL, { store: SQLITE_KIND, detail }, { cause });
}

/**
 * The database is held by another process. Code: RAFFLE_ERROR__WORKER__STORE_LOCKED.
 *
 * @param path - the database file
 * @param waitedMs - how long `ready()` waited for it
 * @param cause - SQLite's error
 * @returns the error
 */
export function storeLocked(path: string, waitedMs: number, cause?: unknown): RaffleError {
    return new RaffleError(RAFFLE_ERROR__WORKER__STORE_LOCKED, { store: SQLITE_KIND, path, waitedMs }, { cause });
}

/**
 * Turns what an operation threw into the error the store reports.
 *
 * @param error - what was thrown
 * @returns a `RaffleError`
 */
export function toStoreError(error: unknown): unknown {
    if (isRaffleError(error)) return error;
    const code = sqliteCode(error);
    if (code === null) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'SQLITE_FULL') return storeFull(`${code}: ${message}`, error);
    return backendFailed(SQLITE_KIND, `${code}: ${message}`, error);
}
