/**
 * The job queue of the in-memory store: a heap of pending jobs per queue (claims take the
 * first due ones in O(log n)) and the set of running jobs (expired leases come back).
 *
 * @internal
 */
import { backoffDelayMs } from '../../core/backoff';
import {
    type CheckedJob,
    DEFAULT_QUEUE,
    checkBatch,
    checkEnqueueJob,
    checkId,
    checkJobStatus,
    checkLimit,
    checkPositive,
    checkUint,
    clipError,
    freezeJson,
} from '../internal';
import type {
    ClaimJobsInput,
    CompleteJobsInput,
    CountJobsInput,
    EnqueueJobInput,
    EnqueueJobResult,
    FailJobInput,
    FailJobResult,
    JobLeaseInput,
    JobQueue,
    JobRecord,
    JsonValue,
    ListDeadLettersInput,
    RedriveDeadLetterInput,
    RenewJobLeaseInput,
} from '../types';
import { type MemoryQueue, type MemoryState, PendingHeap, type Stored, assertOpen, claimOrder, compareText, nowOf } from './state';

type StoredJob = Stored<JobRecord>;

/** A caller's copy of a stored job (its JSON payload is frozen and shared). */
function copyJob(j: StoredJob): JobRecord {
    return {
        id: j.id,
        queue: j.queue,
        name: j.name,
        payload: j.payload,
        maxAttempts: j.maxAttempts,
        status: j.status,
        runAt: j.runAt,
        attempts: j.attempts,
        leaseOwner: j.leaseOwner,
        leaseExpiresAt: j.leaseExpiresAt,
        lastError: j.lastError,
        createdAt: j.createdAt,
        updatedAt: j.updatedAt,
        finishedAt: j.finishedAt,
    };
}

/** The queue's pending heap and running set, created on first use. */
function queueOf(state: MemoryState, name: string): MemoryQueue {
    let q = state.queues.get(name);
    if (!q) state.queues.set(name, (q = { pending: new PendingHeap(), running: new Set() }));
    return q;
}

/** Makes a job pending (it must not be running any more). */
function toPending(state: MemoryState, j: StoredJob): void {
    const q = queueOf(state, j.queue);
    q.running.delete(j.id);
    q.pending.push({ runAt: j.runAt, id: j.id });
}

/**
 * Inserts checked jobs: insert-if-absent by id, claimed at once when they carry a lease.
 *
 * @param state - the store's data
 * @returns the insert function
 */
export function memoryJobInserter(state: MemoryState): (checked: CheckedJob<JsonValue>, now: number) => EnqueueJobResult {
    return (checked, now) => {
        const existing = state.jobs.get(checked.id);
        if (existing) return { created: false, job: copyJob(existing) };
        // A literal with every field (not a spread): one object shape for every stored job.
        const lease = checked.lease;
        const j: StoredJob = {
            id: checked.id,
            queue: checked.queue,
            name: checked.name,
            payload: checked.payload,
            maxAttempts: checked.maxAttempts,
            status: lease ? 'running' : 'pending',
            runAt: checked.runAt ?? now,
            attempts: lease ? 1 : 0,
            leaseOwner: lease ? lease.owner : null,
            leaseExpiresAt: lease ? now + lease.leaseMs : null,
            lastError: null,
            createdAt: now,
            updatedAt: now,
            finishedAt: null,
        };
        state.jobs.set(j.id, j);
        if (lease) queueOf(state, j.queue).running.add(j.id);
        else toPending(state, j);
        return { created: true, job: copyJob(j) };
    };
}

/**
 * The {@link JobQueue} over the store's data.
 *
 * @param state - the store's data
 * @returns the job operations
 */
