/**
 * Atomic inbox steps and projection values of the in-memory store. Steps run one at a time (a
 * promise chain); a step plans against the state as it is, then validates everything and applies
 * it synchronously, so no other operation can see half of it. An event another caller inserted
 * while the plan ran makes the step plan again.
 *
 * @internal
 */
import { checkBatch, checkCommitment, checkEnqueueJob, checkEventKey, checkRecordEvent, commitmentMoveAllowed, eventMapKey, freezeJson } from '../internal';
import { checkListProjectionValues, checkProjectionKeys, checkProjectionWrites, compareKeysBytewise } from '../projection-checks';
import type { InboxStepPlan, PlanInboxStep, ProjectionStore } from '../types';
import type { EnqueueJobResult, InboxEvent, JsonValue, RecordEventResult, SetEventCommitmentResult } from '../types';
import { belowWatermark, copyEvent, insertEvent } from './inbox';
import { memoryJobInserter } from './jobs';
import { type MemoryState, assertOpen, nowOf, serializedStep } from './state';

/** How many times a step plans again after a concurrent insert before giving up. */
const MAX_REPLANS = 16;

/** Values of one projection. */
type Namespace = Map<string, JsonValue>;

/**
 * The {@link ProjectionStore} over the store's data.
 *
 * @param state - the store's data
 * @returns the step and projection operations
 */
export function memoryProjectionStore(state: MemoryState): ProjectionStore {
    const values = new Map<string, Namespace>();
    const insertJob = memoryJobInserter(state);
    const serialized = <T>(run: () => Promise<T>): Promise<T> => serializedStep(state, run);
    const read = async (namespace: string, keys: readonly string[]): Promise<(JsonValue | null)[]> => {
        const checked = checkProjectionKeys(namespace, keys);
        const ns = values.get(checked.namespace);
        return checked.keys.map(k => ns?.get(k) ?? null);
    };
    /** Validates a plan completely, then applies its jobs and writes. */
    const prepare = (plan: InboxStepPlan, now: number): (() => EnqueueJobResult[]) => {
        const jobs = checkBatch('jobs', plan.jobs ?? []).map(j => checkEnqueueJob(j, freezeJson));
        const writes = checkProjectionWrites(plan.writes, freezeJson);
        return () => {
            for (const w of writes) {
                let ns = values.get(w.namespace);
                if (w.value === null) ns?.delete(w.key);
                else {
                    if (!ns) values.set(w.namespace, (ns = new Map()));
                    ns.set(w.key, w.value);
                }
            }
            return jobs.map(j => insertJob(j, now));
        };
    };

    return {
        recordEventsWith(inputs, plan: PlanInboxStep) {
            return serialized(async () => {
                assertOpen(state);
                const checked = checkBatch('inputs', inputs).map(input => ({ event: checkRecordEvent(input, freezeJson), now: nowOf(state, input.now) }));
                for (let attempt = 0; ; attempt++) {
                    // The events this step would insert (the first occurrence of a key wins), as they would be stored.
                    const fresh = new Set<string>();
                    const changed: InboxEvent[] = [];
                    for (const c of checked) {
                        const id = eventMapKey(c.event);
                        if (state.events.has(id) || fresh.has(id) || belowWatermark(state, c.event.slot)) continue;
                        fresh.add(id);
                        changed.push({ ...c.event, receivedAt: c.now, updatedAt: c.now });
                    }
                    const decided = await plan(changed, read);
                    assertOpen(state);
                    const now = nowOf(state, undefined);
                    const apply = prepare(decided, now);
                    if ([...fresh].some(id => state.events.has(id)) && attempt < MAX_REPLANS) continue;
                    const results: RecordEventResult[] = checked.map(c => insertEvent(state, c.event, c.now));
                    return { results, jobs: apply() };
                }
            });
        },

        setEventCommitmentsWith(inputs, plan: PlanInboxStep) {
            return serialized(async () => {
                assertOpen(state);
                const moves = checkBatch('inputs', inputs).map(input => {
                    checkEventKey(input);
                    return { key: eventMapKey(input), to: checkCommitment(input.commitment, true), now: nowOf(state, input.now) };
                });
                for (let attempt = 0; ; attempt++) {
                    const before = moves.map(m => state.events.get(m.key)?.commitment);
                    // The moves as they will apply, in input order: the plan sees each event once, as it will be committed.
                    const after = new Map<string, InboxEvent>();
                    for (const m of moves) {
                        const current = after.get(m.key) ?? state.events.get(m.key);
                        if (!current || !commitmentMoveAllowed(current.commitment, m.to)) continue;
                        after.set(m.key, { ...copyEvent(current), commitment: m.to, updatedAt: m.now });
                    }
                    const changed = [...after.values()];
                    const decided = await plan(changed, read);
                    assertOpen(state);
                    const apply = prepare(decided, nowOf(state, undefined));
                    if (moves.some((m, i) => state.events.get(m.key)?.commitment !== before[i]) && attempt < MAX_REPLANS) continue;
                    const results: SetEventCommitmentResult[] = moves.map(m => {
                        const e = state.events.get(m.key);
                        if (!e) return { changed: false, event: null };
                        if (!commitmentMoveAllowed(e.commitment, m.to)) return { changed: false, event: copyEvent(e) };
                        e.commitment = m.to;
                        e.updatedAt = m.now;
                        return { changed: true, event: copyEvent(e) };
                    });
                    return { results, jobs: apply() };
                }
            });
        },

        async getProjectionValues(namespace, keys) {
            assertOpen(state);
            return read(namespace, keys);
        },

        async listProjectionValues(input) {
            assertOpen(state);
            const q = checkListProjectionValues(input);
            const ns = values.get(q.namespace);
            if (!ns) return [];
            const keys = [...ns.keys()].filter(k => k.startsWith(q.prefix) && (q.after === null || compareKeysBytewise(k, q.after) > 0)).sort(compareKeysBytewise);
            return keys.slice(0, q.limit).map(key => ({ key, value: ns.get(key)! }));
        },
    };
}
