import { RAFFLE_ERROR__INVALID_ARGUMENT, isRaffleError } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '@raffle/worker-kit';
import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

describeWorkerStoreConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));

describe('memory store specifics', () => {
    it('uses the configured clock and backoff when an operation passes no `now`', async () => {
        let now = 5_000;
        const store = createMemoryWorkerStore({ clock: () => now, backoff: { minMs: 10, maxMs: 15, jitter: 0 } });
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

    it('applies the jitter of its backoff: each delay within [(1 - jitter) * d, d]', async () => {
        let now = 0;
        const store = createMemoryWorkerStore({ clock: () => now, backoff: { minMs: 1_000, maxMs: 1_000, jitter: 0.5 } });
        const delays = new Set<number>();
        for (let i = 0; i < 20; i++) {
            await store.enqueueJob({ id: `j${i}`, queue: `q${i}`, name: 'n', runAt: now });
            await store.claimJobs({ owner: 'w', queue: `q${i}`, limit: 1, leaseMs: 100 });
            const { job } = await store.failJob({ id: `j${i}`, owner: 'w', error: 'x' });
            delays.add(job!.runAt - now);
            now += 10_000;
        }
        for (const delay of delays) expect(delay >= 500 && delay <= 1_000, String(delay)).toBe(true);
        expect(delays.size).toBeGreaterThan(1);
    });

    it('refuses a backoff it cannot apply', () => {
        for (const backoff of [{ minMs: -1, maxMs: 10 }, { minMs: 10, maxMs: 5 }, { minMs: 10, maxMs: 20, factor: 0.5 }]) {
            let error: unknown;
            try {
                createMemoryWorkerStore({ backoff });
            } catch (e) {
                error = e;
            }
            expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT), JSON.stringify(backoff)).toBe(true);
        }
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
        const { event } = (await store.recordEvents([{ signature: 's', instructionIndex: 0, eventIndex: 0, slot: 1n, name: 'E', data: { v: [{ w: 1 }] } }]))[0]!;
        expect(Object.isFrozen((event.data as { v: object[] }).v[0])).toBe(true);
        await store.close();
    });
});
