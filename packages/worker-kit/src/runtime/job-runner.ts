/**
 * The job runner: claims due jobs from the store with a lease, runs them with bounded
 * concurrency, extends their leases while they run (heartbeat), completes or fails them with the
 * retry policy, and drains on stop. Every replica runs one.
 *
 * @packageDocumentation
 */
import { type JobRecord, MAX_BATCH_SIZE, type WorkerStore } from '../store/types';
import { errorText } from './errors';
import { createBatcher } from './batcher';
import { asError, emitSafely, type WorkerEmitter } from './events';
import { decideAfterFailure, type ResolvedRetryPolicy, runWithRetries } from './retry';
import { createWakeup, sleep } from './time';

/** Options of {@link createJobRunner}. */
export interface JobRunnerOptions {
    /** The store (jobs). */
    readonly store: Pick<WorkerStore, 'claimJobs' | 'completeJobs' | 'failJob' | 'extendJobLease' | 'releaseJob'>;
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
    /** Runs one job; throw to fail it. */
    readonly execute: (job: JobRecord, signal: AbortSignal) => Promise<void>;
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
    const pollMs = Math.max(10, options.pollMs ?? 500);
    const drainTimeoutMs = Math.max(0, options.drainTimeoutMs ?? 10_000);
    const queue = options.queue ?? 'default';
    const intake = new AbortController();
    const wake = createWakeup();
    const running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
    let loop: Promise<void> | null = null;
    let stopping: Promise<{ abandoned: number }> | null = null;
    const describe = options.describe ?? (() => ({ eventId: null, handler: null }));
    // Jobs that finish in the same turn are completed with one store call.
    const complete = createBatcher(async (ids: string[]) => {
        const done = new Set(await options.store.completeJobs({ owner: options.owner, ids }));
        return ids.map(id => done.has(id));
    }, MAX_BATCH_SIZE);
    /** Hands a job back unspent (shutdown); another replica may run it at once. */
    const release = (id: string) => options.store.releaseJob({ id, owner: options.owner }).catch(() => false);

    async function runOne(job: JobRecord, abort: AbortController): Promise<void> {
        const summary = { jobId: job.id, name: job.name, attempt: job.attempts };
        const started = Date.now();
        const heartbeat = setInterval(() => {
            options.store.extendJobLease({ id: job.id, owner: options.owner, leaseMs }).then(
                lease => {
                    if (lease === null) abort.abort(new Error(`lost the lease of job ${job.id}`));
                },
                () => undefined,
            );
        }, Math.max(100, Math.floor(leaseMs / 3)));
        try {
            await runWithRetries(() => options.execute(job, abort.signal), {
                policy: options.retry,
                signal: abort.signal,
                onRetry: ({ error, delayMs }) => emitSafely(options.events, 'job:retry', { ...summary, scope: 'in-process', delayMs, error }),
            });
            clearInterval(heartbeat);
            await complete(job.id);
            emitSafely(options.events, 'handler:succeeded', { ...summary, ...describe(job), durationMs: Date.now() - started });
        } catch (e) {
            clearInterval(heartbeat);
            const error = asError(e);
            if (abort.signal.aborted && intake.signal.aborted) {
                // Shutdown: hand the job back instead of spending the attempt on an error.
                await release(job.id);
                return;
            }
            const decision = decideAfterFailure({ error, attempts: job.attempts, maxAttempts: job.maxAttempts, policy: options.retry });
            emitSafely(options.events, 'handler:failed', { ...summary, ...describe(job), error, willRetry: decision.outcome === 'retry' });
            const result = await options.store.failJob({
                id: job.id,
                owner: options.owner,
                error: errorText(error),
                ...(decision.outcome === 'retry' ? { retryDelayMs: decision.delayMs } : { unrecoverable: true }),
            });
            if (result.outcome === 'retry' && decision.outcome === 'retry') {
                emitSafely(options.events, 'job:retry', { ...summary, scope: 'rescheduled', delayMs: decision.delayMs, error });
            } else if (result.outcome === 'dead') {
                emitSafely(options.events, 'job:dead', { ...summary, error: errorText(error) });
            }
        } finally {
            clearInterval(heartbeat);
        }
    }

    async function claimLoop(): Promise<void> {
        let failures = 0;
        while (!intake.signal.aborted) {
            const free = concurrency - running.size;
            if (free <= 0) {
                await wake.wait(pollMs, intake.signal); // a finishing job notifies
                continue;
            }
            let jobs: JobRecord[];
            try {
                jobs = await options.store.claimJobs({ owner: options.owner, queue, limit: Math.min(free, MAX_BATCH_SIZE), leaseMs });
                failures = 0;
            } catch (e) {
                failures++;
                emitSafely(options.events, 'worker:error', { scope: 'jobs', error: asError(e) });
                await sleep(Math.min(pollMs * 2 ** failures, 30_000), intake.signal);
                continue;
            }
            for (const job of jobs) {
                const abort = new AbortController();
                const promise = runOne(job, abort)
                    .catch(e => emitSafely(options.events, 'worker:error', { scope: 'jobs', error: asError(e) }))
                    .finally(() => {
                        running.delete(job.id);
                        wake.notify();
                    });
                running.set(job.id, { promise, abort });
            }
            if (jobs.length === 0) await wake.wait(pollMs, intake.signal);
        }
    }

    return {
        start() {
            if (loop !== null || intake.signal.aborted) return;
            loop = claimLoop().catch(e => emitSafely(options.events, 'worker:error', { scope: 'jobs', error: asError(e) }));
        },
        poke: () => wake.notify(),
        get inFlight() {
            return running.size;
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
                return { abandoned };
            })();
            return stopping;
        },
    };
}
