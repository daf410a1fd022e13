/**
 * The types of {@link createWorker}: its options, the worker, its status and health, replays,
 * services and durable tasks.
 *
 * @packageDocumentation
 */
import type { Address, GetBlockHeightApi, GetSignatureStatusesApi, GetSlotApi, Rpc } from '@solana/kit';

import type { EventDecoder, EventDecoderTable } from './ingestion/decoder';
import type { IngestionOptions, IngestionRpc, IngestionRpcSubscriptions } from './ingestion/ingestor';
import type { ObservedTransaction } from './ingestion/sources/types';
import type { WorkerEmitter } from './core/events';
import type { EventHandler, HandlerOptions } from './runtime/handlers';
import type { ProjectionDefinition, ProjectionReader } from './projections/types';
import type { RetentionKeep, RetentionPassResult, RetentionPolicy } from './runtime/retention';
import type { RetryPolicy } from './runtime/retry';
import type { JobRecord, JsonValue, LeaseRecord, ListDeadLettersInput, WorkerStore } from './store/types';

/**
 * The RPC methods the worker needs (ingestion, finality, effects, status).
 *
 * @example
 * ```ts
 * const rpc: WorkerRpc = createSolanaRpc(url);
 * ```
 */
export type WorkerRpc = IngestionRpc & Rpc<GetSignatureStatusesApi & GetBlockHeightApi & GetSlotApi>;

/**
 * Options of {@link createWorker}. Only what the worker needs.
 *
 * @example
 * ```ts
 * const options: CreateWorkerOptions<typeof RWA_RAFFLE_EVENTS> = {
 *     rpc: createSolanaRpc(url), rpcSubscriptions: createSolanaRpcSubscriptions(wsUrl),
 *     store: createPgliteWorkerStore({ dataDir: './worker-data' }), programAddress, decoder: RWA_RAFFLE_EVENTS,
 * };
 * ```
 */
export interface CreateWorkerOptions<TTable extends EventDecoderTable> {
    /** JSON-RPC client (`createSolanaRpc`). */
    readonly rpc: WorkerRpc;
    /** PubSub client (`createSolanaRpcSubscriptions`); only `logsNotifications` is used. */
    readonly rpcSubscriptions: IngestionRpcSubscriptions;
    /** The durable state. The worker does not open or close it: call `ready()` before and `close()` after. */
    readonly store: WorkerStore;
    /** The program whose events to ingest. */
    readonly programAddress: Address;
    /** The program's events: a table such as `RWA_RAFFLE_EVENTS`, or a decoder made by `createEventDecoder`. */
    readonly decoder: TTable | EventDecoder<TTable>;
    /** This replica's unique id (default: a random UUID). */
    readonly owner?: string;
    /** The job queue (default `events:<program>`). */
    readonly queue?: string;
    /** Jobs run at once by this replica (default 4). */
    readonly concurrency?: number;
    /** Job lease length (default 30 s). */
    readonly jobLeaseMs?: number;
    /** Poll interval of the job queue when idle (default 500 ms). */
    readonly pollMs?: number;
    /** How long `stop()` waits for in-flight jobs (default 10 s). */
    readonly drainTimeoutMs?: number;
    /** Retry policy of handler jobs. */
    readonly retry?: RetryPolicy;
    /** Leader lease: name (default `leader:<program>`), length (default 15 s), renew interval (default a third of the length). */
    readonly leader?: {
        /** The lease's name (default `leader:<program>`). */
        readonly name?: string;
        /** How long the lease lasts without a renewal (default 15 s). */
        readonly leaseMs?: number;
        /** @deprecated Use `leaseMs` (the same value; `leaseMs` wins when both are given). */
        readonly ttlMs?: number;
        /** How often the leader renews and followers try to acquire (default a third of `leaseMs`). */
        readonly renewMs?: number;
    };
    /** `leader-eligible` (default) or `jobs-only` (never ingests). */
    readonly role?: 'leader-eligible' | 'jobs-only';
    /** Ingestion timings and bounds. */
    readonly ingestion?: IngestionOptions;
    /**
     * Keep each event's decoded fields (as JSON) in the inbox beside its raw payload (default
     * true): readable in the store (e.g. in SQL), never read by the worker itself, which decodes
     * the raw payload for handlers. `false` stores `{ raw }` only: about a third less inbox data,
     * and 10-30% more events per second on PostgreSQL (see docs/benchmarks.md).
     */
    readonly storeDecodedFields?: boolean;
    /**
     * What the leader prunes, and when (see {@link RetentionPolicy} for the defaults: completed
     * jobs after 1 h, final events 1 h after their last change and a fork window below the
     * cursor, terminal effects after 7 days, audit entries after 30 days). `false` keeps
     * everything forever.
     */
    readonly retention?: false | RetentionPolicy;
}

/**
 * The worker's status.
 *
 * @example
 * ```ts
 * const s = await worker.status();
 * console.log(s.role, s.cursor?.slot, s.lagSlots, s.queue.deadLetters);
 * ```
 */
