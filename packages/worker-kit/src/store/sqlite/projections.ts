/**
 * Atomic inbox steps and projection values of the SQLite store. Steps run one at a time (a
 * promise chain, {@link sqliteStepChain}, shared with `pruneEvents`): a step reads what it would
 * change, awaits the plan (which may read committed projection values), then validates the plan
 * and commits the events, the jobs and the writes in one transaction. When another call changed
 * one of the step's events while the plan ran, the transaction writes nothing and the step plans
 * again. The inbox watermark moves only inside the chain, so it is the same when a step looks and
 * when it commits: an event below it is left out of the plan and reported `pruned`.
 *
 * @internal
 */
import { checkBatch, checkCommitment, checkEventKey, commitmentMoveAllowed, fromJson, toJson } from '../internal';
import { type CheckedProjectionWrite, checkListProjectionValues, checkProjectionKeys, checkProjectionWrites } from '../projection-checks';
import type {
    CommitmentState,
    EnqueueJobResult,
    EventKey,
    InboxEvent,
    InboxStepPlan,
    InboxStepResult,
    JsonValue,
    PlanInboxStep,
    ProjectionRead,
    ProjectionStore,
    RecordEventResult,
    SetEventCommitmentResult,
} from '../types';
import type { SqliteConnection, SqliteQueries } from './connection';
import { type EventToRecord, belowWatermark, checkEventsToRecord, insertEvent, moveCommitment, readEvent, readWatermark, recordedEvent } from './inbox';
import { type JobToEnqueue, checkJobsToEnqueue, insertJob } from './jobs';

/** How many times a step plans again after a concurrent change before committing anyway. */
const MAX_REPLANS = 16;

const SELECT_VALUE = 'SELECT value FROM projection_values WHERE namespace = ? AND key = ?';
const UPSERT_VALUE = 'INSERT INTO projection_values (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value';
const DELETE_VALUE = 'DELETE FROM projection_values WHERE namespace = ? AND key = ?';
const EVENT_EXISTS = 'SELECT 1 AS found FROM inbox_events WHERE signature = ? AND instruction_index = ? AND event_index = ?';

/** A validated plan, ready to apply inside the step's transaction. */
interface CheckedPlan {
    readonly jobs: readonly JobToEnqueue[];
    readonly writes: readonly CheckedProjectionWrite<string>[];
}

function eventExists(q: SqliteQueries, key: EventKey): boolean {
    return q.get(EVENT_EXISTS, key.signature, key.instructionIndex, key.eventIndex) !== undefined;
}

function keyOf(key: EventKey): string {
    return `${key.signature}\u0000${key.instructionIndex}\u0000${key.eventIndex}`;
}

/** Runs an operation after every earlier one of its chain (whether they resolved or rejected). */
export type SerializeStep = <T>(run: () => Promise<T>) => Promise<T>;

/**
 * Creates the chain that runs a store's atomic inbox steps and event prunings one at a time: a
 * step that awaits its plan never interleaves with another step or with a watermark move. One
 * chain per store, shared by {@link sqliteProjectionStore} and `sqliteRetentionStore`.
 *
 * @returns the chain's runner
 */
export function sqliteStepChain(): SerializeStep {
    let chain: Promise<unknown> = Promise.resolve();
    return <T>(run: () => Promise<T>): Promise<T> => {
        const next = chain.then(run, run);
        chain = next.catch(() => undefined);
        return next;
    };
}

/**
 * The {@link ProjectionStore} over the store's database.
 *
 * @param db - the store's connection
 * @param serialized - the store's step chain ({@link sqliteStepChain})
 * @returns the step and projection operations
 */
