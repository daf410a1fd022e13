/**
 * The PostgreSQL permit server store: for production and replicas. Uses a `pg.Pool` you pass
 * in (and leave open) or one it creates from a URL (and closes).
 *
 * @packageDocumentation
 */
import { invalidArgument } from '../errors';
import type { PgPoolLike } from './sql-client';
import { type SqlDriver, type SqlStoreOptions, createSqlPermitStore } from './sql-store';
import type { PermitServerStore } from './types';

/**
 * Options of {@link createPostgresPermitStore}: either `pool`, or `connectionString` with the
 * `pg` module's `Pool` class.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const options: PostgresPermitStoreOptions = { connectionString: process.env.DATABASE_URL!, Pool: pg.Pool, schema: 'permit' };
 * ```
 */
export type PostgresPermitStoreOptions = SqlStoreOptions &
    (
        | {
              /** A pool you own: the store never ends it. */
              readonly pool: PgPoolLike;
          }
        | {
              /** `postgres://user:password@host:5432/db`; the store creates, owns and ends the pool. */
              readonly connectionString: string;
              /** `pg.Pool` (`import pg from 'pg'`): `@raffle/permit` does not depend on `pg`. */
              readonly Pool: new (config: { connectionString: string; max?: number }) => PgPoolLike;
              /** Pool size, default 10. */
              readonly max?: number;
          }
    );

/**
 * Creates a {@link PermitServerStore} on PostgreSQL (`npm install pg`). Tables live in
 * `options.schema` (default `public`) and are created by numbered migrations in `ready()`,
 * in one transaction under an advisory lock, so replicas may start together.
 *
 * Raffle ids come from `UPDATE ... SET next_raffle_id = next_raffle_id + 1 RETURNING`: unique
 * across every replica sharing the database.
 *
 * @param options - a pool, or a connection string and `pg.Pool`
 * @returns the store; call `await store.ready()` before use and `store.close()` at shutdown
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresPermitStore } from '@raffle/permit/server';
 *
 * const store = createPostgresPermitStore({ connectionString: process.env.DATABASE_URL!, Pool: pg.Pool });
 * await store.ready();
 * ```
 */
export function createPostgresPermitStore(options: PostgresPermitStoreOptions): PermitServerStore {
    let pool: PgPoolLike;
    let owned: boolean;
    if ('pool' in options && options.pool !== undefined) {
        pool = options.pool;
        owned = false;
    } else if ('connectionString' in options && typeof options.connectionString === 'string') {
        if (typeof options.Pool !== 'function') {
            throw invalidArgument('Pool', "must be pg's Pool class (import pg from 'pg'; { Pool: pg.Pool })");
        }
        pool = new options.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
        owned = true;
    } else {
        throw invalidArgument('options', 'pass either `pool` or `connectionString` with `Pool`');
    }
    if (typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
        throw invalidArgument('pool', 'must be a pg.Pool (with query() and connect())');
    }
    let closed = false;
    const driver: SqlDriver = {
        kind: 'postgres',
        async query(text, params) {
            return (await pool.query(text, params)).rows;
        },
        async transaction(fn) {
            const client = await pool.connect();
            let broken: Error | undefined;
            try {
                await client.query('BEGIN');
                const result = await fn({
                    query: async (text, params) => (await client.query(text, params)).rows,
                    exec: async sql => {
                        await client.query(sql);
                    },
                });
                await client.query('COMMIT');
                return result;
            } catch (error) {
                try {
                    await client.query('ROLLBACK');
                } catch (rollbackError) {
                    broken = rollbackError instanceof Error ? rollbackError : new Error('ROLLBACK failed');
                }
                throw error;
            } finally {
                client.release(broken);
            }
        },
        async close() {
            if (closed) return;
            closed = true;
            if (owned) await pool.end();
        },
    };
    return createSqlPermitStore(driver, options);
}
