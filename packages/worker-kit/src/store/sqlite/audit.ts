/**
 * The audit log of the SQLite store: `seq` is an `AUTOINCREMENT` key, never reused, and since
 * one connection writes, its order is the commit order.
 *
 * @internal
 */
import { checkId, checkLimit, checkOptionalId, checkUint, cloneJson, fromJson, num, toJson } from '../internal';
import type { AppendAuditInput, AuditLog, AuditRecord, ListAuditInput } from '../types';
import type { Row, SqliteConnection } from './connection';

const INSERT_AUDIT = 'INSERT INTO audit_log (at, actor, action, subject, data) VALUES (?, ?, ?, ?, ?) RETURNING seq';

function toAudit(r: Row): AuditRecord {
    return { seq: num(r.seq), at: num(r.at), actor: String(r.actor), action: String(r.action), subject: (r.subject as string | null) ?? null, data: fromJson(r.data) };
}

/**
 * The {@link AuditLog} over the store's database.
 *
 * @param db - the store's connection
 * @returns the audit operations
 */
export function sqliteAuditLog(db: SqliteConnection): AuditLog {
    return {
        async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
            const actor = checkId('actor', input.actor);
            const action = checkId('action', input.action);
            const subject = checkOptionalId('subject', input.subject);
            const data = toJson('data', input.data ?? null);
            const at = db.now(input.now);
            return db.write(q => {
                const { seq } = q.get(INSERT_AUDIT, at, actor, action, subject, data)!;
                return { seq: num(seq), at, actor, action, subject, data: cloneJson('data', input.data ?? null) };
            });
        },

        async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
            const limit = checkLimit(input.limit);
            const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
            const subject = input.subject === undefined ? null : checkId('subject', input.subject);
            const bySubject = subject === null ? '' : 'AND subject = ?';
            const sql = `SELECT seq, at, actor, action, subject, data FROM audit_log WHERE seq > ? ${bySubject} ORDER BY seq LIMIT ?`;
            return db.read(q => q.all(sql, after, ...(subject === null ? [] : [subject]), limit).map(toAudit));
        },
    };
}
