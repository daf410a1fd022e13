/**
 * Recording decoded events in the store's inbox and turning commitment transitions into handler
 * jobs. Everything here is idempotent: recording is insert-if-absent, commitment moves only
 * forward, job ids are deterministic; a crash anywhere is repaired by doing it again.
 *
 * @packageDocumentation
 */
import { type EnqueueJobInput, type EventKey, type InboxEvent, type JobRecord, type JsonValue, MAX_BATCH_SIZE, type RecordEventInput, type WorkerStore } from '../store/types';
import { emitSafely, type ChainEventSummary, type WorkerEmitter } from '../runtime/events';
import {
    handlerJobId,
    handlerJobPayload,
    type HandlerRegistry,
    planDeliveries,
    TRUNCATED_JOB_NAME,
    type TruncatedJobPayload,
    UNDECODABLE_JOB_NAME,
    type UndecodableJobPayload,
} from '../runtime/handlers';
import type { EventDecoder } from './decoder';
import { eventId, toJsonValue } from './identity';

/**
 * The `data` the engine stores in the inbox: the decoded fields as JSON, and the raw payload
 * (base64) from which handlers get the typed data again.
 *
 * @example
 * ```ts
 * const { fields, raw } = inboxEvent.data as unknown as InboxEventData;
 * ```
 */
export interface InboxEventData {
    /** The decoded event as JSON (bigints as strings); absent when the worker runs with `storeDecodedFields: false`. */
    readonly fields?: JsonValue;
    /** The base64 payload as logged. */
    readonly raw: string;
}

/** The context of the inbox functions. */
export interface InboxContext {
    readonly store: Pick<WorkerStore, 'recordEvents' | 'setEventCommitment' | 'enqueueJobs' | 'getEvent'>;
    readonly decoder: EventDecoder;
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

/** One payload found in a transaction, with its position. */
export interface ObservedPayload extends EventKey {
    /** The transaction's slot. */
    readonly slot: bigint;
    /** The base64 payload. */
    readonly raw: string;
}

/** Summary of an inbox event for emitted events. @internal */
export function summarize(event: InboxEvent): ChainEventSummary {
    return { id: eventId(event), name: event.name, signature: event.signature, slot: event.slot, commitment: event.commitment };
}

/** Reads the raw payload back from an inbox event. @internal */
export function rawOf(event: InboxEvent): string | null {
    const data = event.data as { raw?: unknown } | null;
    return data !== null && typeof data === 'object' && typeof data.raw === 'string' ? data.raw : null;
}

/** Runs a batch operation over any number of items, {@link MAX_BATCH_SIZE} at a time. */
async function inChunks<I, O>(items: readonly I[], run: (chunk: I[]) => Promise<O[]>): Promise<O[]> {
    const out: O[] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH_SIZE) out.push(...(await run(items.slice(i, i + MAX_BATCH_SIZE))));
    return out;
}