export interface WorkerStatus {
    /** This replica's id. */
    readonly owner: string;
    /** `leader` (ingests), `follower` (jobs only) or `stopped`. */
    readonly role: 'leader' | 'follower' | 'stopped';
    /** The leader lease as stored (any owner), null when never acquired. */
    readonly lease: LeaseRecord | null;
    /** The durable cursor. */
    readonly cursor: { readonly slot: bigint; readonly signature: string | null; readonly updatedAt: number } | null;
    /** The chain's confirmed slot, null when the RPC did not answer. */
    readonly chainSlot: bigint | null;
    /**
     * Slots between the chain's confirmed slot and what ingestion has checked: the cursor, or the
     * finalized slot of the last backfill pass that found nothing left to process (null when
     * unknown). It trails by the finality depth (about 32 slots) and stays flat while the
     * program is idle.
     */
    readonly lagSlots: bigint | null;
    /** Ingestion on this replica (meaningful on the leader). */
    readonly ingestion: { readonly live: boolean; readonly lastBackfillAt: number | null; readonly pendingSignatures: number };
    /** Job queue: jobs running on this replica, jobs waiting or running on any replica, dead letters. */
    readonly queue: { readonly name: string; readonly inFlight: number; readonly pending: number; readonly deadLetters: number };
    /** Events not finalized yet (at most 1000 counted). */
    readonly unfinalizedEvents: number;
}

/**
 * A health check: `ok` when the store and the RPC answer and, on the leader, ingestion ran recently.
 *
 * @example
 * ```ts
 * const h = await worker.health();
 * res.statusCode = h.ok ? 200 : 503;
 * ```
 */
export interface WorkerHealth {
    readonly ok: boolean;
    readonly checks: { readonly store: boolean; readonly rpc: boolean; readonly ingestion: boolean };
    readonly status: WorkerStatus | null;
}

/**
 * Replay input: re-run handlers for inbox events from a slot (or a signature's slot) onwards,
 * under new job ids (a replay generation). Effects keep their idempotency keys, so effects that
 * happened are not repeated.
 *
 * @example
 * ```ts
 * await worker.replay({ fromSignature: '5x…', handlers: ['index'] });
 * ```
 */
export interface ReplayInput {
    /** First slot (inclusive). */
    readonly fromSlot?: bigint;
    /** Or the slot of this transaction. */
    readonly fromSignature?: string;
    /** Last slot (inclusive). */
    readonly toSlot?: bigint;
    /** Only these handler names (default every handler). */
    readonly handlers?: readonly string[];
    /** Replay generation (default a timestamp): the same generation twice enqueues nothing new. */
    readonly generation?: string;
}

/**
 * What a {@link WorkerService} receives when the worker starts.
 *
 * @example
 * ```ts
 * const service: WorkerService = { name: 'sweeper', start: ({ store, isLeader }) => loop(store, isLeader), stop: () => halt() };
 * ```
 */
export interface WorkerServiceContext {
    /** The worker's store (ready). */
    readonly store: WorkerStore;
    /** This replica's id. */
    readonly owner: string;
    /** The worker's events (`lease:acquired`, `lease:lost`, ...). */
    readonly events: WorkerEmitter;
    /** Whether this replica holds the leader lease now. */
    isLeader(): boolean;
}

/**
 * Something that runs alongside the worker on every replica (a scheduler, a reconciliation
 * loop, an HTTP endpoint): started by `worker.start()` once jobs run, stopped by `worker.stop()`
 * once intake has stopped (no job is claimed any more), in reverse order, while in-flight jobs
 * drain, and awaited.
 *
 * @example
 * ```ts
 * worker.attach({ name: 'heartbeat', start: () => void (timer = setInterval(beat, 1000)), stop: () => clearInterval(timer) });
 * ```
 */
export interface WorkerService {
    /** A name for errors and logs. */
    readonly name: string;
    /** Starts the service; a throw fails `worker.start()`. */
    start(context: WorkerServiceContext): Promise<void> | void;
    /** Stops it; awaited by `worker.stop()`. */
    stop(): Promise<void> | void;
}

/**
 * A worker for the events of one program, typed by its event map.
 *
 * @example
 * ```ts
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * worker.handle('ThresholdReached', 'draw', async ({ event, effect }) => {
 *     await effect(`draw:${event.data.raffle}`, { raffle: event.data.raffle }, ctx => requestDraw(event.data.raffle, ctx));
 * }, { commitment: 'finalized' });
 * await worker.start();
 * worker.installSignalHandlers();
 * ```
 */