export function sqliteProjectionStore(db: SqliteConnection, serialized: SerializeStep): ProjectionStore {
    const read: ProjectionRead = async (namespace, keys) => {
        const checked = checkProjectionKeys(namespace, keys);
        return db.read(q =>
            checked.keys.map(key => {
                const row = q.get(SELECT_VALUE, checked.namespace, key);
                return row ? fromJson(row.value) : null;
            }),
        );
    };

    const checkPlan = (plan: InboxStepPlan): CheckedPlan => ({ jobs: checkJobsToEnqueue(db, plan.jobs ?? [], 'jobs'), writes: checkProjectionWrites(plan.writes, toJson) });

    const applyPlan = (q: SqliteQueries, plan: CheckedPlan): EnqueueJobResult[] => {
        for (const w of plan.writes) {
            if (w.value === null) q.run(DELETE_VALUE, w.namespace, w.key);
            else q.run(UPSERT_VALUE, w.namespace, w.key, w.value);
        }
        return plan.jobs.map(j => insertJob(q, j));
    };

    /**
     * Plans and commits one step: `look` reads what the step would change (and a snapshot to
     * detect a concurrent change), `commit` writes it in the transaction unless `stale`.
     */
    const step = async <R, S>(
        look: (q: SqliteQueries) => { changed: InboxEvent[]; snapshot: S },
        stale: (q: SqliteQueries, snapshot: S) => boolean,
        commit: (q: SqliteQueries) => R[],
        plan: PlanInboxStep,
    ): Promise<InboxStepResult<R>> => {
        for (let attempt = 0; ; attempt++) {
            const { changed, snapshot } = await db.read(look);
            const checked = checkPlan(await plan(changed, read));
            const done = await db.write(q => {
                if (attempt < MAX_REPLANS && stale(q, snapshot)) return null; // plan again
                const results = commit(q);
                return { results, jobs: applyPlan(q, checked) };
            });
            if (done) return done;
        }
    };

    return {
        recordEventsWith(inputs, plan: PlanInboxStep) {
            return serialized(async () => {
                const checked = checkEventsToRecord(db, inputs);
                return step<RecordEventResult, EventToRecord[]>(
                    q => {
                        // The events this step would insert (the first occurrence of a key wins), as they would be stored;
                        // not those retention pruned (the commit reports them `pruned`).
                        const watermark = readWatermark(q);
                        const fresh = new Map<string, EventToRecord>();
                        for (const e of checked) {
                            if (!fresh.has(keyOf(e.event)) && !belowWatermark(watermark, e.event.slot) && !eventExists(q, e.event)) fresh.set(keyOf(e.event), e);
                        }
                        return { changed: [...fresh.values()].map(recordedEvent), snapshot: [...fresh.values()] };
                    },
                    (q, fresh) => fresh.some(e => eventExists(q, e.event)),
                    q => {
                        const watermark = readWatermark(q);
                        return checked.map(e => insertEvent(q, e, watermark));
                    },
                    plan,
                );
            });
        },

        setEventCommitmentsWith(inputs, plan: PlanInboxStep) {
            return serialized(async () => {
                const moves = checkBatch('inputs', inputs).map(input => {
                    checkEventKey(input);
                    return { key: { signature: input.signature, instructionIndex: input.instructionIndex, eventIndex: input.eventIndex }, to: checkCommitment(input.commitment, true), now: db.now(input.now) };
                });
                return step<SetEventCommitmentResult, (CommitmentState | undefined)[]>(
                    q => {
                        const before = moves.map(m => readEvent(q, m.key)?.commitment);
                        // The plan sees each moved event once, as it will be committed (moves apply in input order).
                        const after = new Map<string, InboxEvent>();
                        for (const m of moves) {
                            const e = after.get(keyOf(m.key)) ?? readEvent(q, m.key);
                            if (!e || !commitmentMoveAllowed(e.commitment, m.to)) continue;
                            after.set(keyOf(m.key), { ...e, commitment: m.to, updatedAt: m.now });
                        }
                        return { changed: [...after.values()], snapshot: before };
                    },
                    (q, before) => moves.some((m, i) => readEvent(q, m.key)?.commitment !== before[i]),
                    q => moves.map(m => moveCommitment(q, m.key, m.to, m.now)),
                    plan,
                );
            });
        },

        getProjectionValues(namespace: string, keys: readonly string[]): Promise<(JsonValue | null)[]> {
            return read(namespace, keys);
        },

        async listProjectionValues(input) {
            const { namespace, prefix, after, limit } = checkListProjectionValues(input);
            const sql = `SELECT key, value FROM projection_values
                WHERE namespace = ? AND substr(key, 1, length(?)) = ? ${after === null ? '' : 'AND key > ?'} ORDER BY key LIMIT ?`;
            const params = [namespace, prefix, prefix, ...(after === null ? [] : [after]), limit];
            return db.read(q => q.all(sql, ...params).map(r => ({ key: String(r.key), value: fromJson(r.value) })));
        },
    };
}
