/**
 * The event inbox of the SQL store: a batch insert is one statement over `unnest` of one array
 * per column; only the database's clock comes back for new events (no payload round trip).
 *
 * @internal
 */
import { backendFailed } from '../errors';
import { type CheckedEvent, bigOrNull, checkBatch, checkCommitment, checkEventKey, checkLimit, checkRecordEvent, checkU64, cloneJson, eventMapKey, num } from '../internal';
import type {
    CommitmentState,
    EventInbox,
    EventKey,
    InboxEvent,
    ListEventsInput,
    RecordEventInput,
    RecordEventResult,
    SetEventCommitmentInput,
    SetEventCommitmentResult,
} from '../types';
import type { SqlConnection, SqlRunner } from './connection';
import { toEvent } from './rows';

/** States an event may move from to reach `to` (csv). */
function commitmentSources(to: CommitmentState): string {
    switch (to) {
        case 'seen':
            return '';
        case 'confirmed':
            return 'seen';
        case 'finalized':
        case 'retracted':
            return 'seen,confirmed';
    }
}

/** Event keys as the JSON array parameter of `events-get.sql`. */
function keysJson(keys: readonly EventKey[]): string {
    const q = JSON.stringify;
    return `[${keys.map(k => `{"signature":${q(k.signature)},"instruction_index":${k.instructionIndex},"event_index":${k.eventIndex}}`).join(',')}]`;
}

/** Commitment moves as the JSON array parameter of `events-set-commitments.sql`. */
function movesJson(moves: readonly CommitmentMove[]): string {
    return JSON.stringify(
        moves.map(m => ({
            signature: m.signature,
            instruction_index: m.instructionIndex,
            event_index: m.eventIndex,
            commitment: m.commitment,
            sources: commitmentSources(m.commitment),
            now: m.now,
        })),
    );
}

/** An event checked for recording, with its time and the caller's data (copied for the result). */
export type EventToRecord = CheckedEvent & { readonly now: number | null; readonly source: unknown };

/**
 * Checks a batch of events to record (every input before any is written).
 *
 * @param db - the store's connection (its clock)
 * @param inputs - the events
 * @returns the checked events, in input order
 */
export function checkEventsToRecord(db: SqlConnection, inputs: readonly RecordEventInput[]): EventToRecord[] {
    return checkBatch('inputs', inputs).map(input => ({ ...checkRecordEvent(input), now: db.now(input.now), source: input.data }));
}

/**
 * Reads events by key.
 *
 * @param db - the store's statements
 * @param run - the connection or the step's transaction
 * @param keys - checked keys
 * @returns the stored events by {@link eventMapKey}
 */
async function readEvents(db: SqlConnection, run: SqlRunner, keys: readonly EventKey[]): Promise<Map<string, InboxEvent>> {
    if (keys.length === 0) return new Map();
    const rows = await run.query(db.sql.eventsGet, [keysJson(keys)]);
    return new Map(rows.map(r => [eventMapKey(toEvent(r)), toEvent(r)]));
}

/**
 * Inserts checked events if absent, in one statement, never one at or below the inbox watermark
 * (which the statement reads). Results follow the inputs in order, as one `recordEvents` call
 * per input would: the first insertable occurrence of a key is inserted; an occurrence whose key
 * is stored (before the batch or by an earlier occurrence) reports the stored event; an event
 * at or below the watermark that is not stored is reported `pruned`, as it would have been
 * stored. Outside a step, an event that conflicted on insert and is gone when read back was
 * deleted by a concurrent `pruneEvents` (nothing else deletes events): it is reported `pruned`
 * too.
 *
 * @param db - the store's statements
 * @param run - the connection or the step's transaction
 * @param checked - the events, from {@link checkEventsToRecord}
 * @returns one result per event, in order
 */
export async function insertEvents(db: SqlConnection, run: SqlRunner, checked: readonly EventToRecord[]): Promise<RecordEventResult[]> {
    if (checked.length === 0) return [];
    const rows = await run.query(db.sql.eventsRecord, [
        checked.map(e => e.signature),
        checked.map(e => e.instructionIndex),
        checked.map(e => e.eventIndex),
        checked.map(e => e.slot.toString()),
        checked.map(e => e.name),
        checked.map(e => e.data),
        checked.map(e => e.commitment),
        null,
        checked.map(e => e.now),
    ]);
    // The last row (null signature) carries the watermark the insert read and the statement's clock.
    const status = rows.find(r => r.signature === null);
    if (!status) throw backendFailed(db.kind, 'the event insert returned no watermark row');
    const watermark = bigOrNull(status.pruned_through_slot);
    const clock = num(status.received_at);
    const below = (e: EventToRecord): boolean => watermark !== null && e.slot <= watermark;
    const asStored = (e: EventToRecord, at: number): InboxEvent => ({
        signature: e.signature,
        instructionIndex: e.instructionIndex,
        eventIndex: e.eventIndex,
        slot: e.slot,
        name: e.name,
        data: cloneJson('data', e.source),
        commitment: e.commitment,
        receivedAt: at,
        updatedAt: at,
    });
    // The statement inserted the first occurrence of each key above the watermark.
    const inserting = new Map<string, EventToRecord>();
    for (const e of checked) if (!below(e) && !inserting.has(eventMapKey(e))) inserting.set(eventMapKey(e), e);
    const inserted = new Map<string, number>();
    for (const r of rows) {
        if (r.signature === null) continue;
        inserted.set(eventMapKey({ signature: String(r.signature), instructionIndex: num(r.instruction_index), eventIndex: num(r.event_index) }), num(r.received_at));
    }
    const stored = await readEvents(db, run, checked.filter(e => !inserted.has(eventMapKey(e))));
    return checked.map(e => {
        const mapKey = eventMapKey(e);
        const at = inserted.get(mapKey);
        if (at !== undefined && inserting.get(mapKey) === e) {
            const event = asStored(e, at);
            stored.set(mapKey, event);
            return { inserted: true, event: { ...event } };
        }
        const existing = stored.get(mapKey);
        if (existing) return { inserted: false, event: { ...existing } };
        return { inserted: false, pruned: true, event: asStored(e, e.now ?? clock) };
    });
}

