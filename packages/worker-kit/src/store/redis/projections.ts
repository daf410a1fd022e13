/**
 * Atomic inbox steps and projection values of the Redis store, with optimistic concurrency. A
 * step reads what its plan depends on (which events exist, or their commitments, and the server's
 * clock), runs the plan (its `read` remembers every projection value it returned), then commits
 * with one Lua command (`inbox-step-record` / `inbox-step-move`) that first checks that none of
 * this changed and otherwise writes nothing. On such a conflict the step plans again, at most 16
 * times in all, then fails with `RAFFLE_ERROR__WORKER__STORE_CONTENDED`.
 * Comparing the values read (not a store-wide version) lets steps that touch other keys commit
 * side by side.
 *
 * The retention watermark (`events:pruned-through`) is part of what `recordEventsWith` reads: an
 * absent event at or below it is left out of the plan's `changed` and reported `pruned`; the
 * commit rechecks, per event, that one planned for insertion is still above the watermark (a
 * `pruneEvents` that raised it meanwhile makes the step plan again) and that a pruned one still
 * is not in the inbox, so no job is ever committed for an event reported pruned.
 *
 * The projection `<ns>` is the hash `proj:<ns>` (key -> JSON text) and the sorted set
 * `proj:<ns>:keys` (score 0) that lists its keys in byte order (`ZRANGEBYLEX`).
 *
 * @internal
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ChainableCommander } from 'ioredis';

import { backendFailed, stepContended } from '../errors';
import { checkBatch, checkCommitment, checkEventKey, checkRecordEvent, commitmentMoveAllowed, fromJson, toJson } from '../internal';
import { checkListProjectionValues, checkProjectionKeys, checkProjectionWrites, compareKeysBytewise } from '../projection-checks';
import type {
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
import type { RedisConnection } from './connection';
import { type Fields, WATERMARK_KEY, eventId, fields, toEvent } from './fields';
import { commitmentSources, eventInsertArgs, storedEvent } from './inbox';
import { jobInsertArgs, toEnqueueResult } from './jobs';

/** How many times a step plans and tries to commit before giving up. */
const MAX_STEP_ATTEMPTS = 16;

/** The longest pause (ms) before planning again after a conflict. */
const MAX_REPLAN_PAUSE_MS = 50;

/** The projection values a plan read: `namespace \0 key` -> [namespace, key, JSON text or '' when absent]. */
type StepReads = Map<string, [namespace: string, key: string, raw: string]>;

/**
 * The reply of an inbox-step command: `[0]` on a conflict, else per input and per job
 * `[flag, hash]` (an event's flag: 1 inserted, 0 present, 2 pruned).
 */
type StepReply = [0] | [1, [number, string[]][], [number, string[]][]];

/** One argument of a command. */
type Arg = string | number;

/** Reads projection values; with `reads`, remembers the first value returned for each key. */
async function readValues(db: RedisConnection, namespace: string, keys: readonly string[], reads?: StepReads): Promise<(JsonValue | null)[]> {
    const checked = checkProjectionKeys(namespace, keys);
    const client = await db.client();
    if (checked.keys.length === 0) return [];
    const raws = await client.hmget(db.key(`proj:${checked.namespace}`), ...checked.keys);
    return raws.map((raw, i) => {
        const key = checked.keys[i]!;
        const id = `${checked.namespace}\u0000${key}`;
        if (reads && !reads.has(id)) reads.set(id, [checked.namespace, key, raw ?? '']);
        return raw === null ? null : fromJson(raw);
    });
}

/** Runs a pipeline; fails on the first command that failed. */
async function exec(db: RedisConnection, pipeline: ChainableCommander): Promise<unknown[]> {
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
        if (error) throw backendFailed(db.kind, error.message, error);
        return value;
    });
}

/** The Redis server's clock (`TIME` reply) in ms, as text. */
function timeMs(reply: unknown): string {
    const [seconds, micros] = reply as [string, string];
    return String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
}

/**
 * The arguments of an inbox-step command after the prefix (see `commands/includes/inbox-step.lua`):
 * the counts, the values read, the plan's jobs and writes (checked here), then the events.
 */
function stepArgs(db: RedisConnection, reads: StepReads, plan: InboxStepPlan, events: readonly Arg[][]): Arg[] {
    const jobs = checkBatch('jobs', plan.jobs ?? []).map(job => jobInsertArgs(db, job));
    const writes = checkProjectionWrites(plan.writes, toJson);
    const args: Arg[] = [reads.size, jobs.length, writes.length, events.length];
    for (const read of reads.values()) args.push(...read);
    for (const job of jobs) args.push(...job);
    for (const w of writes) args.push(w.namespace, w.key, w.value ?? '');
    for (const e of events) args.push(...e);
    return args;
}

/**
 * The {@link ProjectionStore} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the step and projection operations
 */
