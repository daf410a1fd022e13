/**
 * The conformance cases of the job concern ({@link JobQueue}): idempotent enqueue, claims in
 * order under a lease, completion, retries with backoff, dead letters, a crashed claimer's job
 * coming back, release, counts, batches and concurrent claimers.
 */
import { expect, it } from 'vitest';

import { type JobQueue, type JobRecord, MAX_BATCH_SIZE, type StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, LOOP_DEADLINE_MS, T0, describeConcern, expectInvalidArgument, lifecycleCase } from './harness';
import { jobBatchCases } from './jobs-batches';

/** What the job suite checks. */
export type JobQueueUnderTest = StoreLifecycle & JobQueue;

/** Completes one job; true when the owner still held it. */
async function completeOne(store: JobQueue, input: { id: string; owner: string; now?: number }): Promise<boolean> {
    return (await store.completeJobs({ ids: [input.id], owner: input.owner, ...(input.now === undefined ? {} : { now: input.now }) })).length === 1;
}

/**
 * Registers the job cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function jobCases(ctx: ConformanceContext<JobQueueUnderTest>): void {
    lifecycleCase(ctx, store => store.getJob('j'));

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.enqueueJob({ name: 'x', maxAttempts: 0 }));
        await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 0, leaseMs: 1000 }));
        await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 1001, leaseMs: 1000 }));
        await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 1, leaseMs: 0 }));
        await expectInvalidArgument(store.getJob('x'.repeat(513)));
        await expectInvalidArgument(store.completeJobs({ owner: 'w', ids: Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => `j${i}`) }));
    });

    it('enqueue is idempotent by id and keeps the first job', async () => {
        const { store } = ctx;
        const first = await store.enqueueJob({ id: 'draw:R1', name: 'draw', payload: { raffle: 'R1' }, now: T0 });
        expect(first).toEqual({
            created: true,
            job: {
                id: 'draw:R1',
                queue: 'default',
                name: 'draw',
                payload: { raffle: 'R1' },
                status: 'pending',
                runAt: T0,
                attempts: 0,
                maxAttempts: 5,
                leaseOwner: null,
                leaseExpiresAt: null,
                lastError: null,
                createdAt: T0,
                updatedAt: T0,
                finishedAt: null,
            },
        });
        const again = await store.enqueueJob({ id: 'draw:R1', name: 'other', payload: 1, runAt: T0 + 5 });
        expect(again).toEqual({ created: false, job: first.job });
        expect(await store.getJob('draw:R1')).toEqual(first.job);
        expect(await store.getJob('nope')).toBeNull();
        const generated = await store.enqueueJob({ name: 'x' });
        expect(generated.created).toBe(true);
        expect(generated.job.id.length).toBeGreaterThan(0);
        expect(generated.job.payload).toBeNull();
    });

    it('claims only due jobs, by runAt then id, up to the limit, leasing them', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'b', name: 'n', runAt: T0 + 10, now: T0 });
        await store.enqueueJob({ id: 'a', name: 'n', runAt: T0 + 10, now: T0 });
        await store.enqueueJob({ id: 'c', name: 'n', runAt: T0 + 5, now: T0 });
        await store.enqueueJob({ id: 'later', name: 'n', runAt: T0 + 1000, now: T0 });
        expect(await store.claimJobs({ owner: 'w1', limit: 10, leaseMs: 100, now: T0 + 4 })).toEqual([]);
        const claimed = await store.claimJobs({ owner: 'w1', limit: 2, leaseMs: 100, now: T0 + 10 });
        expect(claimed.map(j => j.id)).toEqual(['c', 'a']);
        for (const j of claimed) expect(j).toMatchObject({ status: 'running', leaseOwner: 'w1', leaseExpiresAt: T0 + 110, attempts: 1, updatedAt: T0 + 10 });
        expect((await store.claimJobs({ owner: 'w2', limit: 10, leaseMs: 100, now: T0 + 20 })).map(j => j.id)).toEqual(['b']);
        expect(await store.claimJobs({ owner: 'w3', limit: 10, leaseMs: 100, now: T0 + 50 })).toEqual([]);
        expect((await store.getJob('c'))?.status).toBe('running');
    });

    it('keeps queues apart', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'q1', queue: 'mint', name: 'n', now: T0 });
        await store.enqueueJob({ id: 'q2', name: 'n', now: T0 });
        expect((await store.claimJobs({ owner: 'w', queue: 'mint', limit: 10, leaseMs: 100, now: T0 })).map(j => j.id)).toEqual(['q1']);
        expect((await store.claimJobs({ owner: 'w', limit: 10, leaseMs: 100, now: T0 })).map(j => j.id)).toEqual(['q2']);
    });

    it('completing needs the lease holder and happens once', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', payload: { deep: [1, { x: 'y' }] }, now: T0 });
        const [job] = await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 });
        expect(job?.payload).toEqual({ deep: [1, { x: 'y' }] });
        expect(await completeOne(store, { id: 'j', owner: 'w2', now: T0 + 1 })).toBe(false);
        expect(await completeOne(store, { id: 'j', owner: 'w1', now: T0 + 2 })).toBe(true);
        expect(await completeOne(store, { id: 'j', owner: 'w1', now: T0 + 3 })).toBe(false);
        expect(await store.getJob('j')).toMatchObject({ status: 'completed', finishedAt: T0 + 2, leaseOwner: null, leaseExpiresAt: null });
        expect(await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 + 10_000 })).toEqual([]);
        expect(await completeOne(store, { id: 'missing', owner: 'w1' })).toBe(false);
    });

    it('failJob reschedules with the given delay or exponential backoff, then dead-letters', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 3, now: T0 });
        let now = T0;
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now });
        const r1 = await store.failJob({ id: 'j', owner: 'w', error: 'rpc timeout', retryDelayMs: 50, now });
        expect(r1.outcome).toBe('retry');
        expect(r1.job).toMatchObject({ status: 'pending', runAt: now + 50, attempts: 1, lastError: 'rpc timeout', leaseOwner: null });
        expect(await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now: now + 49 })).toEqual([]);
        now += 50;
        expect((await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now }))[0]?.attempts).toBe(2);
        const r2 = await store.failJob({ id: 'j', owner: 'w', error: 'again', now });
        // default backoff: 1000 ms * 2^(attempts-1) = 2000 ms after the 2nd attempt
        expect(r2.job).toMatchObject({ status: 'pending', runAt: now + 2000 });
        now += 2000;
        expect((await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now }))[0]?.attempts).toBe(3);
        const r3 = await store.failJob({ id: 'j', owner: 'w', error: 'final', now });
        expect(r3.outcome).toBe('dead');
        expect(r3.job).toMatchObject({ status: 'dead', attempts: 3, lastError: 'final', finishedAt: now, leaseOwner: null });
        expect(await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now: now + 10_000_000 })).toEqual([]);
    });

    it('failJob with unrecoverable dead-letters at once; a non-holder gets "lost"', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 10, now: T0 });
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100, now: T0 });
        const lost = await store.failJob({ id: 'j', owner: 'intruder', error: 'x', now: T0 });
        expect(lost.outcome).toBe('lost');
        expect(lost.job?.status).toBe('running');
        const dead = await store.failJob({ id: 'j', owner: 'w', error: 'account closed', unrecoverable: true, now: T0 });
        expect(dead.outcome).toBe('dead');
        expect(await store.failJob({ id: 'missing', owner: 'w', error: 'x' })).toEqual({ outcome: 'lost', job: null });
    });

    it('lists dead letters oldest first, per queue, and redrives them', async () => {
        const { store } = ctx;
        for (const [id, queue, at] of [
            ['d2', 'default', T0 + 2],
            ['d1', 'default', T0 + 1],
            ['m1', 'mint', T0 + 3],
        ] as const) {
            await store.enqueueJob({ id, queue, name: 'n', maxAttempts: 1, now: T0 });
            await store.claimJobs({ owner: 'w', queue, limit: 1, leaseMs: 100, now: at });
            expect((await store.failJob({ id, owner: 'w', error: `boom ${id}`, now: at })).outcome).toBe('dead');
        }
        expect((await store.listDeadLetters()).map(j => j.id)).toEqual(['d1', 'd2', 'm1']);
        expect((await store.listDeadLetters({ queue: 'mint' })).map(j => j.id)).toEqual(['m1']);
        expect((await store.listDeadLetters({ limit: 1 })).map(j => j.id)).toEqual(['d1']);
        const redriven = await store.redriveDeadLetter({ id: 'd1', runAt: T0 + 500, now: T0 + 10 });
        expect(redriven).toMatchObject({ id: 'd1', status: 'pending', attempts: 0, runAt: T0 + 500, finishedAt: null, lastError: 'boom d1' });
        expect(await store.redriveDeadLetter({ id: 'd1' })).toBeNull();
        expect(await store.redriveDeadLetter({ id: 'missing' })).toBeNull();
        expect((await store.listDeadLetters()).map(j => j.id)).toEqual(['d2', 'm1']);
        expect((await store.claimJobs({ owner: 'w', limit: 5, leaseMs: 100, now: T0 + 500 })).map(j => j.id)).toEqual(['d1']);
    });

    it('renewJobLease (heartbeat) keeps the job; only the holder can renew', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', now: T0 });
        await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 });
        expect(await store.renewJobLease({ id: 'j', owner: 'w2', leaseMs: 100, now: T0 + 50 })).toBeNull();
        const ext = await store.renewJobLease({ id: 'j', owner: 'w1', leaseMs: 100, now: T0 + 90 });
        expect(ext).toMatchObject({ leaseOwner: 'w1', leaseExpiresAt: T0 + 190, attempts: 1 });
        expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 150 })).toEqual([]);
        expect(await completeOne(store, { id: 'j', owner: 'w1', now: T0 + 180 })).toBe(true);
        expect(await store.renewJobLease({ id: 'j', owner: 'w1', leaseMs: 100, now: T0 + 181 })).toBeNull();
    });

    it("a crashed claimer's job comes back after its lease; the old owner can no longer act on it", async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', now: T0 });
        const [first] = await store.claimJobs({ owner: 'crashed', limit: 1, leaseMs: 1000, now: T0 });
        expect(first?.attempts).toBe(1);
        // no heartbeat: the lease runs out
        expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 1000, now: T0 + 999 })).toEqual([]);
        const [second] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 1000, now: T0 + 1000 });
        expect(second).toMatchObject({ id: 'j', leaseOwner: 'w2', attempts: 2, leaseExpiresAt: T0 + 2000 });
        expect(await completeOne(store, { id: 'j', owner: 'crashed', now: T0 + 1001 })).toBe(false);
        expect(await store.renewJobLease({ id: 'j', owner: 'crashed', leaseMs: 1000, now: T0 + 1001 })).toBeNull();
        expect((await store.failJob({ id: 'j', owner: 'crashed', error: 'late', now: T0 + 1001 })).outcome).toBe('lost');
        expect(await completeOne(store, { id: 'j', owner: 'w2', now: T0 + 1002 })).toBe(true);
    });

    it('an expired job with no attempt left becomes a dead letter instead of running again', async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'poison', name: 'n', maxAttempts: 2, now: T0 });
        await store.enqueueJob({ id: 'ok', name: 'n', runAt: T0 + 5000, now: T0 });
        await store.claimJobs({ owner: 'a', limit: 1, leaseMs: 100, now: T0 });
        expect((await store.claimJobs({ owner: 'b', limit: 1, leaseMs: 100, now: T0 + 100 }))[0]?.attempts).toBe(2);
        expect((await store.claimJobs({ owner: 'c', limit: 5, leaseMs: 100, now: T0 + 5000 })).map(j => j.id)).toEqual(['ok']);
        expect(await store.getJob('poison')).toMatchObject({ status: 'dead', lastError: 'lease expired', finishedAt: T0 + 5000 });
        expect((await store.listDeadLetters()).map(j => j.id)).toEqual(['poison']);
    });

    it(`${ctx.concurrency} parallel claimers never receive the same job`, async () => {
        const { store } = ctx;
        const total = 60;
        for (let i = 0; i < total; i++) await store.enqueueJob({ id: `job-${String(i).padStart(3, '0')}`, name: 'n', now: T0 });
        const stores = await ctx.actors(ctx.concurrency);
        const deadline = Date.now() + LOOP_DEADLINE_MS;
        const claimedBy = await Promise.all(
            stores.map(async (s, i) => {
                const mine: JobRecord[] = [];
                for (let round = 0; round < total && Date.now() < deadline; round++) {
                    const jobs = await s.claimJobs({ owner: `claimer-${i}`, limit: 3, leaseMs: 60_000, now: T0 + 1 });
                    if (jobs.length === 0) break;
                    mine.push(...jobs);
                }
                return mine;
            }),
        );
        const ids = claimedBy.flat().map(j => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(total);
        for (const [i, mine] of claimedBy.entries()) for (const j of mine) expect(j.leaseOwner).toBe(`claimer-${i}`);
        for (const [i, mine] of claimedBy.entries()) {
            for (const j of mine) expect(await completeOne(store, { id: j.id, owner: `claimer-${i}`, now: T0 + 2 })).toBe(true);
        }
    });

    it(`${ctx.concurrency} claimers racing for one job: exactly one gets it, every round`, async () => {
        const { store } = ctx;
        const stores = await ctx.actors(ctx.concurrency);
        for (let round = 0; round < 8; round++) {
            await store.enqueueJob({ id: `solo-${round}`, name: 'n', now: T0 });
            const results = await Promise.all(stores.map((s, i) => s.claimJobs({ owner: `c${i}`, limit: 1, leaseMs: 60_000, now: T0 + round })));
            expect(results.flat()).toHaveLength(1);
        }
    });

    it(`${ctx.concurrency} claimers racing for one expired job: exactly one takes it over`, async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 100, now: T0 });
        await store.claimJobs({ owner: 'crashed', limit: 1, leaseMs: 10, now: T0 });
        const stores = await ctx.actors(ctx.concurrency);
        const results = await Promise.all(stores.map((s, i) => s.claimJobs({ owner: `c${i}`, limit: 1, leaseMs: 60_000, now: T0 + 10 })));
        expect(results.flat()).toHaveLength(1);
        expect(results.flat()[0]?.attempts).toBe(2);
    });

    it("uses the store's clock when no `now` is given: due jobs are claimable, future ones are not", async () => {
        const { store } = ctx;
        await store.enqueueJob({ id: 'now', name: 'n' });
        await store.enqueueJob({ id: 'future', name: 'n', runAt: Date.now() + 3_600_000 });
        expect((await store.claimJobs({ owner: 'w', limit: 10, leaseMs: 1000 })).map(j => j.id)).toEqual(['now']);
    });

    jobBatchCases(ctx);
}

/**
 * Declares the conformance suite of the job concern alone, for an adapter of that concern.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeJobQueueConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeJobQueueConformance(name: string, factory: () => Promise<StoreFixture<JobQueueUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`JobQueue conformance: ${name}`, factory, options, jobCases);
}
