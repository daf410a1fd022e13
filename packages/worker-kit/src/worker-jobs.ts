/**
 * The job kinds `createWorker` defines in its job registry for handlers and tasks (ingestion's
 * dead letters have theirs in `ingestion/dead-letter-jobs.ts`): one kind per handler, named
 * `handler:<Event>:<handler>`, which reads the event from the inbox, decodes it and delivers it
 * with `effect`; and one per task, named `task:<name>`. These names and the job ids
 * (`<event id>:<handler>[:<kind>]`, `task:<name>:<id>`) are stored: they never change.
 *
 * @packageDocumentation
 */
import { eventRetracted, UnrecoverableError } from './core/errors';
import { emitSafely, type WorkerEmitter } from './core/events';
import { eventId } from './core/identity';
import type { DecodeResult, EventDecoder } from './ingestion/decoder';
import { rawOf } from './ingestion/inbox';
import { createBatcher } from './runtime/batcher';
import { type EffectDependencies, type EffectFunction, runEffect } from './runtime/effect';
import { type DeliveredEvent, decodeHandlerJobPayload, type RegisteredHandler, type StoredHandlerJobPayload } from './runtime/handlers';
import type { JobKind } from './runtime/job-registry';
import { type EventKey, type InboxEvent, type JsonValue, MAX_BATCH_SIZE, type WorkerStore } from './store/types';
import type { TaskFunction } from './worker-types';

/** Decodings of recent observations kept for the handler jobs that follow them. */
const MAX_REMEMBERED_DECODINGS = 10_000;

/** The context of {@link createHandlerJobs}. */
export interface HandlerJobsContext {
    readonly store: Pick<WorkerStore, 'getEvent' | 'getEvents'> & EffectDependencies['store'];
    readonly rpc: EffectDependencies['rpc'];
    readonly events: WorkerEmitter;
    /** The program's decoder table. */
    readonly decoder: Pick<EventDecoder, 'decode'>;
}

/**
 * The handler jobs of a worker.
 *
 * @example
 * ```ts
 * const handlerJobs = createHandlerJobs({ store, rpc, events, decoder });
 * jobs.define(registered.jobName, handlerJobs.kind(registered));
 * ```
 */
export interface HandlerJobs {
    /**
     * The decoder ingestion records with. An event recorded by this process is usually handled
     * by it moments later: its first handler job takes the decoding done at ingestion instead of
     * decoding again (each decoding is handed to one consumer only, so handlers never share a
     * mutable object).
     */
    readonly decoder: Pick<EventDecoder, 'decode'>;
    /** Hands over the event of a job this replica enqueued claimed (direct dispatch), so that its first attempt does not read it back. */
    handOver(jobId: string, event: InboxEvent): void;
    /** Drops what was handed over for a job that will not run here. */
    forget(jobId: string): void;
    /** The job kind delivering events to `handler`. */
    kind(handler: RegisteredHandler): JobKind<StoredHandlerJobPayload>;
}

/**
 * Creates the handler jobs of a worker.
 *
 * @param ctx - store, RPC, events and the decoder table
 * @returns the handler jobs
 * @example
 * ```ts
 * const handlerJobs = createHandlerJobs({ store, rpc, events, decoder: createEventDecoder(RWA_RAFFLE_EVENTS) });
 * ```
 */