/** The handler jobs an event needs at its current commitment. */
function deliveryJobs(ctx: InboxContext, event: InboxEvent, replay: string | undefined): EnqueueJobInput[] {
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

/**
 * Enqueues the handler jobs events need at their current commitment (idempotent: job ids are
 * deterministic), in as few store calls as possible.
 *
 * @param ctx - store, handlers, queue
 * @param events - the events as stored
 * @param replay - a replay generation (new job ids), or undefined
 * @returns how many jobs were created
 * @example
 * ```ts
 * await enqueueDeliveries(ctx, [event]);
 * ```
 */
export async function enqueueDeliveries(ctx: InboxContext, events: readonly InboxEvent[], replay?: string): Promise<number> {
    const jobs: EnqueueJobInput[] = [];
    const eventOf: InboxEvent[] = [];
    for (const event of events) {
        for (const job of deliveryJobs(ctx, event, replay)) {
            jobs.push(job);
            eventOf.push(event);
        }
    }
    if (jobs.length === 0) return 0;
    // Replays go through the queue (they may be many); fresh deliveries run here when there is room.
    const dispatch = replay === undefined ? ctx.dispatch : undefined;
    const leased = dispatch ? dispatch.reserve(jobs.length) : 0;
    for (let i = 0; i < leased; i++) jobs[i] = { ...jobs[i]!, lease: { owner: dispatch!.owner, leaseMs: dispatch!.leaseMs } };
    let created = 0;
    let adopted = 0;
    try {
        // Chunk by chunk, so that the jobs of a chunk that was written are run even if a later one fails.
        for (let start = 0; start < jobs.length; start += MAX_BATCH_SIZE) {
            const results = await ctx.store.enqueueJobs(jobs.slice(start, start + MAX_BATCH_SIZE));
            results.forEach(({ created: isNew, job }, k) => {
                if (!isNew) return;
                created++;
                if (start + k < leased) {
                    dispatch!.adopt(job, eventOf[start + k]!);
                    adopted++;
                }
            });
        }
    } finally {
        if (leased > adopted) dispatch!.unreserve(leased - adopted);
        if (created > adopted) ctx.onEnqueued?.();
    }
    return created;
}

/** Why a payload did not decode, for its dead letter. */
function undecodableJob(ctx: InboxContext, payload: ObservedPayload, reason: string): EnqueueJobInput {
    const body: UndecodableJobPayload = {
        v: 1,
        signature: payload.signature,
        instructionIndex: payload.instructionIndex,
        eventIndex: payload.eventIndex,
        slot: payload.slot.toString(),
        raw: payload.raw,
        reason,
    };
    return { id: `${eventId(payload)}:undecodable`, queue: ctx.queue, name: UNDECODABLE_JOB_NAME, maxAttempts: 1, payload: body as unknown as JsonValue };
}

/**
 * Records observed payloads (e.g. every event of one transaction): decodes them, inserts the
 * events (or upgrades an earlier observation to `finalized`) and enqueues the jobs their
 * handlers need, with one batch call per step. A payload that does not decode becomes a dead
 * letter with its raw data (a job `ingest:undecodable` with one attempt, which fails at once).
 *
 * @param ctx - the inbox context
 * @param payloads - the payloads and where they were found
 * @param commitment - the commitment at which they were observed
 * @param source - how they were observed
 * @returns the stored events (null for a payload that did not decode), in input order
 * @example
 * ```ts
 * await recordObservedEvents(ctx, [{ signature, instructionIndex: 0, eventIndex: 0, slot, raw }], 'confirmed', 'live');
 * ```
 */
export async function recordObservedEvents(
    ctx: InboxContext,
    payloads: readonly ObservedPayload[],
    commitment: 'confirmed' | 'finalized',
    source: 'live' | 'backfill' | 'redrive',
): Promise<(InboxEvent | null)[]> {
    const out: (InboxEvent | null)[] = payloads.map(() => null);
    const toRecord: { index: number; input: RecordEventInput }[] = [];
    const letters: { payload: ObservedPayload; reason: string; job: EnqueueJobInput }[] = [];
    payloads.forEach((payload, index) => {
        const decoded = ctx.decoder.decode(payload.raw);
        if (decoded.kind !== 'decoded') {
            const reason = decoded.kind === 'unknown' ? 'unknown discriminator' : `${decoded.name ?? 'payload'}: ${decoded.reason}`;
            letters.push({ payload, reason, job: undecodableJob(ctx, payload, reason) });
            return;
        }
        const data: InboxEventData = ctx.storeFields === false ? { raw: payload.raw } : { fields: toJsonValue(decoded.data), raw: payload.raw };
        toRecord.push({
            index,
            input: {
                signature: payload.signature,
                instructionIndex: payload.instructionIndex,
                eventIndex: payload.eventIndex,
                slot: payload.slot,
                name: decoded.name,
                data: data as unknown as JsonValue,
                commitment,
            },
        });
    });
    if (letters.length > 0) {
        const results = await inChunks(letters.map(l => l.job), chunk => ctx.store.enqueueJobs(chunk));
        results.forEach((r, i) => {
            if (!r.created) return;
            const { payload, reason } = letters[i]!;
            emitSafely(ctx.events, 'event:undecodable', { signature: payload.signature, instructionIndex: payload.instructionIndex, eventIndex: payload.eventIndex, reason });
        });
        if (results.some(r => r.created)) ctx.onEnqueued?.();
    }
    const recorded = await inChunks(toRecord.map(r => r.input), chunk => ctx.store.recordEvents(chunk));
    const announce = ctx.events.listenerCount('event:received') > 0;
    for (let i = 0; i < recorded.length; i++) {
        const { inserted, event: stored } = recorded[i]!;
        let event = stored;
        if (inserted) {
            if (announce) emitSafely(ctx.events, 'event:received', { event: summarize(event), source });
        } else if (commitment === 'finalized' && event.commitment === 'confirmed') {
            const moved = await ctx.store.setEventCommitment({ ...event, commitment: 'finalized' });
            if (moved.event) event = moved.event;
            if (moved.changed) emitSafely(ctx.events, 'event:finalized', { event: summarize(event) });
        }
        out[toRecord[i]!.index] = event;
    }
    // Always (re-)enqueue: a crash between recording and enqueueing is repaired here.
    await enqueueDeliveries(ctx, out.filter((e): e is InboxEvent => e !== null));
    return out;
}

/**
 * Moves an event to `finalized` or `retracted` and enqueues the jobs that follow.
 *
 * @param ctx - the inbox context
 * @param key - the event
 * @param commitment - the new state
 * @returns the event when it changed, null otherwise
 * @example
 * ```ts
 * await transitionEvent(ctx, key, 'retracted');
 * ```
 */
export async function transitionEvent(ctx: InboxContext, key: EventKey, commitment: 'finalized' | 'retracted'): Promise<InboxEvent | null> {
    const { changed, event } = await ctx.store.setEventCommitment({
        signature: key.signature,
        instructionIndex: key.instructionIndex,
        eventIndex: key.eventIndex,
        commitment,
    });
    if (!changed || event === null) return null;
    emitSafely(ctx.events, commitment === 'finalized' ? 'event:finalized' : 'event:retracted', { event: summarize(event) });
    await enqueueDeliveries(ctx, [event]);
    return event;
}

/**
 * Dead-letters a transaction whose logs are truncated even in `getTransaction`: events after the
 * cut are lost from the logs. A redrive reads the transaction again (e.g. from a node that kept
 * complete logs) and records its events.
 *
 * @param ctx - the inbox context
 * @param tx - the transaction's signature and slot
 * @returns whether the dead letter was new
 * @example
 * ```ts
 * if (extractProgramEvents(logs, program).truncated) await recordTruncatedTransaction(ctx, { signature, slot });
 * ```
 */
export async function recordTruncatedTransaction(ctx: InboxContext, tx: { signature: string; slot: bigint }): Promise<boolean> {
    const body: TruncatedJobPayload = {
        v: 1,
        signature: tx.signature,
        slot: tx.slot.toString(),
        reason: 'the logs are truncated (Log truncated): events after the cut are missing; redrive to read the transaction again',
    };
    const [result] = await ctx.store.enqueueJobs([
        { id: `${tx.signature}:truncated`, queue: ctx.queue, name: TRUNCATED_JOB_NAME, maxAttempts: 1, payload: body as unknown as JsonValue },
    ]);
    const created = result?.created === true;
    if (created) ctx.onEnqueued?.();
    return created;
}
