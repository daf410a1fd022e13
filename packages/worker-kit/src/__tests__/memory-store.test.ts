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

    it('returns its own records, with frozen JSON values: nothing a caller does changes the store', async () => {
        const store = createMemoryWorkerStore();
        const input = { list: [1], nested: { a: 'x' } };
        const { job } = await store.enqueueJob({ id: 'j', name: 'n', payload: input });
        input.list.push(2); // the caller's own value was copied on the way in
        expect(() => (job.payload as { list: number[] }).list.push(3)).toThrow(TypeError);
        expect(() => {
            (job.payload as { nested: { a: string } }).nested.a = 'y';
        }).toThrow(TypeError);
        (job as { status: string }).status = 'dead';
        expect(await store.getJob('j')).toMatchObject({ status: 'pending', payload: { list: [1], nested: { a: 'x' } } });
        const { event } = await store.recordEvent({ signature: 's', instructionIndex: 0, eventIndex: 0, slot: 1n, name: 'E', data: { v: [{ w: 1 }] } });
        expect(Object.isFrozen((event.data as { v: object[] }).v[0])).toBe(true);
        await store.close();
    });
});