export function createHandlerJobs(ctx: HandlerJobsContext): HandlerJobs {
    const { store, rpc, events } = ctx;
    const recentlyDecoded = new Map<string, DecodeResult>();
    const handedOver = new Map<string, InboxEvent>();
    // Jobs that start in the same turn read their events with one store call.
    const readEvent = createBatcher((keys: EventKey[]) => store.getEvents(keys), MAX_BATCH_SIZE);

    /** The decoding for a handler: the ingestion's one when still there (taken), else a fresh one. */
    function decodeForHandler(raw: string): DecodeResult {
        const cached = recentlyDecoded.get(raw);
        if (cached === undefined) return ctx.decoder.decode(raw);
        recentlyDecoded.delete(raw);
        return cached;
    }

    /** The effect function of one job: refuses once the event is retracted. */
    function effectFor(key: EventKey, signal: () => AbortSignal): EffectFunction {
        return async (effectKey, intent, effectRun) => {
            const now = await store.getEvent(key);
            if (now?.commitment === 'retracted') throw new UnrecoverableError(eventRetracted(eventId(key)).message);
            return runEffect({ rpc, store, onResolved: info => emitSafely(events, 'effect:resolved', info) }, { key: effectKey, intent, run: effectRun, signal: signal() });
        };
    }

    return {
        decoder: {
            decode(raw) {
                const result = ctx.decoder.decode(raw);
                if (result.kind === 'decoded') {
                    recentlyDecoded.set(raw, result);
                    if (recentlyDecoded.size > MAX_REMEMBERED_DECODINGS) recentlyDecoded.delete(recentlyDecoded.keys().next().value!);
                }
                return result;
            },
        },
        handOver: (jobId, event) => void handedOver.set(jobId, event),
        forget: jobId => void handedOver.delete(jobId),
        kind: handler => ({
            decode: decodeHandlerJobPayload,
            describe: p => ({ eventId: eventId(p), handler: p.handler }),
            async run(p, job, control) {
                const key: EventKey = { signature: p.signature, instructionIndex: p.instructionIndex, eventIndex: p.eventIndex };
                // The event as this replica recorded it a moment ago (first attempt of a dispatched job), else as stored now.
                const fresh = handedOver.get(job.id);
                if (fresh) handedOver.delete(job.id);
                const stored = fresh ?? (await readEvent(key));
                // Nothing runs for a retracted event, except the retraction notice itself.
                if (stored?.commitment === 'retracted' && p.kind !== 'retracted') return;
                const raw = (stored ? rawOf(stored) : null) ?? p.raw; // version-1 jobs carried raw
                if (raw === null) throw new UnrecoverableError(`event ${eventId(key)} is not in the inbox; a handler job needs its event`);
                const decoded = decodeForHandler(raw);
                if (decoded.kind !== 'decoded') throw new UnrecoverableError(`event ${eventId(key)} no longer decodes with this decoder table`);
                const run = p.kind === 'deliver' ? handler.run : p.kind === 'finalized' ? handler.onFinalized : handler.onRetracted;
                if (!run) return;
                const event: DeliveredEvent = { ...key, id: eventId(key), name: p.eventName, data: decoded.data, slot: BigInt(p.slot) };
                await run({
                    event,
                    kind: p.kind,
                    attempt: job.attempts,
                    // The job's signal is made only if the handler reads it.
                    get signal() {
                        return control.signal;
                    },
                    effect: effectFor(key, () => control.signal),
                });
            },
        }),
    };
}

/**
 * The job name of a task kind: `task:<name>`.
 *
 * @param name - the task's name
 * @returns the job name
 * @example
 * ```ts
 * taskJobName('notify'); // 'task:notify'
 * ```
 */
export function taskJobName(name: string): string {
    return `task:${name}`;
}

/**
 * The job id of a task: `task:<name>:<id>`.
 *
 * @param name - the task's name
 * @param id - the id given to `enqueueTask`
 * @returns the job id
 * @example
 * ```ts
 * taskJobId('notify', 'winner:1'); // 'task:notify:winner:1'
 * ```
 */
export function taskJobId(name: string, id: string): string {
    return `${taskJobName(name)}:${id}`;
}

/**
 * The job kind of a task: runs `run` with the payload given to `enqueueTask`.
 *
 * @param name - the task's name
 * @param run - the task function
 * @returns the job kind
 * @example
 * ```ts
 * jobs.define(taskJobName('notify'), createTaskJobKind('notify', deliver));
 * ```
 */
export function createTaskJobKind(name: string, run: TaskFunction): JobKind<JsonValue> {
    const idPrefix = taskJobId(name, '');
    return {
        decode: payload => payload,
        async run(payload, job, control) {
            await run({
                payload,
                id: job.id.slice(idPrefix.length),
                attempt: job.attempts,
                get signal() {
                    return control.signal;
                },
            });
        },
    };
}
