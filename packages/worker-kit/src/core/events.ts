/**
 * The typed event map of the worker's eventemitter3 instance: namespaced names, one payload
 * object per event.
 *
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';

import type { CommitmentState } from '../store/types';

/**
 * What an event payload says about a chain event.
 *
 * @example
 * ```ts
 * worker.events.on('event:retracted', ({ event }: { event: ChainEventSummary }) => log.warn(event.id));
 * ```
 */
export interface ChainEventSummary {
    /** `<signature>:<instructionIndex>:<eventIndex>`. */
    readonly id: string;
    /** The event's name. */
    readonly name: string;
    /** Its transaction. */
    readonly signature: string;
    /** Its slot. */
    readonly slot: bigint;
    /** Its commitment now. */
    readonly commitment: CommitmentState;
}

/**
 * What a job payload says about the job.
 *
 * @example
 * ```ts
 * worker.events.on('job:dead', (job: JobSummary & { error: string }) => alert(job.jobId));
 * ```
 */
export interface JobSummary {
    /** The job id (deterministic: event id + handler name + kind). */
    readonly jobId: string;
    /** The job's name (`handler:<Event>:<handler>` or `ingest:undecodable`). */
    readonly name: string;
    /** The attempt number (from 1). */
    readonly attempt: number;
}

/**
 * Every event the worker emits, with its payload. Listen with `worker.events.on(name, fn)`.
 *
 * @example
 * ```ts
 * worker.events.on('handler:failed', ({ jobId, error, willRetry }) => log.warn({ jobId, willRetry }, error.message));
 * worker.events.on('lease:acquired', ({ name, token }) => log.info(`leader (${name}, token ${token})`));
 * ```
 */
export interface WorkerEvents {
    /** The worker started (intake and job execution run). */
    'worker:started': { readonly owner: string };
    /** The worker stopped; every loop ended and in-flight jobs drained. */
    'worker:stopped': { readonly owner: string; readonly abandonedJobs: number };
    /** A background loop failed; it continues after a backoff. Never fatal. */
    'worker:error': { readonly scope: 'ingestion' | 'finality' | 'jobs' | 'lease' | 'effects' | 'retention' | `service:${string}`; readonly error: Error };
    /** A new event entered the inbox. */
    'event:received': { readonly event: ChainEventSummary; readonly source: 'live' | 'backfill' | 'redrive' };
    /** An event became finalized. */
    'event:finalized': { readonly event: ChainEventSummary };
    /** An event's transaction was dropped by a fork. */
    'event:retracted': { readonly event: ChainEventSummary };
    /** A payload of the program did not decode; it was dead-lettered with its raw data. */
    'event:undecodable': { readonly signature: string; readonly instructionIndex: number; readonly eventIndex: number; readonly reason: string };
    /** A handler job completed. */
    'handler:succeeded': JobSummary & { readonly eventId: string | null; readonly handler: string | null; readonly durationMs: number };
    /** A handler job attempt failed (after its in-process retries). */
    'handler:failed': JobSummary & { readonly eventId: string | null; readonly handler: string | null; readonly error: Error; readonly willRetry: boolean };
    /** A job is retried: in process after a short backoff, or rescheduled in the store. */
    'job:retry': JobSummary & { readonly scope: 'in-process' | 'rescheduled'; readonly delayMs: number; readonly error: Error };
    /** A job became a dead letter. */
    'job:dead': JobSummary & { readonly error: string };
    /** A dead letter was put back in its queue. */
    'job:redriven': { readonly jobId: string };
    /** This replica became the ingestion leader. */
    'lease:acquired': { readonly name: string; readonly owner: string; readonly token: number };
    /** This replica lost (or gave up) the leadership. */
    'lease:lost': { readonly name: string; readonly owner: string; readonly token: number; readonly reason: 'expired' | 'taken' | 'error' };
    /** This replica released the leadership on shutdown. */
    'lease:released': { readonly name: string; readonly owner: string; readonly token: number };
    /** The live subscription is up. */
    'ingest:connected': { readonly attempt: number };
    /** The live subscription dropped; it reconnects after `delayMs` and backfills the gap. */
    'ingest:disconnected': { readonly error: Error | null; readonly attempt: number; readonly delayMs: number };
    /** A backfill pass ended. */
    'ingest:backfilled': { readonly signatures: number; readonly events: number; readonly cursorSlot: bigint | null };
    /** A transaction's logs were truncated; its events were read with `getTransaction`. */
    'ingest:truncated': { readonly signature: string };
    /** The durable cursor moved. */
    'cursor:advanced': { readonly name: string; readonly slot: bigint; readonly signature: string | null };
    /** A stored effect was resolved by checking the chain after a crash or an error. */
    'effect:resolved': { readonly key: string; readonly status: 'confirmed' | 'failed' | 'expired'; readonly signature: string | null };
    /** A retention pass deleted records (counts per kind, and the inbox watermark after it). */
    'retention:pruned': { readonly jobs: number; readonly events: number; readonly effects: number; readonly audit: number; readonly prunedThroughSlot: bigint | null };
}

