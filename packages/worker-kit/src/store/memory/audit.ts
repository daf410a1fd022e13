/**
 * The audit log of the in-memory store: an array in `seq` order (retention removes entries, so
 * a position is found by binary search).
 *
 * @internal
 */
import { checkId, checkLimit, checkOptionalId, checkUint, freezeJson } from '../internal';
import type { AppendAuditInput, AuditLog, AuditRecord, ListAuditInput } from '../types';
import { type MemoryState, type Stored, assertOpen, nowOf } from './state';

/** The index of the first entry with a `seq` above `after`. */
function firstAfter(audit: readonly AuditRecord[], after: number): number {
    let lo = 0;
    let hi = audit.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (audit[mid]!.seq <= after) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/**
 * The {@link AuditLog} over the store's data.
 *
 * @param state - the store's data
 * @returns the audit operations
 */
export function memoryAuditLog(state: MemoryState): AuditLog {
    return {
        async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
            assertOpen(state);
            const actor = checkId('actor', input.actor);
            const action = checkId('action', input.action);
            const subject = checkOptionalId('subject', input.subject);
            const data = freezeJson('data', input.data ?? null);
            const at = nowOf(state, input.now);
            const entry: Stored<AuditRecord> = { seq: ++state.auditSeq, at, actor, action, subject, data };
            state.audit.push(entry);
            return { ...entry };
        },

        async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
            assertOpen(state);
            const limit = checkLimit(input.limit);
            const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
            const subject = input.subject === undefined ? null : checkId('subject', input.subject);
            const out: AuditRecord[] = [];
            for (let i = firstAfter(state.audit, after); i < state.audit.length && out.length < limit; i++) {
                const e = state.audit[i]!;
                if (subject === null || e.subject === subject) out.push({ ...e });
            }
            return out;
        },
    };
}
