/**
 * The job runner: claims due jobs from the store with a lease, runs them with bounded
 * concurrency, extends their leases while they run (heartbeat), completes or fails them with the
 * retry policy, and drains on stop. Every replica runs one.
 *
 * The per-job path is kept lean because it runs once per event and handler: one heartbeat timer
 * serves every running job, a job's abort signal is created only when its handler looks at it,
 * p-retry is engaged only after a first failure, and event payloads are built only when someone
 * listens.
 *
 * @packageDocumentation
 */
import { type JobQueue, type JobRecord, MAX_BATCH_SIZE } from '../store/types';
import { errorText, isUnrecoverableError } from '../core/errors';
import { createBatcher } from './batcher';
import { asError, emitSafely, type WorkerEmitter } from '../core/events';
import { decideAfterFailure, type ResolvedRetryPolicy, runWithRetries } from './retry';
import { createWakeup, LazyAbort, sleep } from '../core/time';

/** What the executor of a job gets besides the job: its abort signal, created on first use. */
export interface JobControl {
    /** Aborted when the job's lease is lost or on shutdown after the drain timeout. */
    readonly signal: AbortSignal;
}

/** Options of {@link createJobRunner}. */
export interface JobRunnerOptions {
    /** The store (jobs). */
    readonly store: Pick<JobQueue, 'claimJobs' | 'completeJobs' | 'failJob' | 'renewJobLease' | 'releaseJob'>;
    /** This replica's unique id. */
    readonly owner: string;
    /** The queue (default `default`). */
    readonly queue?: string;
    /** Jobs run at once (default 4). */
    readonly concurrency?: number;
    /** Job lease length (default 30 s); extended every third of it while the job runs. */
    readonly leaseMs?: number;
    /** Poll interval when the queue is empty (default 500 ms). */
    readonly pollMs?: number;
    /** How long `stop()` waits for in-flight jobs before aborting them (default 10 s). */
    readonly drainTimeoutMs?: number;
    /** The retry policy. */
    readonly retry: ResolvedRetryPolicy;
    /** Runs one job; throw to fail it. Read `control.signal` only when needed (it is created then). */
    readonly execute: (job: JobRecord, control: JobControl) => Promise<void>;
    /** Where events go. */
    readonly events: WorkerEmitter;
    /** Describes a job for events (event id and handler name). */
    readonly describe?: (job: JobRecord) => { eventId: string | null; handler: string | null };
}

/**
 * A running job runner.
 *
 * @example
 * ```ts
 * const runner = createJobRunner({ store, owner, retry: resolveRetryPolicy({}), execute, events });
 * runner.start();
 * process.on('SIGTERM', () => void runner.stop());
 * ```
 */
export interface JobRunner {
    /** Starts claiming jobs. */
    start(): void;
    /** Wakes the runner (a job was just enqueued). */
    poke(): void;
    /** Stops intake, waits for in-flight jobs (up to the drain timeout), then aborts the rest and hands their leases back. */
    stop(): Promise<{ abandoned: number }>;
    /** Jobs running now. */
    readonly inFlight: number;
    /** This runner's lease length (ms), for jobs claimed as they are enqueued. */
    readonly leaseMs: number;
    /**
     * Takes up to `n` free slots for jobs this replica claims as it enqueues them (a store
     * `enqueueJobs` with `lease`), skipping the queue round trip. Returns how many it took: none
     * while the last claim found more due jobs than it could take (the queue has a backlog, which
     * goes first) or once stopping.
     */
    reserve(n: number): number;
    /** Runs a job claimed for this runner's owner in a reserved slot; false (and the job is handed back) once stopping. */
    adopt(job: JobRecord): boolean;
    /** Gives back reserved slots that were not used. */
    unreserve(n: number): void;
}

/** A job this runner holds. */
interface RunningJob {
    readonly job: JobRecord;
    readonly abort: LazyAbort;
    /** When its lease was last set (claim or heartbeat). */
    leaseSetAt: number;
    promise: Promise<void>;
}

