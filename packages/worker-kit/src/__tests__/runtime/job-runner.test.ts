import { waitFor } from '@raffle/test-support';
import { afterEach, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { JobRecord, WorkerStore } from '../../store/types';
import { UnrecoverableError } from '../../core/errors';
import { createWorkerEmitter } from '../../core/events';
import { createJobRunner, type JobControl, type JobRunner, type JobRunnerOptions } from '../../runtime/job-runner';
import { resolveRetryPolicy } from '../../runtime/retry';

const policy = resolveRetryPolicy({ inProcessRetries: 0, backoff: { minMs: 1, maxMs: 1, jitter: 0 } });
let runners: JobRunner[] = [];

afterEach(async () => {
    await Promise.all(runners.map(r => r.stop()));
    runners = [];
});

function start(
    store: JobRunnerOptions['store'],
    execute: (job: JobRecord, control: JobControl) => Promise<void>,
    extra: Partial<Pick<JobRunnerOptions, 'concurrency' | 'drainTimeoutMs' | 'leaseMs'>> = {},
) {
    const events = createWorkerEmitter();
    const runner = createJobRunner({ store, owner: 'w1', retry: policy, execute, events, pollMs: 10, ...extra });
    runners.push(runner);
    runner.start();
    return { runner, events };
}

describe('job runner', () => {
    it('runs each job once and completes it', async () => {
        const store = createMemoryWorkerStore();
        const seen: string[] = [];
        for (const id of ['a', 'b', 'c']) await store.enqueueJob({ id, name: 'x' });
        await store.enqueueJob({ id: 'a', name: 'x' }); // duplicate id: no second job
        start(store, async job => {
            seen.push(job.id);
        });
        await waitFor('jobs a, b and c to complete', async () => (await Promise.all(['a', 'b', 'c'].map(id => store.getJob(id)))).every(j => j?.status === 'completed'), { timeoutMs: 5_000 });
        expect(seen.sort()).toEqual(['a', 'b', 'c']);
    });

    it('bounds concurrency', async () => {
        const store = createMemoryWorkerStore();
        for (let i = 0; i < 6; i++) await store.enqueueJob({ id: `j${i}`, name: 'x' });
        let running = 0;
        let peak = 0;
        let done = 0;
        start(
            store,
            async () => {
                running++;
                peak = Math.max(peak, running);
                await new Promise(r => setTimeout(r, 20));
                running--;
                done++;
            },
            { concurrency: 2 },
        );
        await waitFor('the six jobs to finish', () => done === 6, { timeoutMs: 5_000 });
        expect(peak).toBe(2);
    });

    it('retries failed jobs with backoff and dead-letters them after maxAttempts', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'flaky', name: 'x', maxAttempts: 3 });
        let calls = 0;
        const { events } = start(store, async () => {
            calls++;
            throw new Error('boom');
        });
        const retries: string[] = [];
        const dead: string[] = [];
        events.on('job:retry', e => retries.push(e.scope));
        events.on('job:dead', e => dead.push(e.jobId));
        await waitFor('job flaky to be dead', async () => (await store.getJob('flaky'))?.status === 'dead', { timeoutMs: 5_000 });
        expect(calls).toBe(3);
        expect(retries).toEqual(['rescheduled', 'rescheduled']);
        await waitFor('the job:dead event', () => dead.length === 1, { timeoutMs: 5_000 });
        const [letter] = await store.listDeadLetters();
        expect(letter?.lastError).toContain('boom');
    });

    it('dead-letters an UnrecoverableError at once; redrive runs it again', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'bad', name: 'x', maxAttempts: 5 });
        let fail = true;
        let calls = 0;
        start(store, async () => {
            calls++;
            if (fail) throw new UnrecoverableError('never works');
        });
        await waitFor('job bad to be dead', async () => (await store.getJob('bad'))?.status === 'dead', { timeoutMs: 5_000 });
        expect(calls).toBe(1);
        fail = false;
        await store.redriveDeadLetter({ id: 'bad' });
        await waitFor('the redriven job to complete', async () => (await store.getJob('bad'))?.status === 'completed', { timeoutMs: 5_000 });
        expect(calls).toBe(2);
    });

    it('stop() stops intake and drains in-flight jobs', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'slow', name: 'x' });
        let finished = false;
        let started = false;
        const { runner } = start(store, async () => {
            started = true;
            await new Promise(r => setTimeout(r, 100));
            finished = true;
        });
        await waitFor('the slow job to start', () => started, { timeoutMs: 5_000 });
        await store.enqueueJob({ id: 'later', name: 'x' });
        const { abandoned } = await runner.stop();
        expect(abandoned).toBe(0);
        expect(finished).toBe(true);
        expect((await store.getJob('slow'))?.status).toBe('completed');
        expect((await store.getJob('later'))?.status).toBe('pending');
    });

    it('after the drain timeout, aborts handlers and releases their jobs unspent (no dead letter, attempt refunded)', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'stuck', name: 'x', maxAttempts: 1 });
        let started = false;
        const { runner } = start(
            store,
            (_job, { signal }) =>
                new Promise((_resolve, reject) => {
                    started = true;
                    signal.addEventListener('abort', () => reject(new Error('aborted')));
                }),
            { drainTimeoutMs: 20 },
        );
        await waitFor('the stuck job to start', () => started, { timeoutMs: 5_000 });
        const { abandoned } = await runner.stop();
        expect(abandoned).toBe(1);
        // Released unspent: its only attempt is given back and another replica runs it at once.
        expect(await store.getJob('stuck')).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null, leaseExpiresAt: null });
        const [again] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 1_000 });
        expect(again).toMatchObject({ id: 'stuck', attempts: 1 });
    });
});

