/**
 * The audit concern: an append-only log of what the worker did.
 *
 * @packageDocumentation
 */
import type { ClockOptions, JsonValue } from './common';

/** One append-only audit entry. */
export interface AuditRecord {
    /** Increasing sequence number, unique per store. */
    readonly seq: number;
    /** When it was appended (ms). */
    readonly at: number;
    /** Who did it, e.g. a worker id. */
    readonly actor: string;
    /** What happened, e.g. `effect:sent`. */
    readonly action: string;
    /** What it happened to, e.g. a raffle address or an effect key. */
    readonly subject: string | null;
    /** Details (no secrets). */
    readonly data: JsonValue;
}

/** Input of {@link AuditLog.appendAudit}. */
export interface AppendAuditInput extends ClockOptions {
    /** Who did it. */
    actor: string;
    /** What happened. */
    action: string;
    /** What it happened to. */
    subject?: string | null;
    /** Details (no secrets). */
    data?: JsonValue;
}

/** Filter of {@link AuditLog.listAudit}. */
export interface ListAuditInput {
    /** Only entries with `seq` greater than this (pagination). */
    afterSeq?: number;
    /** Only entries about this subject. */
    subject?: string;
    /** At most this many (default 100, at most 1000), in `seq` order. */
    limit?: number;
}

/**
 * The append-only audit log: entries in `seq` order; paginating with `afterSeq` never skips an
 * entry committed late.
 *
 * @example
 * ```ts
 * await store.appendAudit({ actor: workerId, action: 'effect:sent', subject: raffle, data: { signature } });
 * const page = await store.listAudit({ subject: raffle, afterSeq: 0, limit: 100 });
 * ```
 */
export interface AuditLog {
    /**
     * Appends an audit entry.
     * @param input - the entry
     * @returns the stored entry with its sequence number
     */
    appendAudit(input: AppendAuditInput): Promise<AuditRecord>;
    /**
     * Lists audit entries in `seq` order.
     * @param input - filters and pagination
     * @returns the entries
     */
    listAudit(input?: ListAuditInput): Promise<AuditRecord[]>;
}
