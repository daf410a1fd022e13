/**
 * Durable tasks (`worker.task` / `worker.enqueueTask`): jobs of the worker's queue that are not
 * a chain event's handler. The worker runs as a follower (`role: 'jobs-only'`), so no RPC is
 * ever called.
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { waitFor } from '@raffle/test-support';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import { afterEach, describe, expect, it } from 'vitest';

import { UnrecoverableError } from '../../core/errors';
import { createMemoryWorkerStore } from '../../store/memory/index';
import type { JsonValue } from '../../store/types';
import { createWorker } from '../../worker';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
});

function makeWorker() {
    const store = createMemoryWorkerStore();
    const worker = createWorker({
        rpc: createSolanaRpc('http://127.0.0.1:1'),
        rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'),
        store,
        programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
        decoder: RWA_RAFFLE_EVENTS,
        role: 'jobs-only',
        pollMs: 10,
        retry: { inProcessRetries: 0, backoff: { minMs: 5, maxMs: 10 } },
    });
    stops.push(() => worker.stop());
    return { worker, store };
}

describe('durable tasks', () => {
    it('runs an enqueued task once per id, with its payload, retrying failures', async () => {
        const { worker } = makeWorker();
        const runs: { id: string; payload: JsonValue; attempt: number }[] = [];
        worker.task('deliver', async ({ id, payload, attempt }) => {
            runs.push({ id, payload, attempt });
            if (id === 'flaky' && attempt < 3) throw new Error('receiver down');
        });
        await worker.start();
        expect(await worker.enqueueTask('deliver', { id: 'a', payload: { n: 1 } })).toEqual({ created: true, jobId: 'task:deliver:a' });
        expect((await worker.enqueueTask('deliver', { id: 'a', payload: { n: 2 } })).created).toBe(false);
        await worker.enqueueTask('deliver', { id: 'flaky', payload: null });
        await waitFor('task a to run once and task flaky three times', () => runs.filter(r => r.id === 'a').length === 1 && runs.filter(r => r.id === 'flaky').length === 3, { timeoutMs: 5_000 });
        expect(runs.find(r => r.id === 'a')).toEqual({ id: 'a', payload: { n: 1 }, attempt: 1 });
        expect(runs.filter(r => r.id === 'flaky').map(r => r.attempt)).toEqual([1, 2, 3]);
    });

    it('dead-letters a task that keeps failing; redrive runs it again', async () => {
        const { worker } = makeWorker();
        let fail = true;
        let done = 0;
        worker.task(
            'once',
            async () => {
                if (fail) throw new UnrecoverableError('bad payload');
                done++;
            },
            { maxAttempts: 2 },
        );
        await worker.start();
        const { jobId } = await worker.enqueueTask('once', { id: 'x', payload: 1 });
        await waitFor('the task to be dead-lettered', async () => (await worker.deadLetters.list()).some(j => j.id === jobId), { timeoutMs: 5_000 });
        fail = false;
        await worker.deadLetters.redrive(jobId);
        await waitFor('the redriven task to run', () => done === 1, { timeoutMs: 5_000 });
    });

    it('refuses bad definitions and unknown tasks with typed errors', async () => {
        const { worker } = makeWorker();
        const invalid = (f: () => unknown) => {
            try {
                f();
            } catch (e) {
                return isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? e.context.name : 'other';
            }
            return null;
        };
        expect(invalid(() => worker.task('has space', async () => undefined))).toBe('task name');
        expect(invalid(() => worker.task('ok', async () => undefined, { maxAttempts: 0 }))).toBe('maxAttempts');
        worker.task('ok', async () => undefined);
        expect(invalid(() => worker.task('ok', async () => undefined))).toBe('task name');
        await expect(worker.enqueueTask('missing', { id: 'a', payload: null })).rejects.toMatchObject({ context: { name: 'task name' } });
        await expect(worker.enqueueTask('ok', { id: '', payload: null })).rejects.toMatchObject({ context: { name: 'id' } });
        await worker.start();
        expect(invalid(() => worker.task('late', async () => undefined))).toBe('other');
    });

    it('stop claims nothing more and stops the services while jobs drain; a job failing under the shutdown is handed back, its attempt not spent', async () => {
        const { worker, store } = makeWorker();
        let serviceUp = false;
        worker.attach({ name: 'dependency', start: () => void (serviceUp = true), stop: () => void (serviceUp = false) });
        const runs: string[] = [];
        worker.task('uses-service', async ({ id }) => {
            runs.push(id);
            await waitFor('the shutdown to stop the service', () => !serviceUp, { timeoutMs: 5_000 });
            throw new Error('the service is gone');
        });
        await worker.start();
        const { jobId } = await worker.enqueueTask('uses-service', { id: 'a', payload: null });
        await waitFor('the task to start', () => runs.length === 1, { timeoutMs: 5_000 });
        await worker.stop();
        await worker.enqueueTask('uses-service', { id: 'b', payload: null }).catch(() => undefined);
        expect(runs).toEqual(['a']);
        const job = await store.getJob(jobId);
        expect(job?.status).toBe('pending');
        expect(job?.lastError).toBeNull();
    });
});