/** The store's jobs, except that every lease extension finds the lease gone. */
function losingLeases(store: WorkerStore): Pick<WorkerStore, 'claimJobs' | 'completeJobs' | 'failJob' | 'renewJobLease' | 'releaseJob'> {
    return {
        claimJobs: input => store.claimJobs(input),
        completeJobs: input => store.completeJobs(input),
        failJob: input => store.failJob(input),
        releaseJob: input => store.releaseJob(input),
        renewJobLease: async () => null,
    };
}

describe('job runner leases', () => {
    it('keeps the lease of a job that runs longer than the lease (one heartbeat for all jobs)', async () => {
        const store = createMemoryWorkerStore();
        for (const id of ['long1', 'long2']) await store.enqueueJob({ id, name: 'x' });
        let finished = 0;
        start(
            store,
            async () => {
                await new Promise(r => setTimeout(r, 1_600));
                finished++;
            },
            { leaseMs: 1_000 },
        );
        await waitFor('job long2 to run', async () => (await store.getJob('long2'))?.status === 'running', { timeoutMs: 5_000 });
        await new Promise(r => setTimeout(r, 1_200)); // past the first lease
        // Another replica finds nothing to take over: both leases were extended.
        expect(await store.claimJobs({ owner: 'w2', limit: 10, leaseMs: 1_000 })).toEqual([]);
        await waitFor('both long jobs to finish', () => finished === 2, { timeoutMs: 5_000 });
        await waitFor('both long jobs to be completed', async () => (await Promise.all(['long1', 'long2'].map(id => store.getJob(id)))).every(j => j?.status === 'completed'), { timeoutMs: 5_000 });
    });

    it("aborts a job's signal when its lease is lost, and does not complete it", async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'taken', name: 'x' });
        // The lease is gone (e.g. another replica took the job over after a pause).
        const lossy = losingLeases(store);
        let reason: unknown = null;
        start(
            lossy,
            (_job, { signal }) =>
                new Promise((_resolve, reject) => {
                    signal.addEventListener('abort', () => {
                        reason = signal.reason;
                        reject(signal.reason as Error);
                    });
                }),
            { leaseMs: 1_000 },
        );
        await waitFor('the lease loss to abort the job', () => reason !== null, { timeoutMs: 3_000 });
        expect(String(reason)).toContain('lost the lease of job taken');
        await waitFor('job taken to stop running', async () => (await store.getJob('taken'))?.status !== 'running', { timeoutMs: 5_000 });
        expect((await store.getJob('taken'))?.status).not.toBe('completed');
    });

    it('a handler that never reads its signal still sees the lease loss: its success does not count', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'blind', name: 'x', maxAttempts: 1 });
        const lossy = losingLeases(store);
        const { events } = start(
            lossy,
            () => new Promise(r => setTimeout(r, 700)),
            { leaseMs: 1_000 },
        );
        const succeeded: string[] = [];
        events.on('handler:succeeded', e => succeeded.push(e.jobId));
        await waitFor('job blind to be dead', async () => (await store.getJob('blind'))?.status === 'dead', { timeoutMs: 3_000 });
        expect((await store.getJob('blind'))?.lastError).toContain('lost the lease');
        expect(succeeded).toEqual([]);
    });
});