export interface Worker<TEvents extends Record<string, unknown>> {
    /** The typed eventemitter3 instance (`event:received`, `handler:failed`, `job:retry`, `lease:acquired`, ...). */
    readonly events: WorkerEmitter;
    /** This replica's id. */
    readonly owner: string;
    /** The store given to `createWorker` (read by the ops HTTP handler and the activity feed). */
    readonly store: WorkerStore;
    /** Registers a handler for an event (before `start()`); the name is part of idempotency keys. */
    handle<K extends keyof TEvents & string>(eventName: K, handlerName: string, handler: EventHandler<K, TEvents[K]>, options?: HandlerOptions<K, TEvents[K]>): this;
    /**
     * Registers a batch projection (before `start()`): a read model kept in the store's
     * projection state, written in the same atomic step that records its events, so it runs
     * exactly once per event with no job row. Use handlers for effects. See {@link ProjectionDefinition}.
     */
    project<K extends keyof TEvents & string>(name: string, definition: ProjectionDefinition<TEvents, K>): this;
    /** Reads a registered projection's committed state. */
    projection(name: string): ProjectionReader;
    /** Runs `service` alongside the worker (attach before `start()`). */
    attach(service: WorkerService): this;
    /**
     * Defines a durable task kind (before `start()`): work that is not a chain event's handler,
     * such as a webhook delivery, run as a job of the worker's queue with its retries, dead
     * letters and redrive. Define it on every replica.
     */
    task<TPayload extends JsonValue = JsonValue>(name: string, run: TaskFunction<TPayload>, options?: TaskOptions): this;
    /**
     * Enqueues a task defined with {@link Worker.task}. `id` makes it idempotent: a second
     * enqueue with the same id does nothing (`created: false`).
     */
    enqueueTask(name: string, input: EnqueueTaskInput): Promise<{ readonly created: boolean; readonly jobId: string }>;
    /** Starts the election (ingestion when leader), the job runner and the attached services. */
    start(): Promise<void>;
    /** Graceful stop: stops intake, drains in-flight jobs, releases the leader lease. Idempotent. */
    stop(): Promise<void>;
    /** Status: role, cursor, lag, queue depths, dead letters. */
    status(): Promise<WorkerStatus>;
    /** Health check. */
    health(): Promise<WorkerHealth>;
    /** Dead letters of the worker's queue. */
    readonly deadLetters: {
        /** Lists dead letters, oldest first (undecodable events, truncated transactions, failed handlers). */
        list(input?: Omit<ListDeadLettersInput, 'queue'>): Promise<JobRecord[]>;
        /** One dead letter with its payload and last error, or null. */
        inspect(id: string): Promise<JobRecord | null>;
        /** Puts a dead letter back in the queue (at `runAt`, default now); null when not found. */
        redrive(id: string, options?: { runAt?: number }): Promise<JobRecord | null>;
    };
    /** Re-runs handlers for inbox events from a slot or signature. */
    replay(input: ReplayInput): Promise<{ events: number; jobs: number }>;
    /**
     * Records the events of transactions another source delivered (a webhook, a Geyser stream,
     * an archive), with one batch of store calls, and enqueues their handlers' jobs. Idempotent:
     * the worker's own ingestion finds the same events and does nothing more, and the finality
     * tracker (on the leader) finalizes or retracts them like any other.
     */
    ingestTransactions(transactions: readonly ObservedTransaction[]): Promise<{ events: number; truncated: number }>;
    /** Stops gracefully on SIGTERM / SIGINT; returns a function that removes the listeners. */
    installSignalHandlers(signals?: readonly NodeJS.Signals[]): () => void;
    /**
     * Keeps records from retention: effects and audit entries that something depends on (an
     * effect ledger that must stay complete, audit entries that carry state). Call before
     * `start()`; several calls add up.
     */
    retain(keep: RetentionKeep): this;
    /**
     * Runs one retention pass now, on any replica (the leader runs them on its own timer), with
     * the worker's policy; rejects when retention is off.
     */
    prune(): Promise<RetentionPassResult>;
}

/**
 * A durable task's function: it receives the payload it was enqueued with; a throw retries the
 * job (an `UnrecoverableError` dead-letters it at once).
 *
 * @example
 * ```ts
 * const deliver: TaskFunction<{ url: string }> = async ({ payload, signal }) => { await fetch(payload.url, { signal }); };
 * ```
 */
export type TaskFunction<TPayload extends JsonValue = JsonValue> = (context: {
    /** The payload given to `enqueueTask`. */
    readonly payload: TPayload;
    /** The task's id (as given to `enqueueTask`). */
    readonly id: string;
    /** The attempt number (from 1). */
    readonly attempt: number;
    /** Aborted when the job's lease is lost or the worker stops. */
    readonly signal: AbortSignal;
}) => Promise<void>;

/**
 * Options of {@link Worker.task}.
 *
 * @example
 * ```ts
 * worker.task('notify', deliver, { maxAttempts: 10 });
 * ```
 */
export interface TaskOptions {
    /** Attempts before the task becomes a dead letter (default: the worker's retry policy). */
    readonly maxAttempts?: number;
}

/**
 * Input of {@link Worker.enqueueTask}.
 *
 * @example
 * ```ts
 * await worker.enqueueTask('notify', { id: `winner:${raffle}`, payload: { raffle } });
 * ```
 */
export interface EnqueueTaskInput {
    /** The idempotency id (at most 400 characters). */
    readonly id: string;
    /** The task's input (JSON). */
    readonly payload: JsonValue;
    /** The earliest time it may run (ms; default now). */
    readonly runAt?: number;
}
