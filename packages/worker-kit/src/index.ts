/**
 * The raffle worker engine: {@link createWorker} ingests any Anchor program's events (gap-free
 * backfill from a durable cursor, live subscription, finality and fork tracking) and runs typed,
 * idempotent handlers as jobs with retries, dead letters and replay, under a leader lease so
 * replicas share the work. Storage is {@link WorkerStore}, one interface per concern (cursor,
 * inbox, effects, jobs, leases, audit), with the in-memory adapter here and the durable ones in
 * subpaths that load their driver only when imported: `@raffle/worker-kit/pglite` (embedded),
 * `/postgres`, `/redis`. Every adapter passes one conformance suite (`@raffle/worker-kit/testing`).
 *
 * @packageDocumentation
 */

export * from './store/types/index';
export { createMemoryWorkerStore, type MemoryWorkerStoreOptions } from './store/memory/index';

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
export { eventId, parseEventId, compareEventPositions, toJsonValue, type EventPosition } from './core/identity';
export { listHistorySince, orderOldestFirst, contiguousFinalizedPrefix, type HistoryEntry, type ListHistoryInput } from './ingestion/history';
export type { InboxEventData } from './ingestion/inbox';
export type { IngestionOptions, IngestionRpc, IngestionRpcSubscriptions } from './ingestion/ingestor';
export type { IngestionStart } from './ingestion/cursor';
export type { EventSink, EventSinkOptions, EventSource, ObservedTransaction, RecordedTransactions } from './ingestion/sources/types';
export {
    UNDECODABLE_JOB_NAME,
    TRUNCATED_JOB_NAME,
    decodeUndecodableJobPayload,
    decodeTruncatedJobPayload,
    type UndecodableJobPayload,
    type TruncatedJobPayload,
} from './ingestion/dead-letters';
export { UnrecoverableError, isUnrecoverableError } from './core/errors';
export { WORKER_EVENT_KEYS, type WorkerEvents, type WorkerEventKey, type WorkerEmitter, type ChainEventSummary, type JobSummary } from './core/events';
export {
    handlerJobId,
    handlerJobName,
    type EventHandler,
    type HandlerContext,
    type HandlerOptions,
    type DeliveredEvent,
    type DeliveryKind,
    type HandlerCommitment,
    type HandlerJobPayload,
} from './runtime/handlers';
export type { ProjectedEvent, ProjectionDefinition, ProjectionFunction, ProjectionReader, ProjectionState } from './projections/types';
export { runEffect, resolveSentEffect, type EffectFunction, type EffectRunContext, type EffectResult, type EffectDependencies, type SentEffectResolution } from './runtime/effect';
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy, runWithRetries, type RetryPolicy, type ResolvedRetryPolicy, type RunWithRetriesOptions } from './runtime/retry';
export type { RetentionPolicy, RetentionKeep, RetentionPassResult } from './runtime/retention';
export { backoffDelayMs, DEFAULT_RECONNECT_BACKOFF, type BackoffPolicy } from './core/time';
