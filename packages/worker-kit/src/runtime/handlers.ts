/**
 * Handler registration and the jobs that deliver events to handlers. A handler's job id is the
 * event id + the handler name (+ the delivery kind): the same event never produces two jobs for
 * one handler, whichever replica or path (live, backfill, replay of the inbox) saw it first.
 *
 * @packageDocumentation
 */
import type { EventKey, JsonValue } from '../store/types';
import { eventId } from '../core/identity';
import { eventUnknown, handlerDuplicate, workerConfigInvalid } from '../core/errors';
import type { EffectFunction } from './effect';
import { readJobPayload } from './job-registry';

/**
 * The commitment at which a handler wants its events.
 *
 * @example
 * ```ts
 * const commitment: HandlerCommitment = 'finalized';
 * ```
 */
export type HandlerCommitment = 'confirmed' | 'finalized';

/**
 * Why a handler runs: the first delivery, or a later notice about the same event.
 *
 * @example
 * ```ts
 * if (ctx.kind === ('retracted' satisfies DeliveryKind)) await undo(ctx.event.id);
 * ```
 */
export type DeliveryKind = 'deliver' | 'finalized' | 'retracted';

/** Every {@link DeliveryKind}. */
const DELIVERY_KINDS: readonly DeliveryKind[] = ['deliver', 'finalized', 'retracted'];

/**
 * An event as a handler receives it: decoded with the program's table (bigints intact).
 *
 * @example
 * ```ts
 * const e: DeliveredEvent<'ThresholdReached', ThresholdReachedEvent> = ctx.event;
 * console.log(e.id, e.slot, e.data.raffle);
 * ```
 */
export interface DeliveredEvent<TName extends string = string, TData = unknown> extends EventKey {
    /** `<signature>:<instructionIndex>:<eventIndex>`. */
    readonly id: string;
    /** The event's name. */
    readonly name: TName;
    /** The decoded event. */
    readonly data: TData;
    /** Its slot. */
    readonly slot: bigint;
}

/**
 * What a handler receives. Only what it needs: the event, why it runs, an abort signal and the
 * idempotent {@link EffectFunction}.
 *
 * @example
 * ```ts
 * const handler: EventHandler<'ThresholdReached', ThresholdReachedEvent> = async ({ event, effect }) => {
 *     await effect(`draw:${event.data.raffle}`, { raffle: event.data.raffle }, ({ recordSent }) => requestDraw(event.data.raffle, recordSent));
 * };
 * ```
 */
export interface HandlerContext<TName extends string = string, TData = unknown> {
    /** The event. */
    readonly event: DeliveredEvent<TName, TData>;
    /** `deliver` (first delivery at the handler's commitment), `finalized` or `retracted` (later notices). */
    readonly kind: DeliveryKind;
    /** The attempt number (durable attempts, from 1). */
    readonly attempt: number;
    /** Aborted on shutdown after the drain timeout: stop and throw. */
    readonly signal: AbortSignal;
    /** Runs an effect once per key (see {@link EffectFunction}); refuses for a retracted event. */
    readonly effect: EffectFunction;
}

/**
 * A handler. Throw to retry; throw an `UnrecoverableError` to dead-letter at once.
 *
 * @example
 * ```ts
 * const onJoin: EventHandler<'TicketsPurchased', TicketsPurchasedEvent> = async ({ event }) => index(event.data);
 * ```
 */
export type EventHandler<TName extends string = string, TData = unknown> = (context: HandlerContext<TName, TData>) => Promise<void> | void;

/**
 * Options of a handler.
 *
 * @example
 * ```ts
 * worker.handle('ThresholdReached', 'draw', draw, { commitment: 'finalized', maxAttempts: 10 });
 * ```
 */
export interface HandlerOptions<TName extends string = string, TData = unknown> {
    /** Deliver at `confirmed` (default; fast, may be retracted) or `finalized`. */
    readonly commitment?: HandlerCommitment;
    /** For `confirmed` handlers: called when the event became finalized. */
    readonly onFinalized?: EventHandler<TName, TData>;
    /** For `confirmed` handlers: called when the event was retracted by a fork (undo what is undoable). */
    readonly onRetracted?: EventHandler<TName, TData>;
    /** Durable attempts of this handler's jobs (default: the worker's retry policy). */
    readonly maxAttempts?: number;
}

