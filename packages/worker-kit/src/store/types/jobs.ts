/**
 * The job concern: a durable queue of leased jobs with retries and dead letters.
 *
 * @packageDocumentation
 */
import type { ClockOptions, JsonValue, MAX_BATCH_SIZE } from './common';

/**
 * Where a job is: `pending` (waiting for `runAt`), `running` (leased to an owner until
 * `leaseExpiresAt`), `completed`, `dead` (dead letter: out of attempts or unrecoverable).
 */
export type JobStatus = 'pending' | 'running' | 'completed' | 'dead';

/** One job. */
export interface JobRecord {
    /** Unique id; deterministic ids make enqueueing idempotent. */
    readonly id: string;
    /** The queue it belongs to. */
    readonly queue: string;
    /** The kind of work (the handler's name). */
    readonly name: string;
    /** The job's input. */
    readonly payload: JsonValue;
    /** Where the job is. */
    readonly status: JobStatus;
    /** The earliest time it may run (ms). */
    readonly runAt: number;
    /** How many times it was claimed. */
    readonly attempts: number;
    /** After this many failed attempts it becomes a dead letter. */
    readonly maxAttempts: number;
    /** The owner of the current lease (`running` only). */
    readonly leaseOwner: string | null;
    /** When the current lease expires (`running` only). */
    readonly leaseExpiresAt: number | null;
    /** The error of the last failed attempt. */
    readonly lastError: string | null;
    /** When it was enqueued (ms). */
    readonly createdAt: number;
    /** When it last changed (ms). */
    readonly updatedAt: number;
    /** When it completed or became a dead letter (ms). */
    readonly finishedAt: number | null;
}

/** Input of {@link JobQueue.enqueueJob}. */
export interface EnqueueJobInput extends ClockOptions {
    /** A deterministic id makes enqueueing idempotent; a random id when omitted. */
    id?: string;
    /** The queue; `default` when omitted. */
    queue?: string;
    /** The kind of work. */
    name: string;
    /** The job's input. */
    payload?: JsonValue;
    /** The earliest time it may run (ms); now when omitted. */
    runAt?: number;
    /** Attempts before it becomes a dead letter (default 5, at least 1). */
    maxAttempts?: number;
    /**
     * Claims the job in the same step when it is created: it starts `running` under this lease
     * (attempt 1), exactly as if `claimJobs` had returned it, and comes back to the queue if the
     * lease expires. A job that already existed is left as it is. For a worker that enqueues work
     * it runs itself at once; not combinable with `runAt`.
     */
    lease?: { owner: string; leaseMs: number };
}

/** Result of {@link JobQueue.enqueueJob}. */
export interface EnqueueJobResult {
    /** True when the job was created; false when a job with that id existed (it is unchanged). */
    readonly created: boolean;
    /** The job. */
    readonly job: JobRecord;
}

/** Input of {@link JobQueue.claimJobs}. */
export interface ClaimJobsInput extends ClockOptions {
    /** Who claims: a unique id per worker process. */
    owner: string;
    /** The queue; `default` when omitted. */
    queue?: string;
    /** At most this many jobs (1..1000). */
    limit: number;
    /** Lease length in ms; the owner must complete, fail or renew before it expires. */
    leaseMs: number;
}

/** Identifies a lease on a job held by an owner. */
export interface JobLeaseInput extends ClockOptions {
    /** The job's id. */
    id: string;
    /** The owner that claimed it. */
    owner: string;
}

/** Input of {@link JobQueue.renewJobLease}. */
export interface RenewJobLeaseInput extends JobLeaseInput {
    /** The new lease length from now, in ms. */
    leaseMs: number;
}

/** Input of {@link JobQueue.failJob}. */
export interface FailJobInput extends JobLeaseInput {
    /** What went wrong (no secrets). */
    error: string;
    /** Delay before the next attempt; the store's `backoff` option when omitted. */
    retryDelayMs?: number;
    /** Dead-letter now, whatever the attempts left (an unrecoverable error). */
    unrecoverable?: boolean;
}

/** Result of {@link JobQueue.failJob}. */
export interface FailJobResult {
    /** `retry`: rescheduled; `dead`: dead-lettered; `lost`: the caller no longer held the lease. */
    readonly outcome: 'retry' | 'dead' | 'lost';
    /** The job after the call (null when it does not exist). */
    readonly job: JobRecord | null;
}

