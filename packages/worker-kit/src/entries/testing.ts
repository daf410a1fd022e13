/**
 * `@raffle/worker-kit/testing`: the storage conformance suite, for adapter authors and for
 * checking a configured store in your own tests: {@link describeWorkerStoreConformance} for a
 * whole store, one suite per concern for an adapter of that concern alone. Needs vitest (an
 * optional peer dependency).
 *
 * @packageDocumentation
 */
export {
    describeWorkerStoreConformance,
    describeCursorStoreConformance,
    describeEventInboxConformance,
    describeEffectLedgerConformance,
    describeJobQueueConformance,
    describeLeaseStoreConformance,
    describeAuditLogConformance,
    describeProjectionStoreConformance,
    describeRetentionStoreConformance,
    type WorkerStoreConformanceOptions,
    type WorkerStoreFixture,
    type StoreConformanceOptions,
    type StoreFixture,
    type CursorStoreUnderTest,
    type EventInboxUnderTest,
    type EffectLedgerUnderTest,
    type JobQueueUnderTest,
    type LeaseStoreUnderTest,
    type AuditLogUnderTest,
    type ProjectionStoreUnderTest,
    type RetentionStoreUnderTest,
} from '../testing/conformance/index';
