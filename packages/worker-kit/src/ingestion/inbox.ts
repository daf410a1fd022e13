/**
 * Recording decoded events in the store's inbox and turning commitment transitions into handler
 * jobs. Everything here is idempotent: recording is insert-if-absent, commitment moves only
 * forward, job ids are deterministic; a crash anywhere is repaired by doing it again.
 *
 * @packageDocumentation
 */
import { type EnqueueJobInput, type EventKey, type InboxEvent, type JsonValue, MAX_BATCH_SIZE, type RecordEventInput } from '../store/types';
import { emitSafely, type ChainEventSummary } from '../core/events';
import { eventId, toJsonValue } from '../core/identity';
import { truncatedJob, undecodableJob } from './dead-letters';
import { deliveryJobs, type InboxContext } from './inbox-jobs';
import { planInboxStep } from './inbox-step';

export { rawOf, type InboxContext, type JobDispatch } from './inbox-jobs';

/**
 * The `data` the engine stores in the inbox: the decoded fields as JSON, and the raw payload
 * (base64) from which handlers get the typed data again.
 *
 * @example
 * ```ts
 * const data: InboxEventData = { fields: toJsonValue(decoded.data), raw: payload.raw };
 * ```
 */
export interface InboxEventData {
    /** The decoded event as JSON (bigints as strings); absent when the worker runs with `storeDecodedFields: false`. */
    readonly fields?: JsonValue;
    /** The base64 payload as logged. */
    readonly raw: string;
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

/** The inbox `data` of a decoded payload (see {@link InboxEventData}). */
function inboxEventData(raw: string, fields: JsonValue | undefined): JsonValue {
    if (fields === undefined) return { raw } satisfies InboxEventData;
    return { fields, raw } satisfies InboxEventData;
}

/** Runs a batch operation over any number of items, {@link MAX_BATCH_SIZE} at a time. */
async function inChunks<I, O>(items: readonly I[], run: (chunk: I[]) => Promise<O[]>): Promise<O[]> {
    const out: O[] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH_SIZE) out.push(...(await run(items.slice(i, i + MAX_BATCH_SIZE))));
    return out;
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

/**
 * Records observed payloads (e.g. every event of one transaction): decodes them and, in one
 * atomic store step per chunk, inserts the new events with the jobs their handlers need and the
 * batch projections' writes; an earlier `confirmed` observation seen again `finalized` is moved
 * the same way. A payload that does not decode becomes a dead letter with its raw data (a job
 * `ingest:undecodable` with one attempt, which fails at once). This is the single step through
 * which observed events enter the store: every source reaches it through the pipeline's sink
 * (`pipeline.ts`), and so does the redrive of an undecodable event.
 *
 * Since an event and its jobs are committed together, a duplicate needs nothing: its jobs exist.
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
    const decoded = new Map<string, unknown>();
    payloads.forEach((payload, index) => {
        const result = ctx.decoder.decode(payload.raw);
        if (result.kind !== 'decoded') {
            const reason = result.kind === 'unknown' ? 'unknown discriminator' : `${result.name ?? 'payload'}: ${result.reason}`;
            letters.push({ payload, reason, job: undecodableJob(payload, reason, ctx.queue) });
            return;
        }
        decoded.set(eventId(payload), result.data);
        toRecord.push({
            index,
            input: {
                signature: payload.signature,
                instructionIndex: payload.instructionIndex,
                eventIndex: payload.eventIndex,
                slot: payload.slot,
                name: result.name,
                data: inboxEventData(payload.raw, ctx.storeFields === false ? undefined : toJsonValue(result.data)),
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
    const announce = ctx.events.listenerCount('event:received') > 0;
    const upgrades: { index: number; event: InboxEvent }[] = [];
    for (let start = 0; start < toRecord.length; start += MAX_BATCH_SIZE) {
        const chunk = toRecord.slice(start, start + MAX_BATCH_SIZE);
        const step = planInboxStep(ctx, 'record', decoded);
        let recorded;
        try {
            recorded = await ctx.store.recordEventsWith(
                chunk.map(r => r.input),
                step.plan,
            );
        } catch (e) {
            step.abandon();
            throw e;
        }
        step.settle(recorded.jobs);
        recorded.results.forEach(({ inserted, pruned, event }, k) => {
            const index = chunk[k]!.index;
            out[index] = event;
            if (inserted) {
                if (announce) emitSafely(ctx.events, 'event:received', { event: summarize(event), source });
            } else if (!pruned && commitment === 'finalized' && event.commitment === 'confirmed') upgrades.push({ index, event });
            // A pruned event (at or below the store's watermark) was handled long ago: nothing to do.
        });
    }
    for (let start = 0; start < upgrades.length; start += MAX_BATCH_SIZE) {
        const chunk = upgrades.slice(start, start + MAX_BATCH_SIZE);
        const moved = await moveCommitments(ctx, chunk.map(u => u.event), 'finalized', decoded);
        moved.forEach((event, k) => {
            if (event) out[chunk[k]!.index] = event;
        });
    }
    return out;
}

/**
 * Moves events to `finalized` or `retracted` in one atomic step with the jobs that follow and the
 * projections' writes, and announces the moves.
 *
 * @returns per input, the event when it moved, null otherwise
 */
async function moveCommitments(ctx: InboxContext, keys: readonly EventKey[], commitment: 'finalized' | 'retracted', decoded?: ReadonlyMap<string, unknown>): Promise<(InboxEvent | null)[]> {
    const step = planInboxStep(ctx, 'transition', decoded);
    let moved;
    try {
        moved = await ctx.store.setEventCommitmentsWith(
            keys.map(k => ({ signature: k.signature, instructionIndex: k.instructionIndex, eventIndex: k.eventIndex, commitment })),
            step.plan,
        );
    } catch (e) {
        step.abandon();
        throw e;
    }
    step.settle(moved.jobs);
    return moved.results.map(({ changed, event }) => {
        if (!changed || event === null) return null;
        emitSafely(ctx.events, commitment === 'finalized' ? 'event:finalized' : 'event:retracted', { event: summarize(event) });
        return event;
    });
}

/**
 * Moves an event to `finalized` or `retracted` and, in the same atomic step, enqueues the jobs
 * that follow and writes the projections' changes.
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
    return (await moveCommitments(ctx, [key], commitment))[0] ?? null;
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
    const [result] = await ctx.store.enqueueJobs([truncatedJob(tx, ctx.queue)]);
    const created = result?.created === true;
    if (created) ctx.onEnqueued?.();
    return created;
}