/**
 * Creates a {@link JobRunner}.
 *
 * @param options - store, owner, concurrency, leases, retry policy and the executor
 * @returns the runner (not started)
 * @example
 * ```ts
 * const runner = createJobRunner({ store, owner: 'w1', concurrency: 8, retry: resolveRetryPolicy(undefined), execute: runJob, events });
 * ```
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    const leaseMs = Math.max(1_000, options.leaseMs ?? 30_000);
    const heartbeatMs = Math.max(100, Math.floor(leaseMs / 3));
    const pollMs = Math.max(10, options.pollMs ?? 500);
    const drainTimeoutMs = Math.max(0, options.drainTimeoutMs ?? 10_000);
    const queue = options.queue ?? 'default';
    const { events, retry } = options;
    const intake = new AbortController();
    const wake = createWakeup();
    const running = new Map<string, RunningJob>();
    /** Slots promised to jobs being enqueued with a lease. */
    let reserved = 0;
    /** Whether the last claim emptied the due part of the queue (no backlog waits). */
    let caughtUp = false;
    let loop: Promise<void> | null = null;
    let heartbeat: ReturnType<typeof setInterval> | null = null;
    let stopping: Promise<{ abandoned: number }> | null = null;
    const describe = options.describe ?? (() => ({ eventId: null, handler: null }));
    const listened = (name: 'handler:succeeded' | 'handler:failed' | 'job:retry' | 'job:dead') => events.listenerCount(name) > 0;
    // Jobs that finish in the same turn are completed with one store call.
    const complete = createBatcher(async (ids: string[]) => {
        const done = new Set(await options.store.completeJobs({ owner: options.owner, ids }));
        return ids.map(id => done.has(id));
    }, MAX_BATCH_SIZE);
    /** Hands a job back unspent (shutdown); another replica may run it at once. */
    const release = (id: string) => options.store.releaseJob({ id, owner: options.owner }).catch(() => false);

    /**
     * One timer for every running job: a lease set at least half a period ago is extended, so
     * each lease is renewed at most 1.5 periods (half the lease) after it was last set. A job
     * whose lease is gone (another replica took it over) is aborted.
     */
    function beat(): void {
        const now = Date.now();
        for (const r of running.values()) {
            if (now - r.leaseSetAt < heartbeatMs / 2) continue;
            r.leaseSetAt = now;
            options.store.renewJobLease({ id: r.job.id, owner: options.owner, leaseMs }).then(
                lease => {
                    if (lease === null) r.abort.abort(new Error(`lost the lease of job ${r.job.id}`));
                },
                () => undefined,
            );
        }
    }

    /** Runs a job's attempt: once directly, then (after a retryable failure) with p-retry's in-process retries. */
    async function attempt(r: RunningJob): Promise<void> {
        const { job, abort } = r;
        try {
            await options.execute(job, abort);
        } catch (error) {
            if (retry.inProcessRetries === 0 || isUnrecoverableError(error) || abort.aborted) throw error;
            let first = true;
            await runWithRetries(() => (first ? ((first = false), Promise.reject(error)) : options.execute(job, abort)), {
                policy: retry,
                signal: abort.signal,
                onRetry: ({ error: e, delayMs }) => emitSafely(events, 'job:retry', { jobId: job.id, name: job.name, attempt: job.attempts, scope: 'in-process', delayMs, error: e }),
            });
        }
        // As p-retry does: a job whose signal fired meanwhile does not count as done.
        if (abort.aborted) throw abort.reason;
    }

    async function runOne(r: RunningJob): Promise<void> {
        const { job, abort } = r;
        const started = Date.now();
        try {
            await attempt(r);
            await complete(job.id);
            if (listened('handler:succeeded')) {
                emitSafely(events, 'handler:succeeded', { jobId: job.id, name: job.name, attempt: job.attempts, ...describe(job), durationMs: Date.now() - started });
            }
        } catch (e) {
            const error = asError(e);
            if (intake.signal.aborted) {
                // Shutdown: hand the job back instead of spending the attempt on an error (the
                // job's signal, or a service it uses, was stopped under it).
                await release(job.id);
                return;
            }
            const summary = { jobId: job.id, name: job.name, attempt: job.attempts };
            const decision = decideAfterFailure({ error, attempts: job.attempts, maxAttempts: job.maxAttempts, policy: retry });
            emitSafely(events, 'handler:failed', { ...summary, ...describe(job), error, willRetry: decision.outcome === 'retry' });
            const result = await options.store.failJob({
                id: job.id,
                owner: options.owner,
                error: errorText(error),
                ...(decision.outcome === 'retry' ? { retryDelayMs: decision.delayMs } : { unrecoverable: true }),
            });
            if (result.outcome === 'retry' && decision.outcome === 'retry') {
                emitSafely(events, 'job:retry', { ...summary, scope: 'rescheduled', delayMs: decision.delayMs, error });
            } else if (result.outcome === 'dead') {
                emitSafely(events, 'job:dead', { ...summary, error: errorText(error) });
            }
        }
    }

    /** Runs a job and forgets it when done (any error is reported, never thrown). */
    async function track(r: RunningJob): Promise<void> {
        try {
            await runOne(r);
        } catch (e) {
            emitSafely(events, 'worker:error', { scope: 'jobs', error: asError(e) });
        } finally {
            running.delete(r.job.id);
            wake.notify();
        }
    }

    function launch(job: JobRecord, leaseSetAt: number): void {
        const r: RunningJob = { job, abort: new LazyAbort(), leaseSetAt, promise: Promise.resolve() };
        running.set(job.id, r);
        r.promise = track(r);
    }

    async function claimLoop(): Promise<void> {
        let failures = 0;
        while (!intake.signal.aborted) {
            const free = concurrency - running.size - reserved;
            if (free <= 0) {
                await wake.wait(pollMs, intake.signal); // a finishing job notifies
                continue;
            }
            let jobs: JobRecord[];
            const claimedAt = Date.now();
            try {
                jobs = await options.store.claimJobs({ owner: options.owner, queue, limit: Math.min(free, MAX_BATCH_SIZE), leaseMs });
                failures = 0;
            } catch (e) {
                failures++;
                emitSafely(events, 'worker:error', { scope: 'jobs', error: asError(e) });
                await sleep(Math.min(pollMs * 2 ** failures, 30_000), intake.signal);
                continue;
            }
            caughtUp = jobs.length < Math.min(free, MAX_BATCH_SIZE);
            for (const job of jobs) launch(job, claimedAt);
            if (jobs.length === 0) await wake.wait(pollMs, intake.signal);
        }
    }

    return {
        start() {
            if (loop !== null || intake.signal.aborted) return;
            heartbeat = setInterval(beat, heartbeatMs);
            heartbeat.unref?.();
            loop = claimLoop().catch(e => emitSafely(events, 'worker:error', { scope: 'jobs', error: asError(e) }));
        },
        poke: () => wake.notify(),
        get inFlight() {
            return running.size;
        },
        leaseMs,
        reserve(n) {
            if (!caughtUp || loop === null || intake.signal.aborted) return 0;
            const taken = Math.max(0, Math.min(Math.floor(n), concurrency - running.size - reserved));
            reserved += taken;
            return taken;
        },
        adopt(job) {
            reserved = Math.max(0, reserved - 1);
            if (intake.signal.aborted) {
                void release(job.id);
                return false;
            }
            // Its lease was set by the store a moment ago; the heartbeat takes it from here.
            launch(job, Date.now());
            return true;
        },
        unreserve(n) {
            reserved = Math.max(0, reserved - Math.max(0, Math.floor(n)));
            if (n > 0) wake.notify();
        },
        stop() {
            stopping ??= (async () => {
                intake.abort();
                wake.notify();
                await loop;
                const pending = [...running.values()];
                const timeout = new AbortController();
                const drained = await Promise.race([
                    Promise.all(pending.map(r => r.promise)).then(() => true),
                    sleep(drainTimeoutMs, timeout.signal).then(() => false),
                ]);
                timeout.abort(); // never keep the process alive for the rest of the drain timeout
                let abandoned = 0;
                if (!drained) {
                    abandoned = running.size;
                    for (const r of running.values()) r.abort.abort(new Error('worker shutting down'));
                    // Handlers that honour their signal end now; one that ignores it is left behind
                    // (its lease is handed back so another replica can run the job).
                    const grace = new AbortController();
                    await Promise.race([Promise.all([...running.values()].map(r => r.promise)), sleep(Math.min(1_000, Math.max(drainTimeoutMs, 50)), grace.signal)]);
                    grace.abort();
                    await Promise.all([...running.keys()].map(release));
                }
                if (heartbeat !== null) clearInterval(heartbeat);
                return { abandoned };
            })();
            return stopping;
        },
    };
}
