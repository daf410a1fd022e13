/**
 * The job queue of the SQL store: batch enqueues over `unnest`, claims with `FOR UPDATE SKIP
 * LOCKED` from the partial indexes of due and expired jobs (see `queries/jobs-claim.sql`), and
 * lease-holder checks in every update's `WHERE`.
 *
 * @internal
 */
import { backendFailed } from '../errors';
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
    cloneJson,
    num,
    numOrNull,
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
    ListDeadLettersInput,
    RedriveDeadLetterInput,
    RenewJobLeaseInput,
} from '../types';
import type { SqlConnection, SqlRunner } from './connection';
import { firstWins, toJob } from './rows';

function byRunAtThenId(a: JobRecord, b: JobRecord): number {
    return a.runAt - b.runAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const ALL_JOB_STATUSES = ['pending', 'running', 'completed', 'dead'];

/** A job checked for enqueueing, with its time and the caller's payload (copied for the result). */
export type JobToEnqueue = CheckedJob & { readonly now: number | null; readonly source: unknown };

/**
 * Checks a batch of jobs to enqueue (every input before any is written).
 *
 * @param db - the store's connection (its clock)
 * @param inputs - the jobs
 * @param name - the argument's name in errors
 * @returns the checked jobs, in input order
 */
export function checkJobsToEnqueue(db: SqlConnection, inputs: readonly EnqueueJobInput[], name = 'inputs'): JobToEnqueue[] {
    return checkBatch(name, inputs).map(input => ({ ...checkEnqueueJob(input), now: db.now(input.now), source: input.payload ?? null }));
}

/**
 * Inserts checked jobs if absent (by id), in one statement; a job with a lease is created claimed.
 * The first occurrence of an id in the batch is inserted, later ones and stored jobs are reported
 * as they are stored.
 *
 * @param db - the store's statements
 * @param run - the connection or the step's transaction
 * @param checked - the jobs, from {@link checkJobsToEnqueue}
 * @returns one result per job, in order
 */
export async function insertJobs(db: SqlConnection, run: SqlRunner, checked: readonly JobToEnqueue[]): Promise<EnqueueJobResult[]> {
    if (checked.length === 0) return [];
    const rows = await run.query(db.sql.jobsEnqueue, [
        checked.map(j => j.id),
        checked.map(j => j.queue),
        checked.map(j => j.name),
        checked.map(j => j.payload),
        checked.map(j => j.runAt),
        checked.map(j => j.maxAttempts),
        checked.map(j => j.now),
        checked.map(j => j.lease?.owner ?? null),
        checked.map(j => j.lease?.leaseMs ?? null),
        null,
    ]);
    // What was inserted is known: only the database's clock comes back (no payload round trip).
    const byId = new Map<string, JobToEnqueue>();
    for (const j of checked) if (!byId.has(j.id)) byId.set(j.id, j); // the first occurrence was inserted
    const inserted = new Map<string, JobRecord>();
    for (const r of rows) {
        const j = byId.get(String(r.id))!;
        const at = num(r.created_at);
        inserted.set(j.id, {
            id: j.id,
            queue: j.queue,
            name: j.name,
            payload: cloneJson('payload', j.source),
            status: j.lease ? 'running' : 'pending',
            runAt: num(r.run_at),
            attempts: j.lease ? 1 : 0,
            maxAttempts: j.maxAttempts,
            leaseOwner: j.lease ? j.lease.owner : null,
            leaseExpiresAt: numOrNull(r.lease_expires_at),
            lastError: null,
            createdAt: at,
            updatedAt: at,
            finishedAt: null,
        });
    }
    const missing = checked.filter(j => !inserted.has(j.id)).map(j => j.id);
    const existing = new Map<string, JobRecord>();
    if (missing.length > 0) for (const r of await run.query(db.sql.jobsGet, [missing])) existing.set(String(r.id), toJob(r));
    return firstWins(checked, j => j.id, inserted, existing).map(({ isNew, record }, i) => {
        if (!record) throw backendFailed(db.kind, `job ${checked[i]!.id} conflicted on insert but cannot be read`);
        return { created: isNew, job: record };
    });
}

/**
 * The {@link JobQueue} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the job operations
 */
export function sqlJobQueue(db: SqlConnection): JobQueue {
    const getJob = async (id: string): Promise<JobRecord | null> => {
        const rows = await db.query(db.sql.jobGet, [checkId('id', id)]);
        return rows[0] ? toJob(rows[0]) : null;
    };

    const enqueueJobs = async (inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> => insertJobs(db, db, checkJobsToEnqueue(db, inputs));

    return {
        getJob,
        enqueueJobs,

        async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
            return (await enqueueJobs([input]))[0]!;
        },

        async countJobs(input: CountJobsInput = {}): Promise<number> {
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            const states = input.statuses ? [...new Set(input.statuses.map(checkJobStatus))] : ALL_JOB_STATUSES;
            if (states.length === 0) return 0;
            const rows = await db.query(db.sql.jobsCount, [queue, states]);
            return num(rows[0]?.n ?? 0);
        },

        async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
            const owner = checkId('owner', input.owner);
            const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
            const limit = checkLimit(input.limit);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const rows = await db.query(db.sql.jobsClaim, [owner, queue, limit, leaseMs, db.now(input.now)]);
            return rows.map(toJob).sort(byRunAtThenId);
        },

        async renewJobLease(input: RenewJobLeaseInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const rows = await db.query(db.sql.jobRenewLease, [id, owner, leaseMs, db.now(input.now)]);
            return rows[0] ? toJob(rows[0]) : null;
        },

        async completeJobs(input: CompleteJobsInput): Promise<string[]> {
            const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
            const owner = checkId('owner', input.owner);
            const now = db.now(input.now);
            if (ids.length === 0) return [];
            const rows = await db.query(db.sql.jobsComplete, [ids, owner, now]);
            const done = new Set(rows.map(r => String(r.id)));
            return [...new Set(ids)].filter(id => done.has(id));
        },

        async releaseJob(input: JobLeaseInput): Promise<boolean> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const rows = await db.query(db.sql.jobRelease, [id, owner, db.now(input.now)]);
            return rows.length === 1;
        },

        async failJob(input: FailJobInput): Promise<FailJobResult> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const error = clipError(input.error);
            const delay = input.retryDelayMs === undefined ? null : checkUint('retryDelayMs', input.retryDelayMs);
            const { minMs, maxMs, factor, jitter } = db.backoff;
            const rows = await db.query(db.sql.jobFail, [id, owner, error, db.now(input.now), input.unrecoverable === true, delay, minMs, maxMs, factor, jitter, Math.random()]);
            if (rows[0]) {
                const job = toJob(rows[0]);
                return { outcome: job.status === 'dead' ? 'dead' : 'retry', job };
            }
            return { outcome: 'lost', job: await getJob(id) };
        },

        async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
            const limit = checkLimit(input.limit);
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            const rows = await db.query(db.sql.jobsListDead, [queue, limit]);
            return rows.map(toJob);
        },

        async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const runAt = input.runAt === undefined ? null : checkUint('runAt', input.runAt);
            const rows = await db.query(db.sql.jobRedrive, [id, runAt, db.now(input.now)]);
            return rows[0] ? toJob(rows[0]) : null;
        },
    };
}
