/**
 * The job queue of the SQLite store. A claim reads the due pending jobs and the expired leases
 * from their partial indexes in `run_at, id` order, stopping at the limit (so a claim costs the
 * same whatever the backlog), and leases them in the same transaction.
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
    cloneJson,
    fromJson,
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
    JobStatus,
    ListDeadLettersInput,
    RedriveDeadLetterInput,
    RenewJobLeaseInput,
} from '../types';
import type { Row, SqliteConnection, SqliteQueries } from './connection';

const JOB_COLS = 'id, queue, name, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, last_error, created_at, updated_at, finished_at';
const SELECT_JOB = `SELECT ${JOB_COLS} FROM jobs WHERE id = ?`;
const INSERT_JOB = `INSERT INTO jobs (${JOB_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL) ON CONFLICT DO NOTHING`;
const UPDATE_JOB = `UPDATE jobs SET status = ?, run_at = ?, attempts = ?, lease_owner = ?, lease_expires_at = ?, last_error = ?, updated_at = ?, finished_at = ?
    WHERE id = ?`;
/** Expired leases without an attempt left become dead letters. @queue, @now. */
const DEAD_LETTER_EXPIRED = `UPDATE jobs SET status = 'dead', lease_owner = NULL, lease_expires_at = NULL, last_error = coalesce(last_error, 'lease expired'),
        updated_at = @now, finished_at = @now
    WHERE queue = @queue AND status = 'running' AND lease_expires_at <= @now AND attempts >= max_attempts`;
/** The ids of the first `@limit` due jobs in claim order: pending ones and expired leases, each read in order from its index. */
const SELECT_DUE = `SELECT id FROM (
        SELECT * FROM (SELECT id, run_at FROM jobs WHERE queue = @queue AND status = 'pending' AND run_at <= @now ORDER BY run_at, id LIMIT @limit)
        UNION ALL
        SELECT * FROM (SELECT id, run_at FROM jobs WHERE queue = @queue AND status = 'running' AND lease_expires_at <= @now ORDER BY run_at, id LIMIT @limit)
    ) ORDER BY run_at, id LIMIT @limit`;
const CLAIM_JOB = `UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?
    RETURNING ${JOB_COLS}`;
const RENEW_LEASE = `UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING ${JOB_COLS}`;
const COMPLETE_JOB = `UPDATE jobs SET status = 'completed', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, finished_at = ?
    WHERE id = ? AND lease_owner = ? AND status = 'running'`;
const RELEASE_JOB = `UPDATE jobs SET status = 'pending', run_at = ?, attempts = max(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
    WHERE id = ? AND lease_owner = ? AND status = 'running'`;
const REDRIVE_JOB = `UPDATE jobs SET status = 'pending', run_at = ?, attempts = 0, updated_at = ?, finished_at = NULL WHERE id = ? AND status = 'dead'
    RETURNING ${JOB_COLS}`;

function toJob(r: Row): JobRecord {
    return {
        id: String(r.id),
        queue: String(r.queue),
        name: String(r.name),
        payload: fromJson(r.payload),
        status: r.status as JobStatus,
        runAt: num(r.run_at),
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        leaseOwner: (r.lease_owner as string | null) ?? null,
        leaseExpiresAt: numOrNull(r.lease_expires_at),
        lastError: (r.last_error as string | null) ?? null,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
        finishedAt: numOrNull(r.finished_at),
    };
}

function readJob(q: SqliteQueries, id: string): JobRecord | null {
    const row = q.get(SELECT_JOB, id);
    return row ? toJob(row) : null;
}

/**
 * One count per status with the status as a literal (a checked value), so that the partial index
 * of pending, running or dead jobs serves it: completed jobs, which pile up, are only scanned
 * when asked for.
 */