/**
 * The name of a worker event.
 *
 * @example
 * ```ts
 * const name: WorkerEventKey = 'job:retry';
 * ```
 */
export type WorkerEventKey = keyof WorkerEvents;

/**
 * The worker's typed emitter: eventemitter3 with one payload object per event.
 *
 * @example
 * ```ts
 * const events = createWorkerEmitter();
 * events.on('job:dead', ({ jobId, error }) => alert(jobId, error));
 * ```
 */
export type WorkerEmitter = EventEmitter<{ [K in WorkerEventKey]: (payload: WorkerEvents[K]) => void }>;

/**
 * Creates a {@link WorkerEmitter}. A listener that throws never breaks the worker: the error is
 * swallowed by {@link emitSafely}.
 *
 * @returns an emitter
 * @example
 * ```ts
 * const events = createWorkerEmitter();
 * ```
 */
export function createWorkerEmitter(): WorkerEmitter {
    return new EventEmitter() as WorkerEmitter;
}

/**
 * Emits an event; a throwing listener is ignored (listeners are observers, never control flow).
 *
 * @param emitter - the emitter
 * @param name - the event
 * @param payload - its payload
 * @example
 * ```ts
 * emitSafely(events, 'cursor:advanced', { name, slot, signature });
 * ```
 */
export function emitSafely<K extends WorkerEventKey>(emitter: WorkerEmitter, name: K, payload: WorkerEvents[K]): void {
    try {
        (emitter.emit as (n: K, p: WorkerEvents[K]) => boolean)(name, payload);
    } catch {
        // Listener errors are the listener's problem.
    }
}

/** Normalises anything thrown into an Error. @internal */
export function asError(e: unknown): Error {
    return e instanceof Error ? e : new Error(String(e));
}

const EVENT_KEYS = {
    'worker:started': true,
    'worker:stopped': true,
    'worker:error': true,
    'event:received': true,
    'event:finalized': true,
    'event:retracted': true,
    'event:undecodable': true,
    'handler:succeeded': true,
    'handler:failed': true,
    'job:retry': true,
    'job:dead': true,
    'job:redriven': true,
    'lease:acquired': true,
    'lease:lost': true,
    'lease:released': true,
    'ingest:connected': true,
    'ingest:disconnected': true,
    'ingest:backfilled': true,
    'ingest:truncated': true,
    'cursor:advanced': true,
    'effect:resolved': true,
    'retention:pruned': true,
} satisfies Record<WorkerEventKey, true>;

/**
 * Every event name the worker emits (checked against {@link WorkerEvents} at compile time).
 *
 * @example
 * ```ts
 * for (const name of WORKER_EVENT_KEYS) worker.events.on(name, payload => log.debug({ name, payload }));
 * ```
 */
export const WORKER_EVENT_KEYS: readonly WorkerEventKey[] = Object.freeze(Object.keys(EVENT_KEYS) as WorkerEventKey[]);
