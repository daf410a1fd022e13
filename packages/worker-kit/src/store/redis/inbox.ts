/**
 * The event inbox of the Redis store: `event:<id>` hashes and one sorted set per commitment
 * (`events:<commitment>`, members `slot|signature|ix|ev` zero-padded so that lexicographic
 * order is the SQL stores' order). An absent event at or below the retention watermark
 * (`events:pruned-through`) is never inserted: `recordEvents` reports it `pruned`.
 *
 * @internal
 */
import { backendFailed } from '../errors';
import { type CheckedEvent, checkBatch, checkCommitment, checkEventKey, checkLimit, checkRecordEvent, checkU64, fromJson } from '../internal';
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
import type { RedisConnection } from './connection';
import { type Fields, eventId, fields, pad, toEvent } from './fields';

const ALL_COMMITMENTS = 'seen,confirmed,finalized,retracted';

/**
 * The commitments an event may move to `to` from (csv), as `commitmentMoveAllowed` decides.
 *
 * @param to - the target commitment
 * @returns the allowed source states, comma-separated
 */
export function commitmentSources(to: CommitmentState): string {
    return to === 'seen' ? '' : to === 'confirmed' ? 'seen' : 'seen,confirmed';
}

/**
 * An event as it is (or would be) stored with `receivedAt` = `updatedAt` = `now`.
 *
 * @param e - the checked event
 * @param now - its time (ms, as text)
 * @returns the event record
 */
export function storedEvent(e: CheckedEvent, now: string): InboxEvent {
    const at = Number(now);
    return { signature: e.signature, instructionIndex: e.instructionIndex, eventIndex: e.eventIndex, slot: e.slot, name: e.name, data: fromJson(e.data), commitment: e.commitment, receivedAt: at, updatedAt: at };
}

/**
 * The fields of an event as `insert_event` (`includes/event.lua`) stores them.
 *
 * @param e - the checked event
 * @param now - its `receivedAt` ('' = the server's clock, for `event-record` only)
 * @returns the arguments after the key: member, signature, ix, ev, slot, name, data, commitment, now
 */
export function eventInsertArgs(e: CheckedEvent, now: string): (string | number)[] {
    return [`${pad(e.slot, 20)} ${eventId(e)}`, e.signature, e.instructionIndex, e.eventIndex, e.slot.toString(), e.name, e.data, e.commitment, now];
}

/**
 * The {@link EventInbox} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the inbox operations
 */
export function redisEventInbox(db: RedisConnection): EventInbox {
    const getEvents = async (keys: readonly EventKey[]): Promise<(InboxEvent | null)[]> => {
        checkBatch('keys', keys).forEach(checkEventKey);
        if (keys.length === 0) return [];
        if (keys.length === 1) {
            const f = await (await db.client()).hgetall(db.key(`event:${eventId(keys[0]!)}`));
            return [f.signature ? toEvent(f) : null];
        }
        const pipeline = (await db.client()).pipeline();
        for (const key of keys) pipeline.hgetall(db.key(`event:${eventId(key)}`));
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([error, value]) => {
            if (error) throw backendFailed(db.kind, error.message, error);
            const f = value as Fields;
            return f.signature ? toEvent(f) : null;
        });
    };
    return {
        getEvents,

        async getEvent(key: EventKey): Promise<InboxEvent | null> {
            return (await getEvents([key]))[0] ?? null;
        },

        async recordEvents(inputs: readonly RecordEventInput[]): Promise<RecordEventResult[]> {
            const checked = checkBatch('inputs', inputs).map(input => {
                const e = checkRecordEvent(input);
                return { e, key: db.key(`event:${eventId(e)}`), args: eventInsertArgs(e, db.now(input.now)) };
            });
            const replies = (await db.runMany('eventRecord', checked)) as [number, string[] | string][];
            return replies.map(([flag, reply], i): RecordEventResult => {
                // 2: retention pruned the slot; the reply is the time the event would have had.
                if (flag === 2) return { inserted: false, pruned: true, event: storedEvent(checked[i]!.e, reply as string) };
                return { inserted: flag === 1, event: toEvent(fields(reply)) };
            });
        },

        async setEventCommitment(input: SetEventCommitmentInput): Promise<SetEventCommitmentResult> {
            checkEventKey(input);
            const to = checkCommitment(input.commitment, true);
            const reply = (await db.run('eventSetCommitment', db.key(`event:${eventId(input)}`), [to, commitmentSources(to), db.now(input.now)])) as [number, string[]];
            const f = fields(reply[1]);
            return { changed: reply[0] === 1, event: f.signature ? toEvent(f) : null };
        },

        async listEvents(input: ListEventsInput = {}): Promise<InboxEvent[]> {
            const limit = checkLimit(input.limit);
            const states = input.commitments ? input.commitments.map(c => checkCommitment(c, true)).join(',') : ALL_COMMITMENTS;
            const min = input.minSlot === undefined ? '-' : `[${pad(checkU64('minSlot', input.minSlot), 20)}`;
            const max = input.maxSlot === undefined ? '+' : `(${pad(checkU64('maxSlot', input.maxSlot) + 1n, 20)}`;
            if (states === '') return [];
            const reply = (await db.run('eventsList', db.key('events:seen'), [states, min, max, limit])) as string[][];
            return reply.map(r => toEvent(fields(r)));
        },
    };
}
