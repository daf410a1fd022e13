/**
 * The raffle worker engine. Today: its storage (issue 8, part 1): one {@link WorkerStore}
 * interface for the ingestion cursor, the event inbox, the effect ledger, jobs, leases and the
 * audit log, with four adapters (in-memory, embedded PGlite, PostgreSQL, Redis) that pass one
 * conformance suite (`@raffle/worker-kit/testing`). Also the names of the events its runtime
 * emits.
 *
 * @packageDocumentation
 */

export * from './store/types';
export { createMemoryWorkerStore, type MemoryWorkerStoreOptions } from './store/memory';
export { createPgliteWorkerStore, type PgliteWorkerStoreOptions } from './store/pglite';
export { createPostgresWorkerStore, type PostgresWorkerStore, type PostgresWorkerStoreOptions } from './store/postgres/index';
export { MIGRATIONS, type Migration } from './store/postgres/migrations.generated';
export { createRedisWorkerStore, type RedisWorkerStore, type RedisWorkerStoreOptions } from './store/redis/index';

/**
 * Every event the worker runtime emits on its eventemitter3 instance, namespaced by concern.
 *
 * @example
 * ```ts
 * worker.on(WORKER_EVENT_NAMES[0], event => log.info(event));
 * ```
 */
export const WORKER_EVENT_NAMES = Object.freeze([
    'event:received',
    'event:finalized',
    'event:retracted',
    'handler:succeeded',
    'handler:failed',
    'job:retry',
    'job:dead',
    'lease:acquired',
    'lease:lost',
] as const);

/** The name of a worker runtime event. */
export type WorkerEventName = (typeof WORKER_EVENT_NAMES)[number];
