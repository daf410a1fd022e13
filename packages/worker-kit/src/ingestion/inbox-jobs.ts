/**
 * The context of the inbox functions and the handler jobs an event needs: shared by the inbox
 * step (`inbox.ts`) and its plan (`inbox-step.ts`).
 *
 * @internal
 */
import type { EnqueueJobInput, EventInbox, InboxEvent, JobQueue, JobRecord } from '../store/types';
import type { WorkerEmitter } from '../core/events';
import type { ProjectionRegistryInternal } from '../projections/engine';
import type { ProjectionStore } from '../store/types';
import { handlerJobId, handlerJobPayload, type HandlerRegistry, planDeliveries } from '../runtime/handlers';
import type { EventDecoder } from './decoder';

/** The context of the inbox functions. */
export interface InboxContext {
    readonly store: Pick<EventInbox, 'getEvent'> & Pick<JobQueue, 'enqueueJobs'> & Pick<ProjectionStore, 'recordEventsWith' | 'setEventCommitmentsWith'>;
    readonly decoder: Pick<EventDecoder, 'decode'>;
    readonly handlers: HandlerRegistry;
    readonly events: WorkerEmitter;
    /** The jobs' queue. */
    readonly queue: string;
    /** Default durable attempts of a job. */
    readonly maxAttempts: number;
    /** Called after jobs were enqueued (wakes the job runner). */
    readonly onEnqueued?: () => void;
    /** This replica's runner, to run the jobs it enqueues itself when it has room (see {@link JobDispatch}). */
    readonly dispatch?: JobDispatch;
    /** Store the decoded fields beside the raw payload (default true). */
    readonly storeFields?: boolean;
    /** The worker's batch projections, written in the steps that record or move their events. */
    readonly projections?: ProjectionRegistryInternal;
}

/**
 * Direct dispatch: when this replica's runner has free slots and no backlog, the jobs of events it
 * has just recorded are enqueued already claimed under its lease (`enqueueJobs` with `lease`) and
 * handed to it with their event, instead of waiting in the queue for a claim and reading the
 * event back. The guarantees are a claim's: the job exists, leased, before its handler runs.
 */
export interface JobDispatch {
    /** The runner's owner id. */
    readonly owner: string;
    /** The runner's lease length. */
    readonly leaseMs: number;
    /** Takes up to `n` slots; returns how many. */
    reserve(n: number): number;
    /** Runs a job created claimed, with the event it was made for. */
    adopt(job: JobRecord, event: InboxEvent): void;
    /** Returns unused slots. */
    unreserve(n: number): void;
}

/** Reads the raw payload back from an inbox event. @internal */
export function rawOf(event: InboxEvent): string | null {
    const data = event.data as { raw?: unknown } | null;
    return data !== null && typeof data === 'object' && typeof data.raw === 'string' ? data.raw : null;
}

/** The handler jobs an event needs at its current commitment. */
export function deliveryJobs(ctx: InboxContext, event: InboxEvent, replay: string | undefined): EnqueueJobInput[] {
    if (event.commitment === 'seen') return [];
    const raw = rawOf(event);
    if (raw === null) return [];
    const jobs: EnqueueJobInput[] = [];
    for (const { handler, kind } of planDeliveries(ctx.handlers.forEvent(event.name), event.commitment)) {
        if (replay !== undefined && kind !== 'deliver') continue;
        jobs.push({
            id: handlerJobId(event, handler.handlerName, kind, replay),
            queue: ctx.queue,
            name: handler.jobName,
            maxAttempts: handler.maxAttempts ?? ctx.maxAttempts,
            payload: handlerJobPayload({
                kind,
                eventName: event.name,
                handler: handler.handlerName,
                signature: event.signature,
                instructionIndex: event.instructionIndex,
                eventIndex: event.eventIndex,
                slot: event.slot.toString(),
            }),
        });
    }
    return jobs;
}

