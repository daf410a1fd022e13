/**
 * The batch, count and release cases of the job concern: `enqueueJobs` (with leases),
 * `completeJobs`, `releaseJob`, `countJobs`, awkward text and concurrent overlapping batches.
 */
import { expect, it } from 'vitest';

import type { JobQueue, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, T0, expectInvalidArgument } from './harness';

/**
 * Registers the batch cases of the job concern in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function jobBatchCases(ctx: ConformanceContext<StoreLifecycle & JobQueue>): void {
    it('enqueueJobs validates every item before writing any', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.enqueueJobs([{ id: 'ok', name: 'n' }, { id: 'bad', name: 'n', maxAttempts: 0 }]));
        expect(await store.getJob('ok')).toBeNull();
    });

    it('enqueueJobs creates jobs in one call; an existing id or a repeated id keeps the first job', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'x', name: 'first', now: T0 });
        const results = await store.enqueueJobs([
            { id: 'y', name: 'n', payload: { p: 1 }, runAt: T0 + 5, maxAttempts: 2, now: T0 },
            { id: 'x', name: 'second', now: T0 },
            { id: 'y', name: 'dup', now: T0 },
            { id: 'z', queue: 'other', name: 'n', now: T0 },
        ]);
        expect(results.map(r => [r.job.id, r.created, r.job.name])).toEqual([
            ['y', true, 'n'],
            ['x', false, 'first'],
            ['y', false, 'n'],
            ['z', true, 'n'],
        ]);
        expect(results[0]!.job).toMatchObject({ queue: 'default', payload: { p: 1 }, runAt: T0 + 5, maxAttempts: 2, status: 'pending', attempts: 0, createdAt: T0 });
        expect((await store.claimJobs({ owner: 'w', limit: 10, leaseMs: 100, now: T0 + 5 })).map(j => j.id)).toEqual(['x', 'y']);
        expect(await store.enqueueJobs([])).toEqual([]);
    });

    it('batches keep awkward text exactly: quotes, backslashes, braces, commas, NULL, unicode', async () => {
        const { store } = ctx;
        const awkward = ['a"b', 'c\\d', '{e,f}', 'NULL', 'null', ' spaced ', 'ünï😀', "it's", '[]', '\\N'];
        const jobs = await store.enqueueJobs(awkward.map((text, i) => ({ id: `${text}#${i}`, queue: `q${text}`, name: text, payload: { text, list: [text] }, now: T0 })));
        expect(jobs.every(r => r.created)).toBe(true);
        for (const [i, text] of awkward.entries()) {
            expect(await store.getJob(`${text}#${i}`)).toMatchObject({ queue: `q${text}`, name: text, payload: { text, list: [text] } });
        }
    });

    it('enqueue with a lease claims the created job at once; an existing job is left as it is', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'old', name: 'n', now: T0 });
        const results = await store.enqueueJobs([
            { id: 'mine', name: 'n', payload: { p: 1 }, lease: { owner: 'w1', leaseMs: 100 }, now: T0 },
            { id: 'old', name: 'n', lease: { owner: 'w1', leaseMs: 100 }, now: T0 },
            { id: 'free', name: 'n', now: T0 },
        ]);
        expect(results.map(r => [r.job.id, r.created, r.job.status])).toEqual([
            ['mine', true, 'running'],
            ['old', false, 'pending'],
            ['free', true, 'pending'],
        ]);
        expect(results[0]!.job).toMatchObject({ attempts: 1, leaseOwner: 'w1', leaseExpiresAt: T0 + 100, payload: { p: 1 } });
        expect(await store.getJob('mine')).toEqual(results[0]!.job);
        // Nobody else claims it while the lease holds; its holder completes it like a claimed job.
        expect((await store.claimJobs({ owner: 'w2', limit: 10, leaseMs: 100, now: T0 + 1 })).map(j => j.id)).toEqual(['free', 'old']);
        expect(await store.renewJobLease({ id: 'mine', owner: 'w1', leaseMs: 100, now: T0 + 50 })).toMatchObject({ leaseExpiresAt: T0 + 150 });
        expect(await store.completeJobs({ owner: 'w1', ids: ['mine'], now: T0 + 60 })).toEqual(['mine']);
        expect(await store.countJobs({ statuses: ['running'] })).toBe(2);
    });

    it('a job claimed when enqueued comes back after its lease (crash), then dies out of attempts like any other', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 2, lease: { owner: 'crashed', leaseMs: 100 }, now: T0 });
        expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 99 })).toEqual([]);
        const [taken] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 100 });
        expect(taken).toMatchObject({ id: 'j', attempts: 2, leaseOwner: 'w2' });
        expect(await store.completeJobs({ ids: ['j'], owner: 'crashed', now: T0 + 101 })).toEqual([]);
        expect(await store.claimJobs({ owner: 'w3', limit: 1, leaseMs: 100, now: T0 + 200 })).toEqual([]);
        expect(await store.getJob('j')).toMatchObject({ status: 'dead' });
    });

    it('enqueue rejects a malformed lease, and a lease with runAt', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: { owner: '', leaseMs: 100 } }));
        await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: { owner: 'w', leaseMs: 0 } }));
        await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: null as unknown as { owner: string; leaseMs: number } }));
        await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', runAt: T0, lease: { owner: 'w', leaseMs: 100 } }));
        await expectInvalidArgument(store.enqueueJobs([{ id: 'ok', name: 'n' }, { id: 'b', name: 'n', lease: { owner: 'w', leaseMs: -1 } }]));
        expect(await store.getJob('ok')).toBeNull();
    });

    it('completeJobs completes the jobs the owner holds and reports which', async () => {
        const { store } = ctx;
        await store.enqueueJobs(['a', 'b', 'c', 'd'].map(id => ({ id, name: 'n', now: T0 })));
        await store.claimJobs({ owner: 'w1', limit: 3, leaseMs: 100, now: T0 });
        await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 });
        const done = await store.completeJobs({ owner: 'w1', ids: ['c', 'd', 'a', 'missing', 'a'], now: T0 + 1 });
        expect(done).toEqual(['c', 'a']);
        expect(await store.getJob('a')).toMatchObject({ status: 'completed', finishedAt: T0 + 1, leaseOwner: null });
        expect((await store.getJob('d'))?.status).toBe('running');
        expect(await store.completeJobs({ owner: 'w1', ids: ['a', 'b'], now: T0 + 2 })).toEqual(['b']);
        expect(await store.completeJobs({ owner: 'w1', ids: [] })).toEqual([]);
    });

    it('releaseJob hands a running job back unspent: pending now, attempt refunded, the old owner can no longer act', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 1, now: T0 });
        await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 10_000, now: T0 });
        expect(await store.releaseJob({ id: 'j', owner: 'w2', now: T0 + 1 })).toBe(false);
        expect(await store.releaseJob({ id: 'j', owner: 'w1', now: T0 + 2 })).toBe(true);
        expect(await store.getJob('j')).toMatchObject({ status: 'pending', runAt: T0 + 2, attempts: 0, leaseOwner: null, leaseExpiresAt: null });
        expect(await store.releaseJob({ id: 'j', owner: 'w1', now: T0 + 3 })).toBe(false);
        expect(await store.completeJobs({ ids: ['j'], owner: 'w1', now: T0 + 3 })).toEqual([]);
        // Its only attempt was given back: another owner runs it at once.
        const [again] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 3 });
        expect(again).toMatchObject({ id: 'j', attempts: 1, leaseOwner: 'w2' });
        expect(await store.completeJobs({ ids: ['j'], owner: 'w2', now: T0 + 4 })).toEqual(['j']);
    });

    it('countJobs counts by queue and status', async () => {
        const { store } = ctx;
        expect(await store.countJobs()).toBe(0);
        await store.enqueueJobs([
            { id: 'p1', name: 'n', now: T0 },
            { id: 'p2', name: 'n', now: T0 },
            { id: 'r1', name: 'n', now: T0 },
            { id: 'o1', queue: 'other', name: 'n', now: T0 },
        ]);
        await store.claimJobs({ owner: 'w', queue: 'other', limit: 1, leaseMs: 100, now: T0 });
        const [a, b] = await store.claimJobs({ owner: 'w', limit: 2, leaseMs: 100, now: T0 });
        await store.completeJobs({ ids: [a!.id], owner: 'w', now: T0 });
        await store.failJob({ id: b!.id, owner: 'w', error: 'x', unrecoverable: true, now: T0 });
        expect(await store.countJobs()).toBe(4);
        expect(await store.countJobs({ queue: 'default' })).toBe(3);
        expect(await store.countJobs({ queue: 'default', statuses: ['pending'] })).toBe(1);
        expect(await store.countJobs({ queue: 'default', statuses: ['completed', 'dead'] })).toBe(2);
        expect(await store.countJobs({ statuses: ['running'] })).toBe(1);
        expect(await store.countJobs({ queue: 'none' })).toBe(0);
        expect(await store.countJobs({ statuses: [] })).toBe(0);
        await expectInvalidArgument(store.countJobs({ statuses: ['nope' as never] }));
    });

    it(`${ctx.concurrency} concurrent overlapping enqueueJobs batches: each id is created exactly once`, async () => {
        const stores = await ctx.actors(ctx.concurrency);
        const ids = Array.from({ length: 40 }, (_, i) => `sig${String(i).padStart(2, '0')}`);
        const results = await Promise.all(stores.map((s, i) => s.enqueueJobs(ids.filter((_, j) => (i + j) % 2 === 0 || j % 3 === i % 3).map(id => ({ id, name: 'n' })))));
        const created = new Map<string, number>();
        for (const jobs of results) for (const r of jobs) if (r.created) created.set(r.job.id, (created.get(r.job.id) ?? 0) + 1);
        const covered = new Set(results.flatMap(jobs => jobs.map(r => r.job.id)));
        for (const id of covered) expect(created.get(id), id).toBe(1);
        expect(await ctx.store.countJobs({ statuses: ['pending'] })).toBe(covered.size);
    });
}
