/**
 * The embedded default {@link WorkerStore}: PostgreSQL compiled to WebAssembly (PGlite),
 * persisted to a data directory. It runs the very SQL and migrations of the PostgreSQL store
 * (`../sql`), needs no server and no native build.
 */
import { PGlite } from '@electric-sql/pglite';

import type { SqlDriver } from '../sql/driver';
import { createSqlWorkerStore } from '../sql/index';
import type { WorkerStore, WorkerStoreOptions } from '../types';

/**
 * What the store uses of a PGlite instance; an `@electric-sql/pglite` `PGlite` is one. Written
 * out so that the published types do not load PGlite's, which do not compile for apps that
 * check libraries (`skipLibCheck: false`) without `@types/emscripten`.
 *
 * @example
 * ```ts
 * const pglite: PgliteWorkerDatabase = await PGlite.create('./worker-data');
 * const store = createPgliteWorkerStore({ pglite });
 * ```
 */
export interface PgliteWorkerDatabase {
    /** Runs a statement. */
    query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
    /** Runs `fn` in a transaction. */
    transaction<T>(fn: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>; exec(script: string): Promise<unknown> }) => Promise<T>): Promise<T>;
    /** Closes the database. */
    close(): Promise<void>;
}

/** Options of {@link createPgliteWorkerStore}. */
export interface PgliteWorkerStoreOptions extends WorkerStoreOptions {
    /**
     * The directory holding the database (created if missing). Omit for an in-memory database
     * that disappears with the process (tests). Ignored when `pglite` is given.
     */
    dataDir?: string;
    /** An existing PGlite instance; the store uses it and never closes it. */
    pglite?: PgliteWorkerDatabase;
    /** The schema holding the tables (default `raffle_worker`). */
    schema?: string;
    /** Apply pending migrations in `ready()` (default true). */
    migrate?: boolean;
}

function pgliteDriver(db: PgliteWorkerDatabase, owned: boolean): SqlDriver {
    return {
        async query(text, params = []) {
            return (await db.query<Record<string, unknown>>(text, params as unknown[])).rows;
        },
        transaction(fn) {
            return db.transaction(tx =>
                fn({
                    query: async (text, params = []) => (await tx.query<Record<string, unknown>>(text, params as unknown[])).rows,
                    exec: async script => {
                        await tx.exec(script);
                    },
                }),
            );
        },
        async close() {
            if (owned) await db.close();
        },
    };
}

/**
 * Creates the embedded worker store (PGlite). One process owns the data directory; run
 * several replicas with `createPostgresWorkerStore` (`@raffle/worker-kit/postgres`) instead.
 *
 * Durability: a write is acknowledged after PostgreSQL has written its WAL record to the
 * data directory, so a crash of the process (kill -9, out of memory) loses nothing
 * acknowledged. PGlite runs PostgreSQL with `fsync` off, so a power loss or kernel crash can
 * lose the last writes; the chain stays the source of truth and the worker re-derives them
 * (see docs/worker-storage.md).
 *
 * @param options - data directory (or an instance), schema
 * @returns a store; `ready()` opens (or creates) the database and migrates it
 * @example
 * ```ts
 * import { createPgliteWorkerStore } from '@raffle/worker-kit/pglite';
 *
 * const store = createPgliteWorkerStore({ dataDir: './.raffle-worker' });
 * await store.ready();
 * await store.setCursor({ name: 'ingest', slot: 123n, expectedVersion: 0 });
 * await store.close();
 * ```
 */
export function createPgliteWorkerStore(options: PgliteWorkerStoreOptions = {}): WorkerStore {
    const { pglite, dataDir } = options;
    return createSqlWorkerStore({
        ...options,
        kind: 'pglite',
        schema: options.schema ?? 'raffle_worker',
        async connect() {
            if (pglite) return pgliteDriver(pglite, false);
            const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
            return pgliteDriver(db, true);
        },
    });
}