/** A commitment move checked for applying. */
export interface CommitmentMove extends EventKey {
    readonly commitment: CommitmentState;
    readonly now: number | null;
}

/**
 * Checks a batch of commitment moves (every input before any is applied).
 *
 * @param db - the store's connection (its clock)
 * @param inputs - the moves
 * @returns the checked moves, in input order
 */
export function checkCommitmentMoves(db: SqlConnection, inputs: readonly SetEventCommitmentInput[]): CommitmentMove[] {
    return checkBatch('inputs', inputs).map(input => {
        checkEventKey(input);
        return {
            signature: input.signature,
            instructionIndex: input.instructionIndex,
            eventIndex: input.eventIndex,
            commitment: checkCommitment(input.commitment, true),
            now: db.now(input.now),
        };
    });
}

/**
 * Applies commitment moves as `setEventCommitment` would one after another, in one statement per
 * round: round k holds the k-th move of each key (one round unless a key repeats).
 *
 * @param db - the store's statements
 * @param run - the connection or the step's transaction
 * @param moves - the moves, from {@link checkCommitmentMoves}
 * @returns one result per move, in order
 */
export async function applyCommitmentMoves(db: SqlConnection, run: SqlRunner, moves: readonly CommitmentMove[]): Promise<SetEventCommitmentResult[]> {
    const rounds: CommitmentMove[][] = [];
    const occurrences = new Map<string, number>();
    for (const m of moves) {
        const k = occurrences.get(eventMapKey(m)) ?? 0;
        occurrences.set(eventMapKey(m), k + 1);
        (rounds[k] ??= []).push(m);
    }
    const results = new Map<CommitmentMove, SetEventCommitmentResult>();
    // Each key's current state, where known: a move that changes nothing reports it as it was then.
    const known = new Map<string, InboxEvent>();
    for (const round of rounds) {
        const rows = await run.query(db.sql.eventsSetCommitments, [movesJson(round), null]);
        const movedNow = new Set<string>();
        for (const event of rows.map(toEvent)) {
            known.set(eventMapKey(event), event);
            movedNow.add(eventMapKey(event));
        }
        const unknown = round.filter(m => !known.has(eventMapKey(m)));
        for (const [key, event] of await readEvents(db, run, unknown)) known.set(key, event);
        for (const m of round) {
            const event = known.get(eventMapKey(m));
            results.set(m, { changed: movedNow.has(eventMapKey(m)), event: event ? { ...event } : null });
        }
    }
    return moves.map(m => results.get(m)!);
}

/**
 * The {@link EventInbox} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the inbox operations
 */
export function sqlEventInbox(db: SqlConnection): EventInbox {
    const getEvents = async (keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> => {
        checkBatch('keys', keys).forEach(checkEventKey);
        const found = await readEvents(db, db, keys);
        return keys.map(k => found.get(eventMapKey(k)) ?? null);
    };
    const getEvent = async (key: EventKey): Promise<InboxEvent | null> => (await getEvents([key]))[0] ?? null;
    return {
        getEvent,
        getEvents,

        async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
            return insertEvents(db, db, checkEventsToRecord(db, inputs));
        },

        async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
            checkEventKey(input);
            const to = checkCommitment(input.commitment, true);
            const rows = await db.query(db.sql.eventSetCommitment, [
                input.signature,
                input.instructionIndex,
                input.eventIndex,
                to,
                commitmentSources(to),
                db.now(input.now),
            ]);
            if (rows[0]) return { changed: true, event: toEvent(rows[0]) };
            return { changed: false, event: await getEvent(input) };
        },

        async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
            const limit = checkLimit(input.limit);
            const states = input.commitments ? input.commitments.map(c => checkCommitment(c, true)).join(',') : null;
            const min = input.minSlot === undefined ? null : checkU64('minSlot', input.minSlot).toString();
            const max = input.maxSlot === undefined ? null : checkU64('maxSlot', input.maxSlot).toString();
            const rows = await db.query(db.sql.eventsList, [states, min, max, limit]);
            return rows.map(toEvent);
        },
    };
}