/** A registered handler. @internal */
export interface RegisteredHandler {
    readonly eventName: string;
    readonly handlerName: string;
    /** {@link handlerJobName} of the two. */
    readonly jobName: string;
    readonly run: EventHandler<string, unknown>;
    readonly commitment: HandlerCommitment;
    readonly onFinalized: EventHandler<string, unknown> | null;
    readonly onRetracted: EventHandler<string, unknown> | null;
    readonly maxAttempts: number | null;
}

/**
 * The payload of a handler job (JSON): which delivery of which event to which handler. The
 * runner reads the event's raw payload from the inbox (where it also checks that the event was
 * not retracted) and decodes it again, so handlers get typed data (bigints intact); the payload
 * itself stays small. Jobs written before version 2 also carried `raw`.
 *
 * @example
 * ```ts
 * const payload: HandlerJobPayload = { v: 2, kind: 'deliver', eventName: 'ThresholdReached', handler: 'draw', signature, instructionIndex: 0, eventIndex: 0, slot: '1234' };
 * ```
 */
export interface HandlerJobPayload {
    readonly v: 2;
    readonly kind: DeliveryKind;
    readonly eventName: string;
    readonly handler: string;
    readonly signature: string;
    readonly instructionIndex: number;
    readonly eventIndex: number;
    readonly slot: string;
}

/**
 * The job name of a handler: `handler:<Event>:<handler>`.
 *
 * @param eventName - the event
 * @param handlerName - the handler
 * @returns the job name
 * @example
 * ```ts
 * handlerJobName('ThresholdReached', 'draw'); // 'handler:ThresholdReached:draw'
 * ```
 */
export function handlerJobName(eventName: string, handlerName: string): string {
    return `handler:${eventName}:${handlerName}`;
}

/**
 * The deterministic job id (= idempotency key) of one delivery of an event to a handler.
 *
 * @param key - the event
 * @param handlerName - the handler
 * @param kind - the delivery kind
 * @param replay - a replay generation: replays re-run handlers under new job ids
 * @returns the id
 * @example
 * ```ts
 * handlerJobId(key, 'draw', 'deliver'); // '<sig>:0:0:draw'
 * ```
 */