/** Input of {@link JobQueue.completeJobs}. */
export interface CompleteJobsInput extends ClockOptions {
    /** The jobs' ids (at most {@link MAX_BATCH_SIZE}). */
    ids: readonly string[];
    /** The owner that claimed them. */
    owner: string;
}

/** Filter of {@link JobQueue.countJobs}. */
export interface CountJobsInput {
    /** Only this queue; every queue when omitted. */
    queue?: string;
    /** Only jobs in one of these states; every state when omitted. */
    statuses?: readonly JobStatus[];
}

/** Input of {@link JobQueue.listDeadLetters}. */
export interface ListDeadLettersInput {
    /** Only this queue; every queue when omitted. */
    queue?: string;
    /** At most this many (default 100, at most 1000), oldest first. */
    limit?: number;
}

/** Input of {@link JobQueue.redriveDeadLetter}. */
export interface RedriveDeadLetterInput extends ClockOptions {
    /** The dead job's id. */
    id: string;
    /** When to run it again; now when omitted. */
    runAt?: number;
}

/**
 * The job queue: jobs are enqueued once by id, claimed under a lease, completed, retried with
 * backoff or dead-lettered; a crashed claimer's job comes back when its lease expires.
 *
 * @example
 * ```ts
 * await store.enqueueJob({ id: `draw:${raffle}`, name: 'draw', payload: { raffle } });
 * const jobs = await store.claimJobs({ owner: workerId, limit: 10, leaseMs: 30_000 });
 * await store.completeJobs({ owner: workerId, ids: jobs.map(j => j.id) });
 * ```
 */
export interface JobQueue {
    /**
     * Adds a job unless one with the same id exists.
     * @param input - the job
     * @returns whether it was created, and the job
     */
    enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult>;
    /**
     * {@link JobQueue.enqueueJob} for many jobs in one round trip. Within one batch the first
     * job with an id wins (later ones report `created: false`). Each insert is atomic; the batch
     * as a whole need not be.
     * @param inputs - at most {@link MAX_BATCH_SIZE} jobs
     * @returns one result per input, in input order
     */
    enqueueJobs(inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]>;
    /**
     * Reads one job.
     * @param id - its id
     * @returns the job, or null
     */
    getJob(id: string): Promise<JobRecord | null>;
    /**
     * Counts jobs (queue depth for status reports).
     * @param input - filters
     * @returns how many jobs match
     */
    countJobs(input?: CountJobsInput): Promise<number>;
    /**
     * Atomically leases up to `limit` due jobs of a queue to `owner`: `pending` jobs whose
     * `runAt` has come and `running` jobs whose lease expired (their owner crashed), ordered by
     * `runAt` then id. Each claim increments `attempts`. An expired job that has no attempt
     * left becomes a dead letter instead. Two claimers never receive the same job.
     * @param input - owner, queue, limit and lease length
     * @returns the claimed jobs (status `running`)
     */
    claimJobs(input: ClaimJobsInput): Promise<JobRecord[]>;
    /**
     * Renews the lease of a running job (heartbeat).
     * @param input - job, owner and new lease length
     * @returns the job, or null when the owner no longer holds the lease
     */
    renewJobLease(input: RenewJobLeaseInput): Promise<JobRecord | null>;
    /**
     * Marks running jobs of one owner completed, in one round trip.
     * @param input - the ids (at most {@link MAX_BATCH_SIZE}) and the owner
     * @returns the ids that were completed (those whose lease the owner still held), in input order
     */
    completeJobs(input: CompleteJobsInput): Promise<string[]>;
    /**
     * Hands a running job back without spending the attempt (graceful shutdown): it becomes
     * `pending` and due now, its attempt count goes back down by one, its lease is cleared.
     * @param input - job and owner
     * @returns true when released; false when the owner no longer held the lease
     */
    releaseJob(input: JobLeaseInput): Promise<boolean>;
    /**
     * Records a failed attempt: reschedules the job with backoff, or dead-letters it when it
     * has no attempt left or the error is unrecoverable.
     * @param input - job, owner, error and retry options
     * @returns the outcome and the job
     */
    failJob(input: FailJobInput): Promise<FailJobResult>;
    /**
     * Lists dead letters, oldest first.
     * @param input - filters
     * @returns the dead jobs
     */
    listDeadLetters(input?: ListDeadLettersInput): Promise<JobRecord[]>;
    /**
     * Puts a dead job back in its queue with its attempts reset.
     * @param input - the job and when to run it
     * @returns the job, or null when it is not a dead letter
     */
    redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null>;
}