function countSql(status: JobStatus | null, byQueue: boolean): string {
    const where = [status === null ? null : `status = '${status}'`, byQueue ? 'queue = ?' : null].filter(c => c !== null);
    return `SELECT count(*) AS n FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/** A validated job to enqueue, with the caller's payload (copied into the result) and its time. */
export interface JobToEnqueue {
    /** The job, its payload as JSON text. */
    readonly job: CheckedJob;
    /** The caller's payload. */
    readonly source: unknown;
    /** The time of its creation. */
    readonly now: number;
}

/**
 * Validates jobs to enqueue (every one before any is written).
 *
 * @param db - the store's connection (its clock)
 * @param inputs - the jobs
 * @param name - the argument's name in errors
 * @returns the checked jobs
 */
export function checkJobsToEnqueue(db: SqliteConnection, inputs: readonly EnqueueJobInput[], name = 'inputs'): JobToEnqueue[] {
    return checkBatch(name, inputs).map(input => ({ job: checkEnqueueJob(input), now: db.now(input.now), source: input.payload ?? null }));
}

/**
 * Adds a job unless one with its id exists, inside an operation; a job with a lease starts
 * claimed by it (attempt 1).
 *
 * @param q - the operation's statements
 * @param checked - the checked job
 * @returns whether it was created, and the job
 */
export function insertJob(q: SqliteQueries, { job: j, now, source }: JobToEnqueue): EnqueueJobResult {
    const lease = j.lease;
    const job: JobRecord = {
        id: j.id,
        queue: j.queue,
        name: j.name,
        payload: null,
        status: lease ? 'running' : 'pending',
        runAt: j.runAt ?? now,
        attempts: lease ? 1 : 0,
        maxAttempts: j.maxAttempts,
        leaseOwner: lease ? lease.owner : null,
        leaseExpiresAt: lease ? now + lease.leaseMs : null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
    };
    const inserted = q.run(INSERT_JOB, job.id, job.queue, job.name, j.payload, job.status, job.runAt, job.attempts, job.maxAttempts, job.leaseOwner, job.leaseExpiresAt, now, now);
    if (inserted === 0) return { created: false, job: readJob(q, j.id)! };
    return { created: true, job: { ...job, payload: cloneJson('payload', source) } };
}

/**
 * The {@link JobQueue} over the store's database.
 *
 * @param db - the store's connection
 * @returns the job operations
 */
export function sqliteJobQueue(db: SqliteConnection): JobQueue {
    const enqueueJobs = async (inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> => {
        const checked = checkJobsToEnqueue(db, inputs);
        if (checked.length === 0) return [];
        return db.write(q => checked.map(j => insertJob(q, j)));
    };

    return {
        async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
            return (await enqueueJobs([input]))[0]!;
        },

        enqueueJobs,

        async getJob(id: string): Promise<JobRecord | null> {
            const checked = checkId('id', id);
            return db.read(q => readJob(q, checked));
        },

        async countJobs(input: CountJobsInput = {}): Promise<number> {
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            const statuses = input.statuses ? [...new Set(input.statuses.map(checkJobStatus))] : [null];
            const params = queue === null ? [] : [queue];
            return db.read(q => statuses.reduce((n, status) => n + num(q.get(countSql(status, queue !== null), ...params)!.n), 0));
        },

        async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
            const owner = checkId('owner', input.owner);
            const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
            const limit = checkLimit(input.limit);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = db.now(input.now);
            return db.write(q => {
                q.run(DEAD_LETTER_EXPIRED, { queue, now });
                const due = q.all(SELECT_DUE, { queue, now, limit });
                return due.map(({ id }) => toJob(q.get(CLAIM_JOB, owner, now + leaseMs, now, String(id))!));
            });
        },

        async renewJobLease(input: RenewJobLeaseInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = db.now(input.now);
            return db.write(q => {
                const row = q.get(RENEW_LEASE, now + leaseMs, now, id, owner);
                return row ? toJob(row) : null;
            });
        },

        async completeJobs(input: CompleteJobsInput): Promise<string[]> {
            const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
            const owner = checkId('owner', input.owner);
            const now = db.now(input.now);
            if (ids.length === 0) return [];
            return db.write(q => ids.filter(id => q.run(COMPLETE_JOB, now, now, id, owner) === 1));
        },

        async releaseJob(input: JobLeaseInput): Promise<boolean> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const now = db.now(input.now);
            return db.write(q => q.run(RELEASE_JOB, now, now, id, owner) === 1);
        },

        async failJob(input: FailJobInput): Promise<FailJobResult> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const error = clipError(input.error);
            const delay = input.retryDelayMs === undefined ? null : checkUint('retryDelayMs', input.retryDelayMs);
            const now = db.now(input.now);
            return db.write((q): FailJobResult => {
                const j = readJob(q, id);
                if (!j || j.status !== 'running' || j.leaseOwner !== owner) return { outcome: 'lost', job: j };
                const dead = input.unrecoverable === true || j.attempts >= j.maxAttempts;
                const next: JobRecord = dead
                    ? { ...j, status: 'dead', leaseOwner: null, leaseExpiresAt: null, lastError: error, updatedAt: now, finishedAt: now }
                    : {
                          ...j,
                          status: 'pending',
                          runAt: now + (delay ?? backoffDelayMs(db.backoff, j.attempts)),
                          leaseOwner: null,
                          leaseExpiresAt: null,
                          lastError: error,
                          updatedAt: now,
                      };
                q.run(UPDATE_JOB, next.status, next.runAt, next.attempts, null, null, error, now, next.finishedAt, id);
                return { outcome: dead ? 'dead' : 'retry', job: next };
            });
        },

        async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
            const limit = checkLimit(input.limit);
            const queue = input.queue === undefined ? null : checkId('queue', input.queue);
            const byQueue = queue === null ? '' : 'AND queue = ?';
            const sql = `SELECT ${JOB_COLS} FROM jobs WHERE status = 'dead' ${byQueue} ORDER BY finished_at, id LIMIT ?`;
            return db.read(q => q.all(sql, ...(queue === null ? [] : [queue]), limit).map(toJob));
        },

        async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const now = db.now(input.now);
            const runAt = input.runAt === undefined ? now : checkUint('runAt', input.runAt);
            return db.write(q => {
                const row = q.get(REDRIVE_JOB, runAt, now, id);
                return row ? toJob(row) : null;
            });
        },
    };
}
