/**
 * `attachActivityFeed`: chain events written to the store's audit log, so that the activity
 * stream (`GET /events`) shows what happened on chain beside what the automations did.
 *
 * @packageDocumentation
 */
import { toJsonValue } from '../core/identity';
import { workerConfigInvalid } from '../core/errors';
import type { DeliveredEvent, EventHandler, HandlerOptions } from '../runtime/handlers';
import type { JsonValue } from '../store/types';
import type { Worker } from '../worker';

/**
 * Options of {@link attachActivityFeed}.
 *
 * @example
 * ```ts
 * const options: ActivityFeedOptions = { eventNames: Object.keys(RWA_RAFFLE_EVENTS) };
 * ```
 */
export interface ActivityFeedOptions {
    /** The events to record (names of the worker's decoder table), e.g. `Object.keys(RWA_RAFFLE_EVENTS)`. */
    readonly eventNames: readonly string[];
    /**
     * The audit subject of an event (default: `event.data.raffle` when it is a string, else
     * null). The stream's `?subject=` filter matches it.
     */
    readonly subjectOf?: (event: DeliveredEvent) => string | null;
}

/** The handler name the feed registers for each event. */
const FEED_HANDLER = 'feed';
const MAX_SUBJECT_LENGTH = 200;

function defaultSubject(event: DeliveredEvent): string | null {
    const data = event.data as { raffle?: unknown } | null;
    return data !== null && typeof data === 'object' && typeof data.raffle === 'string' ? data.raffle : null;
}

/**
 * Records every delivered event of `eventNames` in the store's audit log: for each name, a
 * `confirmed` handler named `feed` appends `{ action: 'chain:<EventName>', subject,
 * data: { eventId, signature, slot, fields } }` (bigints as decimal strings), and its retraction
 * notice appends `chain:retracted` with the same `eventId`. Register it before `worker.start()`,
 * on every replica (handlers are jobs any replica may run).
 *
 * Delivery is at least once: a crash between the append and the job's completion runs the job
 * again and appends a second entry for the same event. Consumers dedupe on `data.eventId` (with
 * the action, for `chain:retracted`).
 *
 * @param worker - a worker made by `createWorker`, not started
 * @param options - the event names and, optionally, how to find an event's subject
 * @returns the worker
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad option, or the worker's error for an
 *   unknown event name or a `feed` handler already registered
 * @example
 * ```ts
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: RWA_RAFFLE_EVENTS });
 * attachActivityFeed(worker, { eventNames: Object.keys(RWA_RAFFLE_EVENTS) });
 * await worker.start();
 * ```
 */
export function attachActivityFeed<TEvents extends Record<string, unknown>>(worker: Worker<TEvents>, options: ActivityFeedOptions): Worker<TEvents> {
    if (!worker || typeof worker !== 'object' || typeof worker.handle !== 'function') throw workerConfigInvalid('worker', 'expected a worker made by createWorker');
    if (!options || typeof options !== 'object') throw workerConfigInvalid('options', 'pass { eventNames }');
    for (const key of Object.keys(options)) {
        if (key !== 'eventNames' && key !== 'subjectOf') throw workerConfigInvalid(key, 'unknown option of attachActivityFeed');
    }
    const { eventNames, subjectOf } = options;
    if (!Array.isArray(eventNames) || eventNames.length === 0 || !eventNames.every(name => typeof name === 'string')) {
        throw workerConfigInvalid('eventNames', 'expected a non-empty array of event names');
    }
    if (new Set(eventNames).size !== eventNames.length) throw workerConfigInvalid('eventNames', 'lists a name twice');
    if (subjectOf !== undefined && typeof subjectOf !== 'function') throw workerConfigInvalid('subjectOf', 'must be a function');

    const subject = (event: DeliveredEvent): string | null => {
        const value = (subjectOf ?? defaultSubject)(event);
        return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_SUBJECT_LENGTH) : null;
    };
    const record: EventHandler<string, unknown> = async ({ event }) => {
        await worker.store.appendAudit({
            actor: worker.owner,
            action: `chain:${event.name}`,
            subject: subject(event),
            data: { eventId: event.id, signature: event.signature, slot: event.slot.toString(), fields: toJsonValue(event.data) },
        });
    };
    const retracted: EventHandler<string, unknown> = async ({ event }) => {
        const data: JsonValue = { eventId: event.id, event: event.name, signature: event.signature, slot: event.slot.toString() };
        await worker.store.appendAudit({ actor: worker.owner, action: 'chain:retracted', subject: subject(event), data });
    };
    const handlerOptions: HandlerOptions<string, unknown> = { commitment: 'confirmed', onRetracted: retracted };
    // The decoder table decides which names exist: the registry refuses unknown ones.
    const register = worker.handle as unknown as (name: string, handlerName: string, run: EventHandler<string, unknown>, o: HandlerOptions<string, unknown>) => unknown;
    for (const name of eventNames) register.call(worker, name, FEED_HANDLER, record, handlerOptions);
    return worker;
}
