/**
 * Redis hashes to records. Every record is a hash whose fields are strings (empty string =
 * null); chain quantities stay strings and are compared zero-padded.
 *
 * @internal
 */
import { fromJson, num } from '../internal';
import type { AuditRecord, CommitmentState, CursorRecord, EffectRecord, EffectStatus, EventKey, InboxEvent, JobRecord, LeaseRecord } from '../types';

/**
 * The key (under the prefix) of the inbox watermark of retention: the slot through which events
 * were pruned, as decimal text; absent until the first `pruneEvents`. The Lua commands name it
 * too (`commands/includes/event.lua`).
 */
export const WATERMARK_KEY = 'events:pruned-through';

/** A hash as field -> value. */
export type Fields = Record<string, string>;

/** An `HGETALL` reply inside a script's reply (a flat list) as a hash. */
export function fields(reply: unknown): Fields {
    const list = reply as string[];
    const out: Fields = {};
    for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
    return out;
}

function orNull(v: string | undefined): string | null {
    return v === undefined || v === '' ? null : v;
}

function numOrNull(v: string | undefined): number | null {
    return v === undefined || v === '' ? null : Number(v);
}

/** Zero-pads a number to `width` digits (lexicographic order = numeric order). */
export function pad(n: bigint | number, width: number): string {
    return n.toString().padStart(width, '0');
}

/** The event's id in keys: ordered like the SQL stores (slot, signature, indexes). */
export function eventId(key: EventKey): string {
    return `${key.signature} ${pad(key.instructionIndex, 10)} ${pad(key.eventIndex, 10)}`;
}

/** A cursor hash. */
export function toCursor(f: Fields): CursorRecord {
    return {
        name: f.name!,
        slot: BigInt(f.slot!),
        signature: orNull(f.signature),
        version: num(f.version),
        updatedAt: num(f.updatedAt),
    };
}

/** An event hash. */
export function toEvent(f: Fields): InboxEvent {
    return {
        signature: f.signature!,
        instructionIndex: num(f.instructionIndex),
        eventIndex: num(f.eventIndex),
        slot: BigInt(f.slot!),
        name: f.name!,
        data: fromJson(f.data),
        commitment: f.commitment as CommitmentState,
        receivedAt: num(f.receivedAt),
        updatedAt: num(f.updatedAt),
    };
}

/** An effect hash. */
export function toEffect(f: Fields): EffectRecord {
    return {
        key: f.key!,
        intent: fromJson(f.intent),
        status: f.status as EffectStatus,
        signature: orNull(f.signature),
        lastValidBlockHeight: f.lastValidBlockHeight ? BigInt(f.lastValidBlockHeight) : null,
        sendCount: num(f.sendCount),
        error: orNull(f.error),
        createdAt: num(f.createdAt),
        updatedAt: num(f.updatedAt),
    };
}

/** A job hash. */
export function toJob(f: Fields): JobRecord {
    return {
        id: f.id!,
        queue: f.queue!,
        name: f.name!,
        payload: fromJson(f.payload),
        status: f.status as JobRecord['status'],
        runAt: num(f.runAt),
        attempts: num(f.attempts),
        maxAttempts: num(f.maxAttempts),
        leaseOwner: orNull(f.leaseOwner),
        leaseExpiresAt: numOrNull(f.leaseExpiresAt),
        lastError: orNull(f.lastError),
        createdAt: num(f.createdAt),
        updatedAt: num(f.updatedAt),
        finishedAt: numOrNull(f.finishedAt),
    };
}

/** A lease hash. */
export function toLease(f: Fields): LeaseRecord {
    return {
        name: f.name!,
        owner: orNull(f.owner),
        token: num(f.token),
        expiresAt: num(f.expiresAt),
        acquiredAt: num(f.acquiredAt),
    };
}

/** An audit entry hash. */
export function toAudit(f: Fields): AuditRecord {
    return {
        seq: num(f.seq),
        at: num(f.at),
        actor: f.actor!,
        action: f.action!,
        subject: orNull(f.subject),
        data: fromJson(f.data),
    };
}
