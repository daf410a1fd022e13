/**
 * Retention of the in-memory store. Event pruning runs in the chain of atomic inbox steps, so a
 * step that is planning never sees the watermark move under it.
 *
 * @internal
 */
import { eventMapKey } from '../internal';
import { checkPruneAudit, checkPruneEffects, checkPruneEvents, checkPruneJobs, startsWithAny } from '../retention-checks';
import type { RetentionStore } from '../types';
import { type MemoryState, assertOpen, serializedStep } from './state';

/** Job states that keep an event: its job still needs it (dead ones for a redrive). */
const PINNING = new Set(['pending', 'running', 'dead']);

/**
 * The {@link RetentionStore} over the store's data.
 *
 * @param state - the store's data
 * @returns the retention operations
 */
export function memoryRetentionStore(state: MemoryState): RetentionStore {
    return {
        async pruneJobs(input) {
            assertOpen(state);
            const q = checkPruneJobs(input);
            const statuses = new Set<string>(q.statuses);
            let deleted = 0;
            for (const [id, j] of state.jobs) {
                if (deleted >= q.limit) break;
                if (statuses.has(j.status) && j.finishedAt !== null && j.finishedAt < q.finishedBefore) {
                    state.jobs.delete(id);
                    deleted++;
                }
            }
            return { deleted };
        },

        pruneEvents(input) {
            return serializedStep(state, async () => {
                assertOpen(state);
                const q = checkPruneEvents(input);
                if (state.prunedThroughSlot === null || q.throughSlot > state.prunedThroughSlot) state.prunedThroughSlot = q.throughSlot;
                let deleted = 0;
                let kept = 0;
                for (const { key, jobIds } of q.events) {
                    const id = eventMapKey(key);
                    const e = state.events.get(id);
                    if (!e) continue;
                    const final = e.commitment === 'finalized' || e.commitment === 'retracted';
                    const pinned = jobIds.some(jobId => PINNING.has(state.jobs.get(jobId)?.status ?? 'gone'));
                    if (!final || pinned || e.slot > q.throughSlot) kept++;
                    else {
                        state.events.delete(id);
                        deleted++;
                    }
                }
                return { deleted, kept, prunedThroughSlot: state.prunedThroughSlot };
            });
        },

        async getPrunedThroughSlot() {
            assertOpen(state);
            return state.prunedThroughSlot;
        },

        async pruneEffects(input) {
            assertOpen(state);
            const q = checkPruneEffects(input);
            let deleted = 0;
            for (const [key, e] of state.effects) {
                if (deleted >= q.limit) break;
                if ((e.status === 'confirmed' || e.status === 'failed') && e.updatedAt < q.updatedBefore && !startsWithAny(key, q.keepKeyPrefixes)) {
                    state.effects.delete(key);
                    deleted++;
                }
            }
            return { deleted };
        },

        async pruneAudit(input) {
            assertOpen(state);
            const q = checkPruneAudit(input);
            let deleted = 0;
            state.audit = state.audit.filter(e => {
                const drop = deleted < q.limit && e.at < q.before && !startsWithAny(e.action, q.keepActionPrefixes) && !startsWithAny(e.subject, q.keepSubjectPrefixes);
                if (drop) deleted++;
                return !drop;
            });
            return { deleted };
        },
    };
}