export function handlerJobId(key: EventKey, handlerName: string, kind: DeliveryKind, replay?: string): string {
    const base = `${eventId(key)}:${handlerName}`;
    const withKind = kind === 'deliver' ? base : `${base}:${kind}`;
    return replay === undefined ? withKind : `${withKind}:replay:${replay}`;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The handlers of a worker, per event name.
 *
 * @example
 * ```ts
 * const registry = createHandlerRegistry(['ThresholdReached']);
 * registry.add('ThresholdReached', 'draw', handler, {});
 * ```
 */
export interface HandlerRegistry {
    /** Adds a handler; returns it as registered. */
    add(eventName: string, handlerName: string, run: EventHandler<string, unknown>, options: HandlerOptions<string, unknown>): RegisteredHandler;
    /** The handlers of an event. */
    forEvent(eventName: string): readonly RegisteredHandler[];
}

/**
 * Creates a {@link HandlerRegistry} that accepts only the given event names.
 *
 * @param eventNames - the decoder table's names
 * @returns the registry
 * @example
 * ```ts
 * const registry = createHandlerRegistry(decoder.names);
 * ```
 */
export function createHandlerRegistry(eventNames: readonly string[]): HandlerRegistry {
    const byEvent = new Map<string, RegisteredHandler[]>();
    return {
        add(eventName, handlerName, run, options) {
            if (!eventNames.includes(eventName)) throw eventUnknown(eventName, eventNames);
            if (!NAME.test(handlerName)) throw workerConfigInvalid('handlerName', 'use 1-64 characters among A-Z a-z 0-9 _ . - (it is part of job ids)');
            if (typeof run !== 'function') throw workerConfigInvalid('handler', 'must be a function');
            const list = byEvent.get(eventName) ?? [];
            if (list.some(h => h.handlerName === handlerName)) throw handlerDuplicate(eventName, handlerName);
            const commitment = options.commitment ?? 'confirmed';
            if (commitment !== 'confirmed' && commitment !== 'finalized') throw workerConfigInvalid('commitment', "must be 'confirmed' or 'finalized'");
            const registered: RegisteredHandler = {
                eventName,
                handlerName,
                jobName: handlerJobName(eventName, handlerName),
                run,
                commitment,
                onFinalized: options.onFinalized ?? null,
                onRetracted: options.onRetracted ?? null,
                maxAttempts: options.maxAttempts ?? null,
            };
            list.push(registered);
            byEvent.set(eventName, list);
            return registered;
        },
        forEvent: eventName => byEvent.get(eventName) ?? [],
    };
}

/** One job to enqueue for an event at some commitment transition. @internal */
export interface PlannedJob {
    readonly handler: RegisteredHandler;
    readonly kind: DeliveryKind;
}

/**
 * Which jobs an event needs when it reaches a commitment: at `confirmed`, the first delivery to
 * confirmed handlers; at `finalized`, the first delivery to finalized handlers plus the
 * `finalized` notice to confirmed handlers that asked for it (and, when the event was never
 * seen confirmed, the confirmed handlers' first delivery too); at `retracted`, the notice to
 * confirmed handlers that asked for it. Deterministic job ids make repeats harmless.
 *
 * @param handlers - the event's handlers
 * @param commitment - the state reached
 * @returns the jobs to enqueue
 * @example
 * ```ts
 * for (const { handler, kind } of planDeliveries(registry.forEvent(name), 'finalized')) enqueue(handler, kind);
 * ```
 */
export function planDeliveries(handlers: readonly RegisteredHandler[], commitment: 'confirmed' | 'finalized' | 'retracted'): PlannedJob[] {
    const jobs: PlannedJob[] = [];
    for (const handler of handlers) {
        if (commitment === 'confirmed') {
            if (handler.commitment === 'confirmed') jobs.push({ handler, kind: 'deliver' });
        } else if (commitment === 'finalized') {
            jobs.push({ handler, kind: 'deliver' });
            if (handler.commitment === 'confirmed' && handler.onFinalized) jobs.push({ handler, kind: 'finalized' });
        } else if (handler.commitment === 'confirmed' && handler.onRetracted) {
            jobs.push({ handler, kind: 'retracted' });
        }
    }
    return jobs;
}

/** Builds the JSON payload of a handler job. @internal */
export function handlerJobPayload(input: Omit<HandlerJobPayload, 'v'>): JsonValue {
    return {
        v: 2,
        kind: input.kind,
        eventName: input.eventName,
        handler: input.handler,
        signature: input.signature,
        instructionIndex: input.instructionIndex,
        eventIndex: input.eventIndex,
        slot: input.slot,
    } satisfies HandlerJobPayload;
}

/**
 * A handler job's payload as stored: version 2, or version 1, which also carried the event's
 * raw payload (`raw`, null in version 2).
 *
 * @internal
 */
export interface StoredHandlerJobPayload extends Omit<HandlerJobPayload, 'v'> {
    readonly v: 1 | 2;
    readonly raw: string | null;
}

/**
 * Reads a handler job's stored payload (either version).
 *
 * @internal
 * @param payload - the payload as stored
 * @returns the typed payload
 * @throws an UnrecoverableError when it is not a handler job's payload
 * @example
 * ```ts
 * const { eventName, handler, kind } = decodeHandlerJobPayload(job.payload);
 * ```
 */
export function decodeHandlerJobPayload(payload: JsonValue): StoredHandlerJobPayload {
    const p = readJobPayload(payload, 'handler');
    return {
        v: p.oneOf('v', [1, 2] as const),
        kind: p.oneOf('kind', DELIVERY_KINDS),
        eventName: p.string('eventName'),
        handler: p.string('handler'),
        signature: p.string('signature'),
        instructionIndex: p.integer('instructionIndex'),
        eventIndex: p.integer('eventIndex'),
        slot: p.string('slot'),
        raw: p.optionalString('raw'),
    };
}
