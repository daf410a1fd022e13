/**
 * The audit log of the SQL store: appends serialize on a transaction-scoped advisory lock, so
 * that `seq` order is commit order and `afterSeq` pagination never skips a late commit.
 *
 * @internal
 */
import { backendFailed } from '../errors';
import { checkId, checkLimit, checkOptionalId, checkUint, toJson } from '../internal';
import type { AppendAuditInput, AuditLog, AuditRecord, ListAuditInput } from '../types';
import type { SqlConnection } from './connection';
import { toAudit } from './rows';

/**
 * The {@link AuditLog} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the audit operations
 */
export function sqlAuditLog(db: SqlConnection): AuditLog {
    const lockName = `raffle-worker-kit:audit:${db.schema}`;
    return {
        async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
            const actor = checkId('actor', input.actor);
            const action = checkId('action', input.action);
            const subject = checkOptionalId('subject', input.subject);
            const data = toJson('data', input.data ?? null);
            const rows = await db.query(db.sql.auditAppend, [actor, action, subject, data, db.now(input.now), lockName]);
            if (!rows[0]) throw backendFailed(db.kind, 'audit insert returned no row');
            return toAudit(rows[0]);
        },

        async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
            const limit = checkLimit(input.limit);
            const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
            const subject = input.subject === undefined ? null : checkId('subject', input.subject);
            const rows = await db.query(db.sql.auditList, [after, subject, limit]);
            return rows.map(toAudit);
        },
    };
}
