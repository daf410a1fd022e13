/**
 * Recording decoded events in the store's inbox and turning commitment transitions into handler
 * jobs. Everything here is idempotent: recording is insert-if-absent, commitment moves only
 * forward, job ids are deterministic; a crash anywhere is repaired by doing it again.
 *
 * @packageDocumentation
 */
import type { EventKey, InboxEvent, JsonValue, WorkerStore } from '../store/types';
import { emitSafely, type ChainEventSummary, type WorkerEmitter } from '../runtime/events';
import {
    handlerJobId,
    handlerJobName,
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
    /** The decoded event as JSON (bigints as strings). */
    readonly fields: JsonValue;
    /** The base64 payload as logged. */
    readonly raw: string;
}

/** The context of the inbox functions. */
export interface InboxContext {
    readonly store: Pick<WorkerStore, 'recordEvent' | 'setEventCommitment' | 'enqueueJob' | 'getEvent'>;
    readonly decoder: EventDecoder;
    readonly handlers: HandlerRegistry;
    readonly events: WorkerEmitter;
    /** The jobs' queue. */
    readonly queue: string;
    /** Default durable attempts of a job. */
    readonly maxAttempts: number;
    /** Called after jobs were enqueued (wakes the job runner). */
    readonly onEnqueued?: () => void;
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

/**
 * Enqueues the handler jobs an event needs at its current commitment (idempotent).
 *
 * @param ctx - store, handlers, queue
 * @param event - the event as stored
 * @param replay - a replay generation (new job ids), or undefined
 * @returns how many jobs were created
 * @example
 * ```ts
 * await enqueueDeliveries(ctx, event);
 * ```
 */
export async function enqueueDeliveries(ctx: InboxContext, event: InboxEvent, replay?: string): Promise<number> {
    if (event.commitment === 'seen') return 0;
    const raw = rawOf(event);
    if (raw === null) return 0;
    let created = 0;
    for (const { handler, kind } of planDeliveries(ctx.handlers.forEvent(event.name), event.commitment)) {
        if (replay !== undefined && kind !== 'deliver') continue;
        const result = await ctx.store.enqueueJob({
            id: handlerJobId(event, handler.handlerName, kind, replay),
            queue: ctx.queue,
            name: handlerJobName(event.name, handler.handlerName),
            maxAttempts: handler.maxAttempts ?? ctx.maxAttempts,
            payload: handlerJobPayload({
                kind,
                eventName: event.name,
                handler: handler.handlerName,
                signature: event.signature,
                instructionIndex: event.instructionIndex,
                eventIndex: event.eventIndex,
                slot: event.slot.toString(),
                raw,
            }),
        });
        if (result.created) created++;
    }
    if (created > 0) ctx.onEnqueued?.();
    return created;
}

/**
 * Records one observed payload: decodes it, inserts the event (or upgrades its commitment) and
 * enqueues the jobs its handlers need. A payload that does not decode becomes a dead letter
 * with its raw data (a job `ingest:undecodable` with one attempt, which fails at once).
 *
 * @param ctx - the inbox context
 * @param payload - the payload and where it was found
 * @param commitment - the commitment at which it was observed
 * @param source - how it was observed
 * @returns the stored event, or null when it did not decode
 * @example
 * ```ts
 * await recordObservedEvent(ctx, { signature, instructionIndex: 0, eventIndex: 0, slot, raw }, 'confirmed', 'live');
 * ```
 */
export async function recordObservedEvent(
    ctx: InboxContext,
    payload: ObservedPayload,
    commitment: 'confirmed' | 'finalized',
    source: 'live' | 'backfill' | 'redrive',
): Promise<InboxEvent | null> {
    const decoded = ctx.decoder.decode(payload.raw);
    if (decoded.kind !== 'decoded') {
        const reason = decoded.kind === 'unknown' ? 'unknown discriminator' : `${decoded.name ?? 'payload'}: ${decoded.reason}`;
        const body: UndecodableJobPayload = {
            v: 1,
            signature: payload.signature,
            instructionIndex: payload.instructionIndex,
            eventIndex: payload.eventIndex,
            slot: payload.slot.toString(),
            raw: payload.raw,
            reason,
        };
        const { created } = await ctx.store.enqueueJob({
            id: `${eventId(payload)}:undecodable`,
            queue: ctx.queue,
            name: UNDECODABLE_JOB_NAME,
            maxAttempts: 1,
            payload: body as unknown as JsonValue,
        });
        if (created) {
            emitSafely(ctx.events, 'event:undecodable', { signature: payload.signature, instructionIndex: payload.instructionIndex, eventIndex: payload.eventIndex, reason });
            ctx.onEnqueued?.();
        }
        return null;
    }
    const data: InboxEventData = { fields: toJsonValue(decoded.data), raw: payload.raw };
    const { inserted, event: stored } = await ctx.store.recordEvent({
        signature: payload.signature,
        instructionIndex: payload.instructionIndex,
        eventIndex: payload.eventIndex,
        slot: payload.slot,
        name: decoded.name,
        data: data as unknown as JsonValue,
        commitment,
    });
    let event = stored;
    if (inserted) emitSafely(ctx.events, 'event:received', { event: summarize(event), source });
    else if (commitment === 'finalized' && event.commitment === 'confirmed') {
        const moved = await ctx.store.setEventCommitment({ ...payload, commitment: 'finalized' });
        if (moved.event) event = moved.event;
        if (moved.changed) emitSafely(ctx.events, 'event:finalized', { event: summarize(event) });
    }
    // Always (re-)enqueue: a crash between recording and enqueueing is repaired here.
    await enqueueDeliveries(ctx, event);
    return event;
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
    await enqueueDeliveries(ctx, event);
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
    const { created } = await ctx.store.enqueueJob({
        id: `${tx.signature}:truncated`,
        queue: ctx.queue,
        name: TRUNCATED_JOB_NAME,
        maxAttempts: 1,
        payload: body as unknown as JsonValue,
    });
    if (created) ctx.onEnqueued?.();
    return created;
}