export function redisProjectionStore(db: RedisConnection): ProjectionStore {
    /** Plans and commits until a commit finds nothing changed (`attempt` returns null on a conflict). */
    const untilCommitted = async <R>(attempt: (reads: StepReads, read: ProjectionRead) => Promise<R | null>): Promise<R> => {
        for (let n = 1; n <= MAX_STEP_ATTEMPTS; n++) {
            // A random pause after repeated conflicts, so that racing steps stop meeting.
            if (n > 2) await sleep(Math.random() * Math.min(2 ** n, MAX_REPLAN_PAUSE_MS));
            const reads: StepReads = new Map();
            const done = await attempt(reads, (namespace, keys) => readValues(db, namespace, keys, reads));
            if (done !== null) return done;
        }
        throw stepContended(db.kind, MAX_STEP_ATTEMPTS);
    };

    return {
        async recordEventsWith(inputs, plan: PlanInboxStep): Promise<InboxStepResult<RecordEventResult>> {
            const checked = checkBatch('inputs', inputs).map(input => {
                const event = checkRecordEvent(input);
                return { event, id: eventId(event), now: db.now(input.now) };
            });
            const ids = [...new Set(checked.map(c => c.id))];
            return untilCommitted(async (reads, read) => {
                const pipeline = (await db.client()).pipeline();
                for (const id of ids) pipeline.exists(db.key(`event:${id}`));
                pipeline.get(db.key(WATERMARK_KEY));
                const clock = checked.some(c => c.now === '');
                if (clock) pipeline.time();
                const replies = await exec(db, pipeline);
                const present = new Set(ids.filter((_, i) => replies[i] === 1));
                const mark = replies[ids.length] as string | null;
                const watermark = mark === null ? null : BigInt(mark);
                const serverNow = clock ? timeMs(replies[ids.length + 1]) : '';
                const nows = checked.map(c => c.now || serverNow);
                // The first occurrence of an absent event inserts it (the plan sees it as stored)
                // unless retention pruned its slot (then it and its repeats are reported pruned).
                const firsts = new Map<string, string>();
                const changed: InboxEvent[] = [];
                const events = checked.map((c, i) => {
                    const now = nows[i]!;
                    let expect = firsts.get(c.id);
                    if (expect === undefined) {
                        expect = present.has(c.id) ? 'p' : watermark !== null && c.event.slot <= watermark ? 'x' : 'i';
                        firsts.set(c.id, expect);
                        if (expect === 'i') changed.push(storedEvent(c.event, now));
                    } else if (expect !== 'x') expect = 'd';
                    return [expect, c.id, ...eventInsertArgs(c.event, now)];
                });
                const args = stepArgs(db, reads, await plan(changed, read), events);
                const reply = (await db.run('inboxStepRecord', db.key('events:seen'), args)) as StepReply;
                if (reply[0] === 0) return null;
                return {
                    results: reply[1].map(([flag, hash], i): RecordEventResult => {
                        if (flag === 2) return { inserted: false, pruned: true, event: storedEvent(checked[i]!.event, nows[i]!) };
                        return { inserted: flag === 1, event: flag === 1 ? storedEvent(checked[i]!.event, nows[i]!) : toEvent(fields(hash)) };
                    }),
                    jobs: reply[2].map(toEnqueueResult),
                };
            });
        },

        async setEventCommitmentsWith(inputs, plan: PlanInboxStep): Promise<InboxStepResult<SetEventCommitmentResult>> {
            const moves = checkBatch('inputs', inputs).map(input => {
                checkEventKey(input);
                return { id: eventId(input), to: checkCommitment(input.commitment, true), now: db.now(input.now) };
            });
            const ids = [...new Set(moves.map(m => m.id))];
            return untilCommitted(async (reads, read) => {
                const pipeline = (await db.client()).pipeline();
                for (const id of ids) pipeline.hgetall(db.key(`event:${id}`));
                const clock = moves.some(m => m.now === '');
                if (clock) pipeline.time();
                const replies = await exec(db, pipeline);
                const seen = new Map<string, Fields>();
                ids.forEach((id, i) => {
                    const f = replies[i] as Fields;
                    if (f.signature) seen.set(id, f);
                });
                const serverNow = clock ? timeMs(replies[ids.length]) : '';
                // Moves apply in input order, as setEventCommitment calls would; the plan sees each
                // moved event once, as it will be committed (its last move).
                const current = new Map(seen);
                const checkedIds = new Set<string>();
                const movedById = new Map<string, InboxEvent>();
                const events = moves.map(m => {
                    const now = m.now || serverNow;
                    const f = current.get(m.id);
                    if (f && commitmentMoveAllowed(f.commitment as InboxEvent['commitment'], m.to)) {
                        const moved = { ...f, commitment: m.to, updatedAt: now };
                        current.set(m.id, moved);
                        movedById.set(m.id, toEvent(moved));
                    }
                    const expect = checkedIds.has(m.id) ? 'd' : 'c';
                    checkedIds.add(m.id);
                    return [expect, m.id, seen.get(m.id)?.commitment ?? '', m.to, commitmentSources(m.to), now];
                });
                const changed = [...movedById.values()];
                const args = stepArgs(db, reads, await plan(changed, read), events);
                const reply = (await db.run('inboxStepMove', db.key('events:seen'), args)) as StepReply;
                if (reply[0] === 0) return null;
                return {
                    results: reply[1].map(([moved, hash]) => {
                        const f = fields(hash);
                        return { changed: moved === 1, event: f.signature ? toEvent(f) : null };
                    }),
                    jobs: reply[2].map(toEnqueueResult),
                };
            });
        },

        getProjectionValues(namespace, keys) {
            return readValues(db, namespace, keys);
        },

        async listProjectionValues(input) {
            const q = checkListProjectionValues(input);
            const min = q.after !== null && compareKeysBytewise(q.after, q.prefix) >= 0 ? `(${q.after}` : q.prefix === '' ? '-' : `[${q.prefix}`;
            const reply = (await db.run('projectionsList', db.key(`proj:${q.namespace}:keys`), [q.namespace, min, q.prefix, q.limit])) as string[];
            const out: { key: string; value: JsonValue }[] = [];
            for (let i = 0; i + 1 < reply.length; i += 2) out.push({ key: reply[i]!, value: fromJson(reply[i + 1]) });
            return out;
        },
    };
}
