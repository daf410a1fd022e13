/**
 * The job queue of the Redis store: `job:<id>` hashes; per queue a sorted set of pending jobs
 * by `runAt` (`q:<queue>:pending`), of running jobs by lease expiry (`q:<queue>:running`) and
 * of dead letters (and `dead` across queues), a counter of completed jobs (they are in no queue
 * index; `jobs:completed` lists them by finishedAt for retention), and the set of queue names
 * (`queues`).
 *
 * @internal
 */
import { DEFAULT_QUEUE, checkBatch, checkEnqueueJob, checkId, checkJobStatus, checkLimit, checkPositive, checkUint, clipError, num } from '../internal';
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
import type { RedisConnection } from './connection';
import { fields, toJob } from './fields';

const ALL_JOB_STATUSES = 'pending,running,completed,dead';

/**
 * Checks a job to enqueue and returns the arguments of the Lua `insert_job` (`includes/job.lua`)
 * after the prefix: id, queue, name, payload, runAt|'', maxAttempts, now|'', lease owner|'',
 * lease ms|''.
 *
 * @param db - the store's connection (for `now`)
 * @param input - the job
 * @returns the nine arguments
 */
export function jobInsertArgs(db: RedisConnection, input: EnqueueJobInput): (string | number)[] {
    const j = checkEnqueueJob(input);
    return [
        j.id,
        j.queue,
        j.name,
        j.payload,
        j.runAt === null ? '' : String(j.runAt),
        j.maxAttempts,
        db.now(input.now),
        j.lease ? j.lease.owner : '',
        j.lease ? j.lease.leaseMs : '',
    ];
}

/**
 * The result of one `insert_job` reply.
 *
 * @param reply - `{created, hash}`
 * @returns whether it was created, and the job
 */
export function toEnqueueResult(reply: [number, string[]]): EnqueueJobResult {
    return { created: reply[0] === 1, job: toJob(fields(reply[1])) };
}

/**
 * The {@link JobQueue} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the job operations
 */
export function redisJobQueue(db: RedisConnection): JobQueue {
    const enqueueJobs = async (inputs: readonly EnqueueJobInput[]): Promise<EnqueueJobResult[]> => {
        const calls = checkBatch('inputs', inputs).map(input => {
            const args = jobInsertArgs(db, input);
            return { key: db.key(`job:${args[0]}`), args };
        });
        const replies = (await db.runMany('jobEnqueue', calls)) as [number, string[]][];
        return replies.map(toEnqueueResult);
    };
    return {
        enqueueJobs,

        async enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
            return (await enqueueJobs([input]))[0]!;
        },

        async getJob(id: string): Promise<JobRecord | null> {
            const f = await (await db.client()).hgetall(db.key(`job:${checkId('id', id)}`));
            return f.id ? toJob(f) : null;
        },

        async countJobs(input: CountJobsInput = {}): Promise<number> {
            const queue = input.queue === undefined ? '' : checkId('queue', input.queue);
            const states = input.statuses ? input.statuses.map(checkJobStatus).join(',') : ALL_JOB_STATUSES;
            return num(await db.run('jobsCount', db.key('queues'), [queue, states]));
        },

        async claimJobs(input: ClaimJobsInput): Promise<JobRecord[]> {
            const owner = checkId('owner', input.owner);
            const queue = input.queue === undefined ? DEFAULT_QUEUE : checkId('queue', input.queue);
            const limit = checkLimit(input.limit);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const reply = (await db.run('jobsClaim', db.key(`q:${queue}:pending`), [queue, owner, limit, leaseMs, db.now(input.now)])) as string[][];
            return reply.map(r => toJob(fields(r)));
        },

        async renewJobLease(input: RenewJobLeaseInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const reply = (await db.run('jobRenewLease', db.key(`job:${id}`), [id, owner, leaseMs, db.now(input.now)])) as string[];
            return reply.length > 0 ? toJob(fields(reply)) : null;
        },

        async completeJobs(input: CompleteJobsInput): Promise<string[]> {
            const ids = checkBatch('ids', input.ids).map(id => checkId('id', id));
            const owner = checkId('owner', input.owner);
            const now = db.now(input.now);
            const replies = await db.runMany(
                'jobComplete',
                ids.map(id => ({ key: db.key(`job:${id}`), args: [id, owner, now] })),
            );
            return ids.filter((_, i) => replies[i] === 1);
        },

        async releaseJob(input: JobLeaseInput): Promise<boolean> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            return (await db.run('jobRelease', db.key(`job:${id}`), [id, owner, db.now(input.now)])) === 1;
        },

        async failJob(input: FailJobInput): Promise<FailJobResult> {
            const id = checkId('id', input.id);
            const owner = checkId('owner', input.owner);
            const error = clipError(input.error);
            const delay = input.retryDelayMs === undefined ? '' : String(checkUint('retryDelayMs', input.retryDelayMs));
            const { minMs, maxMs, factor, jitter } = db.backoff;
            const reply = (await db.run('jobFail', db.key(`job:${id}`), [
                id,
                owner,
                error,
                delay,
                input.unrecoverable === true ? '1' : '0',
                minMs,
                maxMs,
                factor,
                jitter,
                Math.random(),
                db.now(input.now),
            ])) as [FailJobResult['outcome'], string[]];
            const f = fields(reply[1]);
            return { outcome: reply[0], job: f.id ? toJob(f) : null };
        },

        async listDeadLetters(input: ListDeadLettersInput = {}): Promise<JobRecord[]> {
            const limit = checkLimit(input.limit);
            const set = input.queue === undefined ? db.key('dead') : db.key(`q:${checkId('queue', input.queue)}:dead`);
            const reply = (await db.run('jobsListDead', set, [limit])) as string[][];
            return reply.map(r => toJob(fields(r)));
        },

        async redriveDeadLetter(input: RedriveDeadLetterInput): Promise<JobRecord | null> {
            const id = checkId('id', input.id);
            const runAt = input.runAt === undefined ? '' : String(checkUint('runAt', input.runAt));
            const reply = (await db.run('jobRedrive', db.key(`job:${id}`), [id, runAt, db.now(input.now)])) as string[];
            return reply.length > 0 ? toJob(fields(reply)) : null;
        },
    };
}
