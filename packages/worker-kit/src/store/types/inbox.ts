/**
 * The inbox concern: observed events, deduplicated by key, with their commitment state.
 *
 * @packageDocumentation
 */
import type { ClockOptions, JsonValue, MAX_BATCH_SIZE } from './common';

/**
 * How final an observed event is. Moves only forward (`seen` -> `confirmed` -> `finalized`) or
 * to `retracted` (its transaction was dropped by a fork before finalization). `finalized` and
 * `retracted` are terminal.
 */
export type CommitmentState = 'seen' | 'confirmed' | 'finalized' | 'retracted';

/**
 * Every commitment state, in order.
 *
 * @example
 * ```ts
 * const open = COMMITMENT_STATES.slice(0, 2); // ['seen', 'confirmed']
 * ```
 */
export const COMMITMENT_STATES: readonly CommitmentState[] = Object.freeze(['seen', 'confirmed', 'finalized', 'retracted']);

/** Identifies one emitted event: its transaction, instruction and position in that instruction. */
export interface EventKey {
    /** The transaction signature (base58). */
    readonly signature: string;
    /** The index of the (outer) instruction that emitted the event. */
    readonly instructionIndex: number;
    /** The index of the event among the events of that instruction. */
    readonly eventIndex: number;
}

/** One event to record with {@link EventInbox.recordEvents}. */
export interface RecordEventInput extends EventKey, ClockOptions {
    /** The slot of the transaction. */
    slot: bigint;
    /** The event's name, e.g. `ThresholdReached`. */
    name: string;
    /** The decoded event as JSON (bigints as strings). */
    data: JsonValue;
    /** The commitment at which it was observed; `seen` when omitted. Must not be `retracted`. */
    commitment?: Exclude<CommitmentState, 'retracted'>;
}

/** One event in the inbox. */
export interface InboxEvent extends EventKey {
    /** The slot of the transaction. */
    readonly slot: bigint;
    /** The event's name. */
    readonly name: string;
    /** The decoded event. */
    readonly data: JsonValue;
    /** Its current commitment state. */
    readonly commitment: CommitmentState;
    /** When it was first recorded (ms). */
    readonly receivedAt: number;
    /** When its commitment last changed (ms). */
    readonly updatedAt: number;
}

/** One result of {@link EventInbox.recordEvents}. */
export interface RecordEventResult {
    /** True when the event was new; false when it was already in the inbox (it is then unchanged). */
    readonly inserted: boolean;
    /**
     * Present (true) when the event is not in the inbox because retention pruned it: its slot is
     * at or below the inbox watermark (raised by the retention concern's `pruneEvents`). `inserted` is then
     * false and `event` is the input as it would have been stored.
     */
    readonly pruned?: true;
    /** The stored event (the earlier one when `inserted` is false). */
    readonly event: InboxEvent;
}

/** Input of {@link EventInbox.setEventCommitment}. */
export interface SetEventCommitmentInput extends EventKey, ClockOptions {
    /** The new state; ignored when it would move the event backwards. */
    commitment: CommitmentState;
}

/** Result of {@link EventInbox.setEventCommitment}. */
export interface SetEventCommitmentResult {
    /** True when the state changed. */
    readonly changed: boolean;
    /** The event after the call, or null when it is not in the inbox. */
    readonly event: InboxEvent | null;
}

/** Filter of {@link EventInbox.listEvents}. */
export interface ListEventsInput {
    /** Only events in one of these states; every state when omitted. */
    commitments?: readonly CommitmentState[];
    /** Only events at or after this slot. */
    minSlot?: bigint;
    /** Only events at or before this slot. */
    maxSlot?: bigint;
    /** At most this many (default 100, at most 1000). */
    limit?: number;
}

/**
 * The event inbox: every observed event once (unique per signature, instruction index and event
 * index), with how final it is.
 *
 * @example
 * ```ts
 * const [{ inserted }] = await store.recordEvents([{ signature, instructionIndex: 0, eventIndex: 0, slot: 5n, name: 'ThresholdReached', data: {} }]);
 * await store.setEventCommitment({ signature, instructionIndex: 0, eventIndex: 0, commitment: 'finalized' });
 * ```
 */
export interface EventInbox {
    /**
     * Inserts each event if its key is absent, in one round trip; a duplicate never changes the
     * stored event. Within one batch the first occurrence of a key wins (later ones report
     * `inserted: false`). Each insert is atomic; the batch as a whole need not be.
     * @param inputs - at most {@link MAX_BATCH_SIZE} events
     * @returns one result per input, in input order
     */
    recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]>;
    /**
     * Reads one event.
     * @param key - the event's key
     * @returns the event, or null
     */
    getEvent(key: EventKey): Promise<InboxEvent | null>;
    /**
     * Reads many events in one round trip.
     * @param keys - at most {@link MAX_BATCH_SIZE} keys
     * @returns one entry per key, in input order: the event or null
     */
    getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]>;
    /**
     * Moves an event's commitment forward (or to `retracted`); a backward move or a move out
     * of a terminal state changes nothing.
     * @param input - the key and the new state
     * @returns whether it changed, and the event
     */
    setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult>;
    /**
     * Lists events ordered by slot, signature, instruction index and event index.
     * @param input - filters
     * @returns the events
     */
    listEvents(input?: ListEventsInput): Promise<InboxEvent[]>;
}
