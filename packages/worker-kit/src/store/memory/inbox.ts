/**
 * The event inbox of the in-memory store.
 *
 * @internal
 */
import {
    type CheckedEvent,
    checkBatch,
    checkCommitment,
    checkEventKey,
    checkLimit,
    checkRecordEvent,
    checkU64,
    commitmentMoveAllowed,
    eventMapKey,
    freezeJson,
} from '../internal';
import type {
    EventInbox,
    EventKey,
    InboxEvent,
    JsonValue,
    ListEventsInput,
    RecordEventInput,
    RecordEventResult,
    SetEventCommitmentInput,
    SetEventCommitmentResult,
} from '../types';
import { type MemoryState, type Stored, assertOpen, compareText, nowOf } from './state';

/** A caller's copy of a stored event (its JSON data is frozen and shared). */
export function copyEvent(e: Stored<InboxEvent>): InboxEvent {
    return {
        signature: e.signature,
        instructionIndex: e.instructionIndex,
        eventIndex: e.eventIndex,
        slot: e.slot,
        name: e.name,
        data: e.data,
        commitment: e.commitment,
        receivedAt: e.receivedAt,
        updatedAt: e.updatedAt,
    };
}

/** Whether retention pruned the slot: an event there that is not in the inbox is never inserted. */
export function belowWatermark(state: MemoryState, slot: bigint): boolean {
    return state.prunedThroughSlot !== null && slot <= state.prunedThroughSlot;
}

/**
 * Inserts a checked event unless its key exists (then returns the stored one) or retention
 * pruned its slot (then reports it `pruned`).
 */
export function insertEvent(state: MemoryState, checked: CheckedEvent<JsonValue>, now: number): RecordEventResult {
    const id = eventMapKey(checked);
    const existing = state.events.get(id);
    if (existing) return { inserted: false, event: copyEvent(existing) };
    // A literal with every field (not a spread): one object shape for every stored event.
    const e: Stored<InboxEvent> = {
        signature: checked.signature,
        instructionIndex: checked.instructionIndex,
        eventIndex: checked.eventIndex,
        slot: checked.slot,
        name: checked.name,
        data: checked.data,
        commitment: checked.commitment,
        receivedAt: now,
        updatedAt: now,
    };
    if (belowWatermark(state, e.slot)) return { inserted: false, pruned: true, event: e };
    state.events.set(id, e);
    return { inserted: true, event: copyEvent(e) };
}

/**
 * The {@link EventInbox} over the store's data.
 *
 * @param state - the store's data
 * @returns the inbox operations
 */
export function memoryEventInbox(state: MemoryState): EventInbox {
    const read = (key: EventKey): InboxEvent | null => {
        const e = state.events.get(eventMapKey(key));
        return e ? copyEvent(e) : null;
    };
    return {
        async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
            assertOpen(state);
            // Validate every input before writing any.
            const checked = checkBatch('inputs', inputs).map(input => ({ event: checkRecordEvent(input, freezeJson), now: nowOf(state, input.now) }));
            return checked.map(c => insertEvent(state, c.event, c.now));
        },

        async getEvent(key: EventKey): Promise<InboxEvent | null> {
            assertOpen(state);
            checkEventKey(key);
            return read(key);
        },

        async getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> {
            assertOpen(state);
            checkBatch('keys', keys).forEach(checkEventKey);
            return keys.map(read);
        },

        async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
            assertOpen(state);
            checkEventKey(input);
            const to = checkCommitment(input.commitment, true);
            const now = nowOf(state, input.now);
            const e = state.events.get(eventMapKey(input));
            if (!e) return { changed: false, event: null };
            if (!commitmentMoveAllowed(e.commitment, to)) return { changed: false, event: copyEvent(e) };
            e.commitment = to;
            e.updatedAt = now;
            return { changed: true, event: copyEvent(e) };
        },

        async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
            assertOpen(state);
            const limit = checkLimit(input.limit);
            const states = input.commitments ? new Set(input.commitments.map(c => checkCommitment(c, true))) : null;
            const min = input.minSlot === undefined ? null : checkU64('minSlot', input.minSlot);
            const max = input.maxSlot === undefined ? null : checkU64('maxSlot', input.maxSlot);
            const out = [...state.events.values()].filter(
                e => (!states || states.has(e.commitment)) && (min === null || e.slot >= min) && (max === null || e.slot <= max),
            );
            out.sort(
                (a, b) =>
                    (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0) ||
                    compareText(a.signature, b.signature) ||
                    a.instructionIndex - b.instructionIndex ||
                    a.eventIndex - b.eventIndex,
            );
            return out.slice(0, limit).map(copyEvent);
        },
    };
}