describe('job runner direct dispatch (jobs claimed as they are enqueued)', () => {
    it('reserves free slots only, runs adopted jobs like claimed ones, and takes unused slots back', async () => {
        const store = createMemoryWorkerStore();
        const release: (() => void)[] = [];
        const ran: string[] = [];
        const { runner } = start(
            store,
            job =>
                new Promise<void>(resolve => {
                    ran.push(job.id);
                    release.push(resolve);
                }),
            { concurrency: 3 },
        );
        await new Promise(r => setTimeout(r, 30)); // the first (empty) claim has run
        expect(runner.reserve(5)).toBe(3); // three slots, no more
        expect(runner.reserve(1)).toBe(0);
        const { job } = await store.enqueueJob({ id: 'a', name: 'x', lease: { owner: 'w1', leaseMs: runner.leaseMs } });
        expect(runner.adopt(job)).toBe(true);
        runner.unreserve(2);
        await waitFor('the adopted job to run', () => ran.includes('a'), { timeoutMs: 5_000 });
        expect(runner.reserve(5)).toBe(2); // one slot is busy
        runner.unreserve(2);
        release.forEach(r => r());
        await waitFor('the adopted job to complete', async () => (await store.getJob('a'))?.status === 'completed', { timeoutMs: 5_000 });
    });

    it('reserves nothing while the queue has a backlog: older jobs go first', async () => {
        const store = createMemoryWorkerStore();
        for (let i = 0; i < 6; i++) await store.enqueueJob({ id: `old${i}`, name: 'x' });
        let done = 0;
        const gate: (() => void)[] = [];
        const { runner } = start(
            store,
            () =>
                new Promise<void>(resolve => {
                    gate.push(() => {
                        done++;
                        resolve();
                    });
                }),
            { concurrency: 2 },
        );
        await waitFor('two jobs in flight', () => runner.inFlight === 2, { timeoutMs: 5_000 });
        gate.splice(0).forEach(g => g()); // two finish; the runner claims the next two
        await waitFor('two jobs done and the next two in flight', () => done === 2 && runner.inFlight === 2, { timeoutMs: 5_000 });
        expect(runner.reserve(2)).toBe(0); // its last claim was full: more may wait
        for (let round = 0; round < 20 && done < 6; round++) {
            gate.splice(0).forEach(g => g());
            await new Promise(r => setTimeout(r, 20));
        }
        await waitFor('the six jobs done and none in flight', () => done === 6 && runner.inFlight === 0, { timeoutMs: 5_000 });
        await new Promise(r => setTimeout(r, 30)); // a claim found the queue empty
        expect(runner.reserve(2)).toBe(2);
        runner.unreserve(2);
    });

    it('hands an adopted job back once stopping', async () => {
        const store = createMemoryWorkerStore();
        const { runner } = start(store, async () => undefined);
        await new Promise(r => setTimeout(r, 30));
        expect(runner.reserve(1)).toBe(1);
        const { job } = await store.enqueueJob({ id: 'late', name: 'x', lease: { owner: 'w1', leaseMs: runner.leaseMs } });
        await runner.stop();
        expect(runner.adopt(job)).toBe(false);
        await waitFor('the job the stopped runner refused to be pending again', async () => (await store.getJob('late'))?.status === 'pending', { timeoutMs: 5_000 });
        expect(await store.getJob('late')).toMatchObject({ attempts: 0, leaseOwner: null });
    });
});

describe('job runner shutdown with a handler that ignores its signal', () => {
    it('does not hang: the job is released after a short grace', async () => {
        const store = createMemoryWorkerStore();
        await store.enqueueJob({ id: 'deaf', name: 'x' });
        let started = false;
        const { runner } = start(
            store,
            () => {
                started = true;
                return new Promise(() => undefined); // never settles, ignores the signal
            },
            { drainTimeoutMs: 20 },
        );
        await waitFor('the deaf job to start', () => started, { timeoutMs: 5_000 });
        const t0 = Date.now();
        expect((await runner.stop()).abandoned).toBe(1);
        expect(Date.now() - t0).toBeLessThan(2_000);
        expect(await store.getJob('deaf')).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null });
    });
});
