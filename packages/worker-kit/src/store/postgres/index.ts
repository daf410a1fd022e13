/**
 * The PostgreSQL {@link WorkerStore} (`pg`): for production and for several worker replicas
 * sharing one database. The SQL is the shared SQL store's (`../sql`); this file is the `pg`
 * driver.
 */
import pg from 'pg';

import { backendFailed } from '../errors';
import type { SqlDriver } from '../sql/driver';
import { createSqlWorkerStore } from '../sql/index';
import type { WorkerStore, WorkerStoreOptions } from '../types';

/** Options of {@link createPostgresWorkerStore}. */
export interface PostgresWorkerStoreOptions extends WorkerStoreOptions {
    /**
     * A `postgres://` URL; the store creates and owns a `pg.Pool` for it (ended by `close()`).
     * Ignored when `pool` is given.
     */
    connectionString?: string;
    /** Extra settings for the owned pool (`max` defaults to 10; `application_name` to `raffle-worker`). */
    poolConfig?: Omit<pg.PoolConfig, 'connectionString'>;
    /** An existing pool; the store uses it and never ends it (its owner does). */
    pool?: pg.Pool;
    /** The schema holding the tables (default `raffle_worker`); created if missing. */
    schema?: string;
    /** Apply pending migrations in `ready()` (default true). Disable to migrate from a deploy step. */
    migrate?: boolean;
    /** Errors of idle pooled connections (the pool replaces them); ignored when omitted. Owned pool only. */
    onPoolError?: (error: Error) => void;
}

/** The PostgreSQL store, with access to its schema. */
export interface PostgresWorkerStore extends WorkerStore {
    /** The schema holding the tables. */
    readonly schema: string;
}

function poolDriver(pool: pg.Pool, owned: boolean): SqlDriver {
    return {
        async query(text, params = []) {
            const result = await pool.query(text, params as unknown[]);
            return result.rows as Record<string, unknown>[];
        },
        async transaction(fn) {
            const client = await pool.connect();
            let broken = false;
            try {
                await client.query('BEGIN');
                const result = await fn({
                    query: async (text, params = []) => (await client.query(text, params as unknown[])).rows as Record<string, unknown>[],
                    exec: async script => {
                        await client.query(script);
                    },
                });
                await client.query('COMMIT');
                return result;
            } catch (e) {
                await client.query('ROLLBACK').catch(() => {
                    broken = true;
                });
                throw e;
            } finally {
                client.release(broken);
            }
        },
        async close() {
            if (owned) await pool.end();
        },
    };
}

/**
 * Creates a PostgreSQL worker store. Claims use `FOR UPDATE SKIP LOCKED`; leases, cursors and
 * effects are compare-and-set statements; times come from the database's clock unless an
 * operation passes `now` or a `clock` is configured, so replicas with skewed clocks still
 * agree on who holds a lease. Migrations (`NNN_name.sql`) are applied by `ready()` in one
 * transaction under an advisory lock.
 *
 * @param options - connection string or pool, schema, migrations
 * @returns a store; call `ready()` to connect and migrate
 * @example
 * ```ts
 * import { createPostgresWorkerStore } from '@raffle/worker-kit/postgres';
 *
 * const store = createPostgresWorkerStore({ connectionString: process.env.DATABASE_URL, schema: 'raffle_worker' });
 * await store.ready();
 * const lease = await store.acquireLease({ name: 'leader', owner: workerId, leaseMs: 15_000 });
 * // ...
 * await store.close();
 * ```
 */
export function createPostgresWorkerStore(options: PostgresWorkerStoreOptions): PostgresWorkerStore {
    const { pool, connectionString, poolConfig, onPoolError } = options;
    return createSqlWorkerStore({
        ...options,
        kind: 'postgres',
        schema: options.schema ?? 'raffle_worker',
        async connect() {
            if (pool) return poolDriver(pool, false);
            const owned = new pg.Pool({ max: 10, application_name: 'raffle-worker', ...poolConfig, connectionString });
            owned.on('error', error => onPoolError?.(error));
            try {
                await owned.query('SELECT 1');
            } catch (e) {
                await owned.end().catch(() => undefined);
                throw backendFailed('postgres', `cannot connect: ${e instanceof Error ? e.message : String(e)}`, e);
            }
            return poolDriver(owned, true);
        },
    });
}
