/**
 * The embedded {@link WorkerStore} on SQLite (better-sqlite3): one database file owned by one
 * process, durable on power loss (WAL, `synchronous=FULL`), a clear error on a full disk. One
 * file per concern over one connection (`connection.ts`), batch projections included
 * (`projections.ts`) and retention (`retention.ts`, whose event pruning shares the atomic steps'
 * chain); the schema is the numbered migrations `migrations/*.sql` (applied by
 * `migrations.ts`).
 *
 * better-sqlite3 is synchronous: each store call runs its statements to completion on the
 * calling thread and blocks the event loop meanwhile (tens of µs for a single write with
 * `synchronous: 'normal'`, one disk sync more with `'full'`; a batch of `MAX_BATCH_SIZE` items is
 * one transaction and one sync). See docs/worker-storage.md for the measurements.
 */
import type { WorkerStore } from '../types';
import { sqliteAuditLog } from './audit';
import { SqliteConnection } from './connection';
import { sqliteCursorStore } from './cursor';
import { sqliteEffectLedger } from './effects';
import { SQLITE_KIND } from './errors';
import { sqliteEventInbox } from './inbox';
import { sqliteJobQueue } from './jobs';
import { sqliteLeaseStore } from './leases';
import type { SqliteWorkerStoreOptions } from './options';
import { sqliteProjectionStore, sqliteStepChain } from './projections';
import { sqliteRetentionStore } from './retention';

export type { SqliteSynchronous, SqliteWorkerStoreOptions } from './options';

/**
 * Creates the embedded worker store on SQLite. One process owns the database file: a second
 * store (in this process or another) waits up to `lockTimeoutMs` for it, then fails with
 * `RAFFLE_ERROR__WORKER__STORE_LOCKED`; run several replicas on PostgreSQL instead.
 *
 * Durability: with `synchronous: 'full'` (default) a call resolves after its transaction is
 * synced to disk: a crash of the process or a power loss loses nothing acknowledged. A full disk
 * fails the call with `RAFFLE_ERROR__WORKER__STORE_FULL`; nothing of it is written and the store
 * stays usable once space is freed.
 *
 * Needs `better-sqlite3` ^12 (an optional peer dependency, built from source when no prebuilt
 * binary matches: python3, make and a C++ compiler).
 *
 * @param options - the database file, durability, lock wait, clock and backoff
 * @returns a store; `ready()` opens (or creates) the file, takes it and migrates it
 * @example
 * ```ts
 * const store = createSqliteWorkerStore({ path: './.raffle-worker/worker.sqlite' });
 * await store.ready();
 * await store.setCursor({ name: 'ingest', slot: 123n, expectedVersion: 0 });
 * await store.close();
 * ```
 */
export function createSqliteWorkerStore(options: SqliteWorkerStoreOptions): WorkerStore {
    const db = new SqliteConnection(options);
    // One chain for the atomic inbox steps and event pruning: the watermark never moves while a step plans.
    const steps = sqliteStepChain();
    return {
        kind: SQLITE_KIND,
        ready: () => db.ready(),
        close: () => db.close(),
        ...sqliteCursorStore(db),
        ...sqliteEventInbox(db),
        ...sqliteEffectLedger(db),
        ...sqliteJobQueue(db),
        ...sqliteLeaseStore(db),
        ...sqliteAuditLog(db),
        ...sqliteProjectionStore(db, steps),
        ...sqliteRetentionStore(db, steps),
    };
}