export function memoryJobQueue(state: MemoryState): JobQueue {
    const insertJob = memoryJobInserter(state);
    /** The first pending job of a heap if it is due (stale heap entries are dropped). */
    const duePending = (heap: PendingHeap, now: number): StoredJob | null => {
        for (;;) {
            const entry = heap.peek();
            if (!entry) return null;
            const j = state.jobs.get(entry.id);
            if (!j || j.status !== 'pending' || j.runAt !== entry.runAt) {
                heap.pop();
                continue;
            }
            return j.runAt <= now ? j : null;
        }
    };

    const held = (id: string, owner: string): StoredJob | null => {
        const j = state.jobs.get(id);
        return j && j.status === 'running' && j.leaseOwner === owner ? j : null;
    };

    const complete = (id: string, owner: string, now: number): boolean => {
        const j = held(id, owner);
        if (!j) return false;
        j.status = 'completed';
        j.leaseOwner = null;
        j.leaseExpiresAt = null;
        j.updatedAt = now;
        j.finishedAt = now;
        queueOf(state, j.queue).running.delete(id);
        return true;
    };

    return {
        async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
            assertOpen(state);
            return insertJob(checkEnqueueJob(input, freezeJson), nowOf(state, input.now));
        },

        async enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> {
            assertOpen(state);
            // Validate every input before writing any.
            const checked = checkBatch('inputs', inputs).map(input => ({ job: checkEnqueueJob(input, freezeJson), now: nowOf(state, input.now) }));
            return checked.map(c => insertJob(c.job, c.now));
        },

        async getJob(id: string): Promise<JobRecord | null> {
            assertOpen(state);
            const j = state.jobs.get(checkId('id', id));
            return j ? copyJob(j) : null;
        },

        async countJobs(input: CountJobsInput = {}): Promise<number> {
            assertOpen(state);
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            const states = input.statuses ? new Set(input.statuses.map(checkJobStatus)) : null;
            let n = 0;
            for (const j of state.jobs.values()) if ((queue === null || j.queue === queue) && (!states || states.has(j.status))) n++;
            return n;
        },

        async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
            assertOpen(state);
            const owner = checkId('owner', input.owner);
            const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
            const limit = checkLimit(input.limit);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = nowOf(state, input.now);
            const q = queueOf(state, queue);
            // Expired leases (their owner crashed): taken over, or dead when out of attempts.
            const expired: StoredJob[] = [];
            for (const id of q.running) {
                const j = state.jobs.get(id)!;
                if (j.leaseExpiresAt === null || j.leaseExpiresAt > now) continue;
                if (j.attempts >= j.maxAttempts) {
                    Object.assign(j, { status: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: j.lastError ?? 'lease expired', updatedAt: now, finishedAt: now });
                    q.running.delete(id);
                } else expired.push(j);
            }
            expired.sort(claimOrder);
            // Merge them with the due pending jobs, in claim order.
            const claimed: StoredJob[] = [];
            let e = 0;
            while (claimed.length < limit) {
                const top = duePending(q.pending, now);
                const next = expired[e];
                if (!top && !next) break;
                if (next && (!top || claimOrder(next, top) < 0)) {
                    claimed.push(next);
                    e++;
                } else {
                    q.pending.pop();
                    claimed.push(top!);
                    q.running.add(top!.id);
                }
            }
            return claimed.map(j => {
                j.status = 'running';
                j.leaseOwner = owner;
                j.leaseExpiresAt = now + leaseMs;
                j.attempts++;
                j.updatedAt = now;
                return copyJob(j);
            });
        },

        async renewJobLease(input: RenewJobLeaseInput): Promise<JobRecord | null> {
            assertOpen(state);
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = nowOf(state, input.now);
            const j = held(id, owner);
            if (!j) return null;
            Object.assign(j, { leaseExpiresAt: now + leaseMs, updatedAt: now });
            return copyJob(j);
        },

        async completeJobs(input: CompleteJobsInput): Promise<string[]> {
            assertOpen(state);
            const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
            const owner = checkId('owner', input.owner);
            const now = nowOf(state, input.now);
            return ids.filter(id => complete(id, owner, now));
        },

        async releaseJob(input: JobLeaseInput): Promise<boolean> {
            assertOpen(state);
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const now = nowOf(state, input.now);
            const j = held(id, owner);
            if (!j) return false;
            Object.assign(j, { status: 'pending', runAt: now, attempts: Math.max(0, j.attempts - 1), leaseOwner: null, leaseExpiresAt: null, updatedAt: now });
            toPending(state, j);
            return true;
        },

        async failJob(input: FailJobInput): Promise<FailJobResult> {
            assertOpen(state);
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const error = clipError(input.error);
            const delay = input.retryDelayMs === undefined ? null : checkUint('retryDelayMs', input.retryDelayMs);
            const now = nowOf(state, input.now);
            const j = held(id, owner);
            if (!j) {
                const current = state.jobs.get(id);
                return { outcome: 'lost', job: current ? copyJob(current) : null };
            }
            if (input.unrecoverable === true || j.attempts >= j.maxAttempts) {
                Object.assign(j, { status: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: now, finishedAt: now });
                queueOf(state, j.queue).running.delete(id);
                return { outcome: 'dead', job: copyJob(j) };
            }
            const runAt = now + (delay ?? backoffDelayMs(state.backoff, j.attempts));
            Object.assign(j, { status: 'pending', runAt, leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: now });
            toPending(state, j);
            return { outcome: 'retry', job: copyJob(j) };
        },

        async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
            assertOpen(state);
            const limit = checkLimit(input.limit);
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            return [...state.jobs.values()]
                .filter(j => j.status === 'dead' && (queue === null || j.queue === queue))
                .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || compareText(a.id, b.id))
                .slice(0, limit)
                .map(copyJob);
        },

        async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
            assertOpen(state);
            const id = checkId('id', input.id);
            const now = nowOf(state, input.now);
            const runAt = input.runAt === undefined ? now : checkUint('runAt', input.runAt);
            const j = state.jobs.get(id);
            if (!j || j.status !== 'dead') return null;
            Object.assign(j, { status: 'pending', runAt, attempts: 0, updatedAt: now, finishedAt: null });
            toPending(state, j);
            return copyJob(j);
        },
    };
}
