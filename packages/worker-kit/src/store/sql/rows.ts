/**
 * Rows of the SQL store to records, and the batch helpers of its inserts.
 *
 * @internal
 */
import { big, bigOrNull, num, numOrNull } from '../internal';
import type { AuditRecord, CommitmentState, CursorRecord, EffectRecord, EffectStatus, InboxEvent, JobRecord, JsonValue, LeaseRecord, ProjectionEntry } from '../types';
import type { Row } from './connection';

/** JSONB columns arrive parsed from both drivers; a JSON string value must not be parsed again. */
function fromJsonb(value: unknown): JsonValue {
    return value as JsonValue;
}

/** A `cursors` row. */
export function toCursor(r: Row): CursorRecord {
    return {
        name: String(r.name),
        slot: big(r.slot),
        signature: (r.signature as string | null) ?? null,
        version: num(r.version),
        updatedAt: num(r.updated_at),
    };
}

/** An `inbox_events` row. */
export function toEvent(r: Row): InboxEvent {
    return {
        signature: String(r.signature),
        instructionIndex: num(r.instruction_index),
        eventIndex: num(r.event_index),
        slot: big(r.slot),
        name: String(r.name),
        data: fromJsonb(r.data),
        commitment: r.commitment as CommitmentState,
        receivedAt: num(r.received_at),
        updatedAt: num(r.updated_at),
    };
}

/** An `effects` row. */
export function toEffect(r: Row): EffectRecord {
    return {
        key: String(r.key),
        intent: fromJsonb(r.intent),
        status: r.status as EffectStatus,
        signature: (r.signature as string | null) ?? null,
        lastValidBlockHeight: bigOrNull(r.last_valid_block_height),
        sendCount: num(r.send_count),
        error: (r.error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
    };
}

/** A `jobs` row. */
export function toJob(r: Row): JobRecord {
    return {
        id: String(r.id),
        queue: String(r.queue),
        name: String(r.name),
        payload: fromJsonb(r.payload),
        status: r.status as JobRecord['status'],
        runAt: num(r.run_at),
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        leaseOwner: (r.lease_owner as string | null) ?? null,
        leaseExpiresAt: numOrNull(r.lease_expires_at),
        lastError: (r.last_error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
        finishedAt: numOrNull(r.finished_at),
    };
}

/** A `leases` row. */
export function toLease(r: Row): LeaseRecord {
    return {
        name: String(r.name),
        owner: (r.owner as string | null) ?? null,
        token: num(r.token),
        expiresAt: num(r.expires_at),
        acquiredAt: num(r.acquired_at),
    };
}

/** An `audit_log` row. */
export function toAudit(r: Row): AuditRecord {
    return {
        seq: num(r.seq),
        at: num(r.at),
        actor: String(r.actor),
        action: String(r.action),
        subject: (r.subject as string | null) ?? null,
        data: fromJsonb(r.data),
    };
}

/** A `projection_values` row. */
export function toProjectionEntry(r: Row): ProjectionEntry {
    return { key: String(r.key), value: fromJsonb(r.value) };
}

/**
 * Keeps the first result per key: a later duplicate in the same batch reports "not new" with
 * the first one's record.
 */
export function firstWins<T, R>(items: readonly T[], keyOf: (item: T) => string, inserted: Map<string, R>, existing: Map<string, R>): { isNew: boolean; record: R | undefined }[] {
    const taken = new Set<string>();
    return items.map(item => {
        const key = keyOf(item);
        const fresh = inserted.get(key);
        if (fresh !== undefined && !taken.has(key)) {
            taken.add(key);
            return { isNew: true, record: fresh };
        }
        return { isNew: false, record: fresh ?? existing.get(key) };
    });
}
