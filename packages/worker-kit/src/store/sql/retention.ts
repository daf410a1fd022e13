/**
 * Retention of the SQL store. Each prune is one bounded `DELETE` over an index (oldest first,
 * `FOR UPDATE SKIP LOCKED`, so it never waits for a row someone is changing). `pruneEvents` is
 * one transaction that takes the step lock of the atomic inbox steps (`queries/step-lock.sql`),
 * raises the watermark, then deletes: a step runs entirely before it (its events and jobs
 * committed, seen by the delete) or entirely after it (its insert reads the new watermark). A
 * plain `recordEvents` reads the watermark row FOR SHARE in its insert, which the prune's update
 * holds until its commit (`queries/events-record.sql`).
 *
 * @internal
 */
import { backendFailed } from '../errors';
import { bigOrNull, num } from '../internal';
import { checkPruneAudit, checkPruneEffects, checkPruneEvents, checkPruneJobs } from '../retention-checks';
import type { RetentionStore } from '../types';
import type { Row, SqlConnection } from './connection';

/** The `deleted` count of a prune statement's single row. */
function deletedOf(rows: readonly Row[]): { deleted: number } {
    return { deleted: num(rows[0]?.deleted ?? 0) };
}

/**
 * The {@link RetentionStore} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the retention operations
 */
export function sqlRetentionStore(db: SqlConnection): RetentionStore {
    return {
        async pruneJobs(input) {
            const q = checkPruneJobs(input);
            return deletedOf(await db.query(db.sql.jobsPrune, [q.statuses, q.finishedBefore, q.limit]));
        },

        async pruneEvents(input) {
            const q = checkPruneEvents(input);
            const offers = JSON.stringify(
                q.events.map((e, ord) => ({
                    ord,
                    signature: e.key.signature,
                    instruction_index: e.key.instructionIndex,
                    event_index: e.key.eventIndex,
                    job_ids: e.jobIds,
                })),
            );
            return db.transaction(async tx => {
                await tx.query(db.sql.stepLock);
                const raised = await tx.query(db.sql.watermarkRaise, [q.throughSlot.toString()]);
                const prunedThroughSlot = bigOrNull(raised[0]?.pruned_through_slot);
                if (prunedThroughSlot === null) throw backendFailed(db.kind, 'the inbox watermark row is missing');
                if (q.events.length === 0) return { deleted: 0, kept: 0, prunedThroughSlot };
                const [counts] = await tx.query(db.sql.eventsPrune, [offers, q.throughSlot.toString()]);
                return { deleted: num(counts?.deleted ?? 0), kept: num(counts?.kept ?? 0), prunedThroughSlot };
            });
        },

        async getPrunedThroughSlot() {
            const rows = await db.query(db.sql.watermarkGet);
            if (!rows[0]) throw backendFailed(db.kind, 'the inbox watermark row is missing');
            return bigOrNull(rows[0].pruned_through_slot);
        },

        async pruneEffects(input) {
            const q = checkPruneEffects(input);
            return deletedOf(await db.query(db.sql.effectsPrune, [q.updatedBefore, q.keepKeyPrefixes, q.limit]));
        },

        async pruneAudit(input) {
            const q = checkPruneAudit(input);
            return deletedOf(await db.query(db.sql.auditPrune, [q.before, q.keepActionPrefixes, q.keepSubjectPrefixes, q.limit]));
        },
    };
}
