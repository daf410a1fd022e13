/**
 * Retention of the SQLite store: each prune is one transaction over a bounded batch, reading its
 * candidates oldest first from the partial indexes of migration 002. `pruneEvents` also runs in
 * the store's step chain (`sqliteStepChain`), so the watermark never moves while an atomic inbox
 * step plans: a step sees the old watermark and commits its events and jobs before the prune, or
 * runs after it and sees the new one.
 *
 * Kept prefixes compare bytes (`CAST(... AS BLOB)`): no `LIKE` wildcard or case folding from the
 * caller's text, and a NUL inside a prefix does not cut it short.
 *
 * @internal
 */
import { big } from '../internal';
import { checkPruneAudit, checkPruneEffects, checkPruneEvents, checkPruneJobs } from '../retention-checks';
import type { PrunableJobStatus, RetentionStore } from '../types';
import type { Param, SqliteConnection, SqliteQueries } from './connection';
import { readWatermark } from './inbox';
import type { SerializeStep } from './projections';

/**
 * Per status, the oldest jobs of that status finished before a time (then the limit). Each reads
 * its status's partial index (`jobs_completed`, `jobs_dead`): the literal `status = '...'` term is
 * what lets SQLite use a partial index.
 */
const PRUNE_JOBS: Readonly<Record<PrunableJobStatus, string>> = {
    completed: "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status = 'completed' AND finished_at < ? ORDER BY finished_at, id LIMIT ?)",
    dead: "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status = 'dead' AND finished_at < ? ORDER BY finished_at, id LIMIT ?)",
};
const SELECT_FINALITY = 'SELECT slot, commitment FROM inbox_events WHERE signature = ? AND instruction_index = ? AND event_index = ?';
const DELETE_EVENT = 'DELETE FROM inbox_events WHERE signature = ? AND instruction_index = ? AND event_index = ?';
/** A job that still needs its event: pending, running, or dead (a redrive runs it again). */
const PINNING_JOB = "SELECT 1 AS found FROM jobs WHERE id = ? AND status IN ('pending', 'running', 'dead')";
const UPSERT_WATERMARK = 'INSERT INTO inbox_watermark (id, pruned_through_slot) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pruned_through_slot = excluded.pruned_through_slot';

/**
 * A condition that keeps rows whose `column` starts with one of `count` prefixes (each bound
 * twice, see {@link prefixParams}); empty without prefixes. A null column starts with none.
 */
function keepPrefixes(column: string, count: number): string {
    if (count === 0) return '';
    const startsWith = `substr(CAST(${column} AS BLOB), 1, length(CAST(? AS BLOB))) = CAST(? AS BLOB)`;
    return `AND (${column} IS NULL OR NOT (${Array.from({ length: count }, () => startsWith).join(' OR ')}))`;
}

/** The parameters of {@link keepPrefixes}. */
function prefixParams(prefixes: readonly string[]): Param[] {
    return prefixes.flatMap(p => [p, p]);
}

/** Whether the listed event is deleted: it exists, is final and at or below the slot, and no job of it needs it. */
function pruneEvent(q: SqliteQueries, throughSlot: bigint, key: { signature: string; instructionIndex: number; eventIndex: number }, jobIds: readonly string[]): 'deleted' | 'kept' | 'absent' {
    const row = q.get(SELECT_FINALITY, key.signature, key.instructionIndex, key.eventIndex);
    if (!row) return 'absent';
    const final = row.commitment === 'finalized' || row.commitment === 'retracted';
    if (!final || big(row.slot) > throughSlot || jobIds.some(id => q.get(PINNING_JOB, id) !== undefined)) return 'kept';
    q.run(DELETE_EVENT, key.signature, key.instructionIndex, key.eventIndex);
    return 'deleted';
}

/**
 * The {@link RetentionStore} over the store's database.
 *
 * @param db - the store's connection
 * @param serialized - the store's step chain, shared with the atomic inbox steps
 * @returns the retention operations
 */
export function sqliteRetentionStore(db: SqliteConnection, serialized: SerializeStep): RetentionStore {
    return {
        async pruneJobs(input) {
            const c = checkPruneJobs(input);
            return db.write(q => {
                let deleted = 0;
                for (const status of c.statuses) {
                    if (deleted >= c.limit) break;
                    deleted += q.run(PRUNE_JOBS[status], c.finishedBefore, c.limit - deleted);
                }
                return { deleted };
            });
        },

        pruneEvents(input) {
            return serialized(async () => {
                const c = checkPruneEvents(input);
                return db.write(q => {
                    const current = readWatermark(q);
                    const mark = current !== null && current >= c.throughSlot ? current : c.throughSlot;
                    if (mark !== current) q.run(UPSERT_WATERMARK, mark);
                    let deleted = 0;
                    let kept = 0;
                    for (const { key, jobIds } of c.events) {
                        const outcome = pruneEvent(q, c.throughSlot, key, jobIds);
                        if (outcome === 'deleted') deleted++;
                        else if (outcome === 'kept') kept++;
                    }
                    return { deleted, kept, prunedThroughSlot: mark };
                });
            });
        },

        async getPrunedThroughSlot() {
            return db.read(readWatermark);
        },

        async pruneEffects(input) {
            const c = checkPruneEffects(input);
            const sql = `DELETE FROM effects WHERE key IN (SELECT key FROM effects
                WHERE status IN ('confirmed', 'failed') AND updated_at < ? ${keepPrefixes('key', c.keepKeyPrefixes.length)}
                ORDER BY updated_at, key LIMIT ?)`;
            const params = [c.updatedBefore, ...prefixParams(c.keepKeyPrefixes), c.limit];
            return db.write(q => ({ deleted: q.run(sql, ...params) }));
        },

        async pruneAudit(input) {
            const c = checkPruneAudit(input);
            const sql = `DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log
                WHERE at < ? ${keepPrefixes('action', c.keepActionPrefixes.length)} ${keepPrefixes('subject', c.keepSubjectPrefixes.length)}
                ORDER BY at, seq LIMIT ?)`;
            const params = [c.before, ...prefixParams(c.keepActionPrefixes), ...prefixParams(c.keepSubjectPrefixes), c.limit];
            return db.write(q => ({ deleted: q.run(sql, ...params) }));
        },
    };
}
