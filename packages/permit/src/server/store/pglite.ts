/**
 * The embedded permit server store on PGlite (PostgreSQL compiled to WebAssembly): the
 * default for a single process. Same SQL and migrations as the PostgreSQL adapter.
 *
 * @packageDocumentation
 */
import { serverOptionInvalid } from '../errors';
import type { PgliteLike } from './sql-client';
import { type SqlDriver, type SqlStoreOptions, createSqlPermitStore } from './sql-store';
import type { PermitServerStore } from './types';

/**
 * Options of {@link createPglitePermitStore}: either `db`, or `dataDir` with the `PGlite`
 * class.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const options: PglitePermitStoreOptions = { dataDir: './data/permit-server', PGlite };
 * ```
 */
export type PglitePermitStoreOptions = SqlStoreOptions &
    (
        | {
              /** A database you own: the store never closes it. */
              readonly db: PgliteLike;
          }
        | {
              /** Where the data persists (`new PGlite(dataDir)`); `memory://` for none. The store owns and closes it. */
              readonly dataDir: string;
              /** The `PGlite` class (`import { PGlite } from '@electric-sql/pglite'`): not a dependency of `@raffle/permit`. */
              readonly PGlite: new (dataDir: string) => PgliteLike;
          }
    );

/**
 * Creates a {@link PermitServerStore} on PGlite (`npm install @electric-sql/pglite`): a real
 * PostgreSQL in the process, persisted to a directory. One process only: for replicas use
 * {@link createPostgresPermitStore} (same tables, same migrations).
 *
 * @param options - a PGlite instance, or a data directory and the `PGlite` class
 * @returns the store; call `await store.ready()` before use and `store.close()` at shutdown
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPglitePermitStore } from '@raffle/permit/server';
 *
 * const store = createPglitePermitStore({ dataDir: './data/permit-server', PGlite });
 * await store.ready();
 * ```
 */
export function createPglitePermitStore(options: PglitePermitStoreOptions): PermitServerStore {
    let db: PgliteLike;
    let owned: boolean;
    if ('db' in options && options.db !== undefined) {
        db = options.db;
        owned = false;
    } else if ('dataDir' in options && typeof options.dataDir === 'string') {
        if (typeof options.PGlite !== 'function') {
            throw serverOptionInvalid('PGlite', "must be the PGlite class (import { PGlite } from '@electric-sql/pglite')");
        }
        db = new options.PGlite(options.dataDir);
        owned = true;
    } else {
        throw serverOptionInvalid('options', 'pass either `db` or `dataDir` with `PGlite`');
    }
    if (typeof db.query !== 'function' || typeof db.transaction !== 'function') {
        throw serverOptionInvalid('db', 'must be a PGlite instance (with query() and transaction())');
    }
    let closed = false;
    const driver: SqlDriver = {
        kind: 'pglite',
        async query(text, params) {
            return (await db.query(text, params)).rows;
        },
        transaction(fn) {
            return db.transaction(tx =>
                fn({
                    query: async (text, params) => (await tx.query(text, params)).rows,
                    exec: async sql => {
                        await tx.exec(sql);
                    },
                }),
            );
        },
        async close() {
            if (closed) return;
            closed = true;
            if (owned) await db.close();
        },
    };
    return createSqlPermitStore(driver, options);
}
