/**
 * Atomic inbox steps and projection values of the SQL store. A step is one transaction whose
 * first statement takes the store's step lock (`queries/step-lock.sql`, transaction-scoped), so
 * the steps of every replica run one at a time; then it changes the events (insert-if-absent, or
 * commitment moves) with the very statements of the inbox, plans from what changed (its reads see
 * the transaction), and writes the plan's jobs (the statement of `enqueueJobs`) and projection
 * values. Whatever throws, the plan included, rolls everything back; a crash too (the server
 * aborts the transaction of a lost connection), so an event is projected exactly once.
 *
 * The plan runs while the transaction is open: it reads through `read` only (on PGlite, its
 * single connection waits for the transaction, so calling the store from a plan would wait
 * forever).
 *
 * @internal
 */
import { eventMapKey, toJson } from '../internal';
import { checkListProjectionValues, checkProjectionKeys, checkProjectionWrites } from '../projection-checks';
import type { InboxEvent, InboxStepResult, JsonValue, PlanInboxStep, ProjectionStore, RecordEventResult, SetEventCommitmentResult } from '../types';
import type { SqlConnection, SqlRunner } from './connection';
import { applyCommitmentMoves, checkCommitmentMoves, checkEventsToRecord, insertEvents } from './inbox';
import { checkJobsToEnqueue, insertJobs } from './jobs';
import { toProjectionEntry } from './rows';

/** What the change of a step did: its results, and the events it changed for the plan. */
interface StepChange<R> {
    readonly results: R[];
    readonly changed: InboxEvent[];
}

/**
 * The {@link ProjectionStore} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the step and projection operations
 */
export function sqlProjectionStore(db: SqlConnection): ProjectionStore {
    const readValues = async (run: SqlRunner, namespace: string, keys: readonly string[]): Promise<(JsonValue | null)[]> => {
        const checked = checkProjectionKeys(namespace, keys);
        if (checked.keys.length === 0) return [];
        const rows = await run.query(db.sql.projectionValuesGet, [checked.namespace, checked.keys]);
        const found = new Map(rows.map(r => [String(r.key), toProjectionEntry(r).value]));
        return checked.keys.map(k => found.get(k) ?? null);
    };

    /** Runs one step: lock, change, plan, then the plan's jobs and writes, in one transaction. */
    const step = <R>(change: (tx: SqlRunner) => Promise<StepChange<R>>, plan: PlanInboxStep): Promise<InboxStepResult<R>> =>
        db.transaction(async tx => {
            await tx.query(db.sql.stepLock);
            const { results, changed } = await change(tx);
            const decided = await plan(changed, (namespace, keys) => readValues(tx, namespace, keys));
            // The whole plan is checked before any of it runs.
            const jobs = checkJobsToEnqueue(db, decided.jobs ?? [], 'jobs');
            const writes = checkProjectionWrites(decided.writes, toJson);
            const created = await insertJobs(db, tx, jobs);
            if (writes.length > 0) {
                await tx.query(db.sql.projectionValuesWrite, [writes.map(w => w.namespace), writes.map(w => w.key), writes.map(w => w.value)]);
            }
            return { results, jobs: created };
        });

    return {
        async recordEventsWith(inputs, plan) {
            const checked = checkEventsToRecord(db, inputs);
            return step<RecordEventResult>(async tx => {
                const results = await insertEvents(db, tx, checked);
                // The plan gets its own copies of what this step inserted (first occurrences only).
                return { results, changed: results.filter(r => r.inserted).map(r => ({ ...r.event })) };
            }, plan);
        },

        async setEventCommitmentsWith(inputs, plan) {
            const moves = checkCommitmentMoves(db, inputs);
            return step<SetEventCommitmentResult>(async tx => {
                const results = await applyCommitmentMoves(db, tx, moves);
                // Each event that moved, once: in the place of its first move, as it is after its last one.
                const changed = new Map<string, InboxEvent>();
                for (const r of results) if (r.changed && r.event) changed.set(eventMapKey(r.event), { ...r.event });
                return { results, changed: [...changed.values()] };
            }, plan);
        },

        async getProjectionValues(namespace, keys) {
            return readValues(db, namespace, keys);
        },

        async listProjectionValues(input) {
            const q = checkListProjectionValues(input);
            const rows = await db.query(db.sql.projectionValuesList, [q.namespace, q.prefix, q.after ?? '', q.limit]);
            return rows.map(toProjectionEntry);
        },
    };
}
