/**
 * The raffle worker engine: {@link createWorker} ingests any Anchor program's events (gap-free
 * backfill from a durable cursor, live subscription, finality and fork tracking) and runs typed,
 * idempotent handlers as jobs with retries, dead letters and replay, under a leader lease so
 * replicas share the work. Storage is one {@link WorkerStore} interface with four adapters
 * (in-memory, embedded PGlite, PostgreSQL, Redis) that pass one conformance suite
 * (`@raffle/worker-kit/testing`).
 *
 * @packageDocumentation
 */

export * from './store/types';
export { createMemoryWorkerStore, type MemoryWorkerStoreOptions } from './store/memory';
export { createPgliteWorkerStore, type PgliteWorkerDatabase, type PgliteWorkerStoreOptions } from './store/pglite';
export { createPostgresWorkerStore, type PostgresWorkerStore, type PostgresWorkerStoreOptions } from './store/postgres/index';
export { MIGRATIONS, type Migration } from './store/postgres/migrations.generated';
export { createRedisWorkerStore, type RedisWorkerStore, type RedisWorkerStoreOptions } from './store/redis/index';

export {
    createWorker,
    type CreateWorkerOptions,
    type Worker,
    type WorkerStatus,
    type WorkerHealth,
    type ReplayInput,
    type WorkerRpc,
    type WorkerService,
    type WorkerServiceContext,
    type TaskFunction,
    type TaskOptions,
    type EnqueueTaskInput,
} from './worker';
export {
    CLOCK_SYSVAR_ADDRESS,
    createChainScheduler,
    isChainDue,
    readChainTime,
    type ChainDue,
    type ChainScheduler,
    type ChainSchedulerOptions,
    type ChainTime,
} from './scheduler/chain-scheduler';
export {
    createEventDecoder,
    extractProgramEvents,
    type EventDecoder,
    type EventDecoderTable,
    type EventDefinition,
    type EventMapOf,
    type DecodeResult,
    type RawProgramEvent,
    type ExtractedEvents,
} from './ingestion/decoder';
export { createEventDecoderTableFromIdl, type AnchorEventIdl, type IdlType, type IdlField, type IdlTypeDef } from './ingestion/idl';
export { eventId, parseEventId, compareEventPositions, toJsonValue, type EventPosition } from './ingestion/identity';
export { listHistorySince, orderOldestFirst, contiguousFinalizedPrefix, type HistoryEntry, type ListHistoryInput } from './ingestion/history';
export type { InboxEventData } from './ingestion/inbox';
export type { IngestionOptions, IngestionStart, IngestionRpc, IngestionRpcSubscriptions, ObservedTransaction } from './ingestion/ingestor';
export { UnrecoverableError, isUnrecoverableError } from './runtime/errors';
export { WORKER_EVENT_KEYS, type WorkerEvents, type WorkerEventKey, type WorkerEmitter, type ChainEventSummary, type JobSummary } from './runtime/events';
export {
    UNDECODABLE_JOB_NAME,
    TRUNCATED_JOB_NAME,
    handlerJobId,
    handlerJobName,
    type EventHandler,
    type HandlerContext,
    type HandlerOptions,
    type DeliveredEvent,
    type DeliveryKind,
    type HandlerCommitment,
    type HandlerJobPayload,
    type UndecodableJobPayload,
    type TruncatedJobPayload,
} from './runtime/handlers';
export { runEffect, resolveSentEffect, type EffectFunction, type EffectRunContext, type EffectResult, type EffectDependencies, type SentEffectResolution } from './runtime/effect';
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy, runWithRetries, type RetryPolicy, type ResolvedRetryPolicy, type RunWithRetriesOptions } from './runtime/retry';
export { backoffDelayMs, DEFAULT_RECONNECT_BACKOFF, type BackoffPolicy } from './runtime/time';
