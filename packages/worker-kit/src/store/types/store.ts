/**
 * The worker's store: the lifecycle every adapter shares and {@link WorkerStore}, every concern
 * in one.
 *
 * @packageDocumentation
 */
import type { BackoffPolicy } from '../../core/backoff';
import type { AuditLog } from './audit';
import type { CursorStore } from './cursor';
import type { EffectLedger } from './effects';
import type { EventInbox } from './inbox';
import type { JobQueue } from './jobs';
import type { LeaseStore } from './leases';
import type { ProjectionStore } from './projections';
import type { RetentionStore } from './retention';

/**
 * What every adapter has besides its concerns: a name, and the connections it owns (BullMQ
 * style): {@link StoreLifecycle.ready} before use (the first operation calls it when you did
 * not), {@link StoreLifecycle.close} when done.
 *
 * @example
 * ```ts
 * const store: StoreLifecycle = createMemoryWorkerStore();
 * await store.ready();
 * await store.close();
 * ```
 */
export interface StoreLifecycle {
    /** A short name of the adapter, e.g. `postgres`. */
    readonly kind: string;
    /**
     * Connects and prepares the storage (migrations, scripts). Idempotent; concurrent calls share one attempt.
     * @returns when the store can be used
     */
    ready(): Promise<void>;
    /**
     * Releases every connection the store owns. Idempotent. Operations after `close` reject.
     * @returns when every owned connection is closed
     */
    close(): Promise<void>;
}

/**
 * The worker's durable state, one concern per interface: ingestion cursors
 * ({@link CursorStore}), the event inbox ({@link EventInbox}), the effect ledger
 * ({@link EffectLedger}), jobs ({@link JobQueue}), leases ({@link LeaseStore}), the audit log
 * ({@link AuditLog}), the projections with the atomic inbox steps that write them
 * ({@link ProjectionStore}) and retention ({@link RetentionStore}). Code that needs one concern asks for that interface only.
 *
 * Conventions shared by every operation:
 * - Times are integer milliseconds since the Unix epoch. Every operation that reads the clock
 *   takes an optional `now`; when it is omitted the store's clock is used (see each adapter:
 *   PostgreSQL and Redis use the server's clock so that replicas agree).
 * - Chain quantities (slots, block heights) are `bigint`.
 * - JSON values are stored as JSON: `undefined`, functions, `bigint` and class instances do not
 *   survive a round trip. Encode bigints as strings in payloads.
 * - Records returned are copies: mutating them never changes the store.
 * - Every method that decides something (insert-if-absent, compare-and-set, claim) is atomic
 *   in every adapter, also across processes for PostgreSQL and Redis.
 *
 * Adapters: `createMemoryWorkerStore` here; PostgreSQL, PGlite and Redis in the subpaths
 * `@raffle/worker-kit/postgres`, `/pglite` and `/redis`. `@raffle/worker-kit/testing` checks one.
 *
 * @example
 * ```ts
 * const store = createMemoryWorkerStore();
 * await store.ready();
 * const [{ inserted }] = await store.recordEvents([{ signature, instructionIndex: 0, eventIndex: 0, slot: 5n, name: 'ThresholdReached', data: {} }]);
 * if (inserted) await store.enqueueJob({ id: `draw:${raffle}`, name: 'draw', payload: { raffle } });
 * const [job] = await store.claimJobs({ owner: 'worker-1', limit: 1, leaseMs: 30_000 });
 * await store.close();
 * ```
 */
export interface WorkerStore extends StoreLifecycle, CursorStore, EventInbox, EffectLedger, JobQueue, LeaseStore, AuditLog, ProjectionStore, RetentionStore {}

/** Options shared by every adapter. */
export interface WorkerStoreOptions {
    /**
     * The clock used when an operation gets no `now` (ms). Defaults: `Date.now` in memory;
     * the database's clock for PostgreSQL, PGlite and Redis (so that replicas agree).
     */
    clock?: () => number;
    /**
     * Backoff of {@link JobQueue.failJob} when no `retryDelayMs` is given (default
     * {@link DEFAULT_STORE_BACKOFF}: 1 s doubling to 5 min, no jitter). The worker always gives
     * one (its retry policy's); this is for direct users of the store.
     */
    backoff?: BackoffPolicy;
}

/**
 * The store's backoff when none is configured: `min(1000 ms · 2^(attempts-1), 5 min)`, without
 * jitter.
 *
 * @example
 * ```ts
 * const store = createMemoryWorkerStore({ backoff: { ...DEFAULT_STORE_BACKOFF, jitter: 0.5 } });
 * ```
 */
export const DEFAULT_STORE_BACKOFF: BackoffPolicy = Object.freeze({ minMs: 1_000, maxMs: 5 * 60_000, factor: 2, jitter: 0 });
