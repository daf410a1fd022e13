/**
 * The event inbox of the SQLite store. A batch of events is recorded in one transaction (so one
 * sync to disk per batch): each is inserted if its key is absent, and the stored one is read
 * back otherwise; an absent event at or below the retention watermark is reported `pruned` and
 * never inserted (the watermark is read in the same transaction, see `retention.ts`).
 *
 * @internal
 */
import {
    type CheckedEvent,
    big,
    checkBatch,
    checkCommitment,
    checkEventKey,
    checkLimit,
    checkRecordEvent,
    checkU64,
    cloneJson,
    commitmentMoveAllowed,
    fromJson,
    num,
} from '../internal';
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
import type { Row, SqliteConnection, SqliteQueries } from './connection';

const EVENT_COLS = 'signature, instruction_index, event_index, slot, name, data, commitment, received_at, updated_at';
const SELECT_EVENT = `SELECT ${EVENT_COLS} FROM inbox_events WHERE signature = ? AND instruction_index = ? AND event_index = ?`;
const INSERT_EVENT = `INSERT INTO inbox_events (${EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const UPDATE_COMMITMENT = 'UPDATE inbox_events SET commitment = ?, updated_at = ? WHERE signature = ? AND instruction_index = ? AND event_index = ?';
const SELECT_WATERMARK = 'SELECT pruned_through_slot FROM inbox_watermark WHERE id = 1';

function toEvent(r: Row): InboxEvent {
    return {
        signature: String(r.signature),
        instructionIndex: num(r.instruction_index),
        eventIndex: num(r.event_index),
        slot: big(r.slot),
        name: String(r.name),
        data: fromJson(r.data),
        commitment: r.commitment as CommitmentState,
        receivedAt: num(r.received_at),
        updatedAt: num(r.updated_at),
    };
}

/**
 * Reads one event inside an operation.
 *
 * @param q - the operation's statements
 * @param key - the event's key
 * @returns the event, or null
 */
export function readEvent(q: SqliteQueries, key: EventKey): InboxEvent | null {
    const row = q.get(SELECT_EVENT, key.signature, key.instructionIndex, key.eventIndex);
    return row ? toEvent(row) : null;
}

/**
 * Reads the inbox watermark inside an operation.
 *
 * @param q - the operation's statements
 * @returns the slot through which retention pruned events, or null when it never did
 */
export function readWatermark(q: SqliteQueries): bigint | null {
    const row = q.get(SELECT_WATERMARK);
    return row ? big(row.pruned_through_slot) : null;
}

/**
 * Whether retention pruned the slot: an event there that is not in the inbox is never inserted.
 *
 * @param watermark - the inbox watermark ({@link readWatermark})
 * @param slot - the event's slot
 * @returns true when the slot is at or below the watermark
 */
export function belowWatermark(watermark: bigint | null, slot: bigint): boolean {
    return watermark !== null && slot <= watermark;
}

/** A validated event to record, with the caller's data (copied into the result) and its time. */
export interface EventToRecord {
    /** The event, its data as JSON text. */
    readonly event: CheckedEvent;
    /** The caller's data. */
    readonly source: unknown;
    /** The time of its recording. */
    readonly now: number;
}

/**
 * Validates events to record (every one before any is written).
 *
 * @param db - the store's connection (its clock)
 * @param inputs - the events
 * @returns the checked events
 */
export function checkEventsToRecord(db: SqliteConnection, inputs: readonly RecordEventInput[]): EventToRecord[] {
    return checkBatch('inputs', inputs).map(input => ({ event: checkRecordEvent(input), now: db.now(input.now), source: input.data }));
}

/**
 * The event as it is stored once recorded (its data copied from the caller's).
 *
 * @param e - the checked event
 * @returns the inbox event
 */
export function recordedEvent({ event: e, now, source }: EventToRecord): InboxEvent {
    return { ...e, data: cloneJson('data', source), receivedAt: now, updatedAt: now };
}

/**
 * Inserts an event if its key is absent and retention did not prune its slot, inside an
 * operation.
 *
 * @param q - the operation's statements
 * @param e - the checked event
 * @param watermark - the inbox watermark, read in the same operation ({@link readWatermark})
 * @returns whether it was new, and the stored event (or, when pruned, the event as it would have been stored)
 */
export function insertEvent(q: SqliteQueries, e: EventToRecord, watermark: bigint | null): RecordEventResult {
    const { event, now } = e;
    if (belowWatermark(watermark, event.slot)) {
        const stored = readEvent(q, event);
        return stored ? { inserted: false, event: stored } : { inserted: false, pruned: true, event: recordedEvent(e) };
    }
    if (q.run(INSERT_EVENT, event.signature, event.instructionIndex, event.eventIndex, event.slot, event.name, event.data, event.commitment, now, now) === 1) {
        return { inserted: true, event: recordedEvent(e) };
    }
    return { inserted: false, event: readEvent(q, event)! };
}

/**
 * Moves an event's commitment when the move is allowed, inside an operation.
 *
 * @param q - the operation's statements
 * @param key - the event's key
 * @param to - the new state
 * @param now - the time of the move
 * @returns whether it changed, and the event
 */
export function moveCommitment(q: SqliteQueries, key: EventKey, to: CommitmentState, now: number): SetEventCommitmentResult {
    const event = readEvent(q, key);
    if (!event) return { changed: false, event: null };
    if (!commitmentMoveAllowed(event.commitment, to)) return { changed: false, event };
    q.run(UPDATE_COMMITMENT, to, now, key.signature, key.instructionIndex, key.eventIndex);
    return { changed: true, event: { ...event, commitment: to, updatedAt: now } };
}

/** The listing statement for the filters given: `states` commitment placeholders, then min slot, max slot, limit. */
function listSql(states: number | null, min: boolean, max: boolean): string {
    const where = [
        states === null ? null : `commitment IN (${Array.from({ length: states }, () => '?').join(', ')})`,
        min ? 'slot >= ?' : null,
        max ? 'slot <= ?' : null,
    ].filter(c => c !== null);
    return `SELECT ${EVENT_COLS} FROM inbox_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY slot, signature, instruction_index, event_index LIMIT ?`;
}

/**
 * The {@link EventInbox} over the store's database.
 *
 * @param db - the store's connection
 * @returns the inbox operations
 */
export function sqliteEventInbox(db: SqliteConnection): EventInbox {
    return {
        async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
            const checked = checkEventsToRecord(db, inputs);
            if (checked.length === 0) return [];
            return db.write(q => {
                const watermark = readWatermark(q);
                return checked.map(e => insertEvent(q, e, watermark));
            });
        },

        async getEvent(key: EventKey): Promise<InboxEvent | null> {
            checkEventKey(key);
            return db.read(q => readEvent(q, key));
        },

        async getEvents(keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> {
            checkBatch('keys', keys).forEach(checkEventKey);
            if (keys.length === 0) return [];
            return db.read(q => keys.map(key => readEvent(q, key)));
        },

        async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
            checkEventKey(input);
            const to = checkCommitment(input.commitment, true);
            const now = db.now(input.now);
            return db.write(q => moveCommitment(q, input, to, now));
        },

        async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
            const limit = checkLimit(input.limit);
            const states = input.commitments ? [...new Set(input.commitments.map(c => checkCommitment(c, true)))] : null;
            const min = input.minSlot === undefined ? null : checkU64('minSlot', input.minSlot);
            const max = input.maxSlot === undefined ? null : checkU64('maxSlot', input.maxSlot);
            if (states?.length === 0) return [];
            const sql = listSql(states?.length ?? null, min !== null, max !== null);
            const params = [...(states ?? []), ...(min === null ? [] : [min]), ...(max === null ? [] : [max]), limit];
            return db.read(q => q.all(sql, ...params).map(toEvent));
        },
    };
}
