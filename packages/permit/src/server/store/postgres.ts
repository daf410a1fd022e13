/**
 * The PostgreSQL permit server store: for production and replicas. Uses a `pg.Pool` you pass
 * in (and leave open) or one it creates from a URL (and closes).
 *
 * @packageDocumentation
 */
import { serverOptionInvalid } from '../errors';
import type { PgPoolClientLike, PgPoolLike } from './sql-client';
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
export type PostgresPermitStoreOptions = SqlStoreOptions & {
    /**
     * Called when a pooled connection fails outside a query (the server restarted, failed
     * over, timed it out, or an operator ran `pg_terminate_backend`): the pool drops the
     * connection and opens a new one when needed; requests that were using it fail, later ones
     * succeed. Receives a summary without secrets (no password, no cancel key). Default: ignore.
     */
    readonly onError?: (error: PostgresConnectionError) => void;
} & (
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
 * What `onError` of {@link PostgresPermitStoreOptions} receives: a summary of a dropped connection,
 * safe to log. `pg`'s own error is not passed on: it references the connection, whose fields
 * hold the password and the cancel key.
 *
 * @example
 * ```ts
 * const onError = (e: PostgresConnectionError) => console.warn(`[permit-store] ${e.source}: ${e.code ?? '-'} ${e.message}`);
 * ```
 */
export interface PostgresConnectionError {
    /** `idle`: a pooled connection no request was using; `in-use`: one held for a transaction. */
    readonly source: 'idle' | 'in-use';
    /** The SQLSTATE (e.g. `57P01` terminated by an administrator) or Node's code (`ECONNRESET`), if any. */
    readonly code: string | undefined;
    /** The error message, at most 300 characters, any `postgres://user:password@` reduced to the user. */
    readonly message: string;
}

/**
 * Reduces a `pg` error to a {@link PostgresConnectionError}.
 *
 * @internal
 * @param error - what `pg` emitted
 * @param source - where
 * @returns the summary
 */
export function summarizeConnectionError(error: unknown, source: PostgresConnectionError['source']): PostgresConnectionError {
    const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : 'connection error';
    const message = raw
        .replace(/(postgres(?:ql)?:\/\/[^:@/\s]*):[^@\s]*@/gi, '$1:***@')
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        .slice(0, 300);
    const code = (error as { code?: unknown } | null)?.code;
    return Object.freeze({ source, code: typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : undefined, message });
}

/**
 * `pg` attaches the connection to some errors (`error.client`, with the password and the
 * cancel key); drop it before the error travels on (to `onError` of the handler, to logs).
 */
function detachClient<T>(error: T): T {
    if (typeof error === 'object' && error !== null && Object.prototype.hasOwnProperty.call(error, 'client')) {
        try {
            delete (error as { client?: unknown }).client;
        } catch {
            // a frozen error: nothing to do
        }
    }
    return error;
}

/**
 * Creates a {@link PermitServerStore} on PostgreSQL (`npm install pg`). Tables live in
 * `options.schema` (default `public`) and are created by numbered migrations in `ready()`,
 * in one transaction under an advisory lock, so replicas may start together.
 *
 * Raffle ids come from `UPDATE ... SET next_raffle_id = next_raffle_id + 1 RETURNING`: unique
 * across every replica sharing the database.
 *
 * A dropped connection never ends the process: the store listens for the pool's `'error'`
 * (also on a pool you pass; removed again by `close()`) and for errors of the connection it
 * holds during a transaction, reports them to `onError` without secrets, and the pool
 * reconnects on the next query.
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
    const onError = options?.onError;
    if (onError !== undefined && typeof onError !== 'function') throw serverOptionInvalid('onError', 'must be a function');
    let pool: PgPoolLike;
    let owned: boolean;
    if ('pool' in options && options.pool !== undefined) {
        pool = options.pool;
        owned = false;
    } else if ('connectionString' in options && typeof options.connectionString === 'string') {
        if (typeof options.Pool !== 'function') {
            throw serverOptionInvalid('Pool', "must be pg's Pool class (import pg from 'pg'; { Pool: pg.Pool })");
        }
        pool = new options.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
        owned = true;
    } else {
        throw serverOptionInvalid('options', 'pass either `pool` or `connectionString` with `Pool`');
    }
    if (typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
        throw serverOptionInvalid('pool', 'must be a pg.Pool (with query() and connect())');
    }
    const report = (error: unknown, source: PostgresConnectionError['source']): void => {
        try {
            onError?.(summarizeConnectionError(error, source));
        } catch {
            // a failing logger must not end the process either
        }
    };
    const onIdleError = (error: Error): void => report(error, 'idle');
    pool.on?.('error', onIdleError);
    let closed = false;
    const driver: SqlDriver = {
        kind: 'postgres',
        async query(text, params) {
            try {
                return (await pool.query(text, params)).rows;
            } catch (error) {
                throw detachClient(error);
            }
        },
        async transaction(fn) {
            let client: PgPoolClientLike;
            try {
                client = await pool.connect();
            } catch (error) {
                throw detachClient(error);
            }
            let broken: Error | undefined;
            // Between two queries of the transaction the connection has no other listener.
            const onClientError = (error: Error): void => {
                broken ??= new Error('connection failed during a transaction');
                report(error, 'in-use');
            };
            client.on?.('error', onClientError);
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
                throw detachClient(error);
            } finally {
                client.removeListener?.('error', onClientError);
                client.release(broken);
            }
        },
        async close() {
            if (closed) return;
            closed = true;
            if (owned) await pool.end();
            else pool.removeListener?.('error', onIdleError);
        },
    };
    return createSqlPermitStore(driver, options);
}
