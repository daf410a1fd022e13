/**
 * The audit log of the Redis store: `audit:<seq>` hashes from the counter `audit:seq`, indexed
 * by `audit`, per subject by `audit:subject:<subject>` and by time by `audit:at` (retention).
 *
 * @internal
 */
import { checkId, checkLimit, checkOptionalId, checkUint, toJson } from '../internal';
import type { AppendAuditInput, AuditLog, AuditRecord, ListAuditInput } from '../types';
import type { RedisConnection } from './connection';
import { fields, toAudit } from './fields';

/**
 * The {@link AuditLog} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the audit operations
 */
export function redisAuditLog(db: RedisConnection): AuditLog {
    return {
        async appendAudit(input: AppendAuditInput): Promise<AuditRecord> {
            const actor = checkId('actor', input.actor);
            const action = checkId('action', input.action);
            const subject = checkOptionalId('subject', input.subject) ?? '';
            const data = toJson('data', input.data ?? null);
            const reply = (await db.run('auditAppend', db.key('audit:seq'), [actor, action, subject, data, db.now(input.now)])) as string[];
            return toAudit(fields(reply));
        },

        async listAudit(input: ListAuditInput = {}): Promise<AuditRecord[]> {
            const limit = checkLimit(input.limit);
            const after = input.afterSeq === undefined ? 0 : checkUint('afterSeq', input.afterSeq);
            const index = input.subject === undefined ? db.key('audit') : db.key(`audit:subject:${checkId('subject', input.subject)}`);
            const reply = (await db.run('auditList', index, [after, limit])) as string[][];
            return reply.map(r => toAudit(fields(r)));
        },
    };
}
