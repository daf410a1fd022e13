/**
 * The conformance suite every {@link WorkerStore} adapter passes, one file per concern: each
 * operation, its idempotency, its ordering, and the concurrency cases (parallel claimers, lease
 * takeover, a crashed claimer's job coming back, cursor compare-and-set, effect
 * insert-if-absent, fencing). Run it from a vitest test file against your own adapter too:
 * {@link describeWorkerStoreConformance} for a whole store, or one concern's suite (e.g.
 * {@link describeJobQueueConformance}) for an adapter of that concern alone.
 */
import { describe } from 'vitest';

import type { WorkerStore } from '../../store/types';
import { auditCases } from './audit';
import { cursorCases } from './cursor';
import { effectCases } from './effects';
import { type StoreConformanceOptions, type StoreFixture, useFixture } from './harness';
import { inboxCases } from './inbox';
import { jobCases } from './jobs';
import { leaseCases } from './leases';
import { projectionCases } from './projections';
import { retentionCases } from './retention';

export { describeAuditLogConformance, type AuditLogUnderTest } from './audit';
export { describeCursorStoreConformance, type CursorStoreUnderTest } from './cursor';
export { describeEffectLedgerConformance, type EffectLedgerUnderTest } from './effects';
export type { StoreConformanceOptions, StoreFixture } from './harness';
export { describeEventInboxConformance, type EventInboxUnderTest } from './inbox';
export { describeJobQueueConformance, type JobQueueUnderTest } from './jobs';
export { describeLeaseStoreConformance, type LeaseStoreUnderTest } from './leases';
export { describeProjectionStoreConformance, type ProjectionStoreUnderTest } from './projections';
export { describeRetentionStoreConformance, type RetentionStoreUnderTest } from './retention';

/** What {@link describeWorkerStoreConformance}'s factory returns for each test. */
export type WorkerStoreFixture = StoreFixture<WorkerStore>;

/** Options of {@link describeWorkerStoreConformance}. */
export type WorkerStoreConformanceOptions = StoreConformanceOptions;

/**
 * Declares the conformance suite for one adapter with vitest's `describe` / `it` / `expect`:
 * every concern's cases on one store. `factory` runs before every test and must return an
 * empty, isolated store.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';
 *
 * describeWorkerStoreConformance('memory', async () => ({
 *     store: createMemoryWorkerStore(),
 *     cleanup: async () => {},
 * }));
 * ```
 */
export function describeWorkerStoreConformance(name: string, factory: () => Promise<WorkerStoreFixture>, options: WorkerStoreConformanceOptions = {}): void {
    describe.skipIf(Boolean(options.skip))(`WorkerStore conformance: ${name}`, () => {
        const ctx = useFixture(factory, options);
        describe('cursor', () => cursorCases(ctx));
        describe('event inbox', () => inboxCases(ctx));
        describe('effect ledger', () => effectCases(ctx));
        describe('jobs', () => jobCases(ctx));
        describe('leases', () => leaseCases(ctx));
        describe('audit log', () => auditCases(ctx));
        describe('projections and atomic inbox steps', () => projectionCases(ctx));
        describe('retention', () => retentionCases(ctx));
    });
}
