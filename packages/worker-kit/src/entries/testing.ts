/**
 * `@raffle/worker-kit/testing`: the storage conformance suite, for adapter authors and for
 * checking a configured store in your own tests. Needs vitest (an optional peer dependency).
 *
 * @packageDocumentation
 */
export {
    describeWorkerStoreConformance,
    type WorkerStoreConformanceOptions,
    type WorkerStoreFixture,
} from '../testing/conformance';
