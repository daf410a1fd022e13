/**
 * The in-memory {@link WorkerStore}: for tests and throwaway runs. Nothing survives the
 * process. Every operation runs synchronously inside its promise, so each one is atomic. One
 * file per concern over one shared state (`state.ts`).
 */
import type { WorkerStore, WorkerStoreOptions } from '../types';
import { memoryAuditLog } from './audit';
import { memoryCursorStore } from './cursor';
import { memoryEffectLedger } from './effects';
import { memoryEventInbox } from './inbox';
import { memoryJobQueue } from './jobs';
import { memoryLeaseStore } from './leases';
import { memoryProjectionStore } from './projections';
import { memoryRetentionStore } from './retention';
import { assertOpen, createMemoryState } from './state';

/** Options of {@link createMemoryWorkerStore}. */
export type MemoryWorkerStoreOptions = WorkerStoreOptions;

/**
 * Creates an in-memory worker store. Use it in tests and examples; use a durable store
 * (`@raffle/worker-kit/pglite`, `/postgres`, `/redis`) when state must survive a restart.
 *
 * @param options - clock and backoff
 * @returns a store; `ready()` resolves at once
 * @example
 * ```ts
 * let now = 1_000;
 * const store = createMemoryWorkerStore({ clock: () => now });
 * await store.enqueueJob({ id: 'refund:raffle1', name: 'refund', runAt: 2_000 });
 * now = 2_000;
 * const jobs = await store.claimJobs({ owner: 'w1', limit: 10, leaseMs: 30_000 });
 * ```
 */
export function createMemoryWorkerStore(options: MemoryWorkerStoreOptions = {}): WorkerStore {
    const state = createMemoryState(options);
    return {
        kind: 'memory',
        async ready() {
            assertOpen(state);
        },
        async close() {
            state.closed = true;
        },
        ...memoryCursorStore(state),
        ...memoryEventInbox(state),
        ...memoryEffectLedger(state),
        ...memoryJobQueue(state),
        ...memoryLeaseStore(state),
        ...memoryAuditLog(state),
        ...memoryProjectionStore(state),
        ...memoryRetentionStore(state),
    };
}
