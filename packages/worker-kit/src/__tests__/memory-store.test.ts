import { describe, expect, it } from 'vitest';

import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

import { createMemoryWorkerStore } from '../store/memory';

describeWorkerStoreConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));

describe('memory store specifics', () => {
    it('uses the configured clock and backoff when an operation passes no `now`', async () => {
        let now = 5_000;
        const store = createMemoryWorkerStore({ clock: () => now, backoff: { baseMs: 10, maxMs: 15 } });
        await store.enqueueJob({ id: 'j', name: 'n', runAt: 6_000 });
        expect(await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100 })).toEqual([]);
        now = 6_000;
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100 });
        expect((await store.failJob({ id: 'j', owner: 'w', error: 'x' })).job?.runAt).toBe(6_010);
        now = 6_010;
        await store.claimJobs({ owner: 'w', limit: 1, leaseMs: 100 });
        expect((await store.failJob({ id: 'j', owner: 'w', error: 'x' })).job?.runAt).toBe(6_025); // capped at maxMs
        await store.close();
    });

    it('returns copies: mutating a record never changes the store', async () => {
        const store = createMemoryWorkerStore();
        const { job } = await store.enqueueJob({ id: 'j', name: 'n', payload: { list: [1] } });
        (job.payload as { list: number[] }).list.push(2);
        (job as { status: string }).status = 'dead';
        expect(await store.getJob('j')).toMatchObject({ status: 'pending', payload: { list: [1] } });
        await store.close();
    });
});
