/**
 * The conformance cases of the lease concern ({@link LeaseStore}): exclusive while held,
 * takeover of an expired lease with a higher token, release, concurrent acquirers.
 */
import { expect, it } from 'vitest';

import type { LeaseStore, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, lifecycleCase, sleep } from './harness';

/** What the lease suite checks. */
export type LeaseStoreUnderTest = StoreLifecycle & LeaseStore;

/**
 * Registers the lease cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function leaseCases(ctx: ConformanceContext<LeaseStoreUnderTest>): void {
    lifecycleCase(ctx, store => store.getLease('l'));

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.acquireLease({ name: 'l', owner: '', leaseMs: 1000 }));
        await expectInvalidArgument(store.acquireLease({ name: 'l', owner: 'o', leaseMs: 0 }));
        await expectInvalidArgument(store.renewLease({ name: 'l', owner: 'o', token: -1, leaseMs: 1000 }));
    });

    it('acquire, exclusive while held, renewal by the holder keeps the token', async () => {
        const { store } = ctx;
        const a = await store.acquireLease({ name: 'leader', owner: 'A', leaseMs: 1000, now: T0 });
        expect(a).toEqual({ name: 'leader', owner: 'A', token: 1, expiresAt: T0 + 1000, acquiredAt: T0 });
        expect(await store.acquireLease({ name: 'leader', owner: 'B', leaseMs: 1000, now: T0 + 999 })).toBeNull();
        const again = await store.acquireLease({ name: 'leader', owner: 'A', leaseMs: 1000, now: T0 + 500 });
        expect(again).toEqual({ name: 'leader', owner: 'A', token: 1, expiresAt: T0 + 1500, acquiredAt: T0 });
        const renewed = await store.renewLease({ name: 'leader', owner: 'A', token: 1, leaseMs: 2000, now: T0 + 600 });
        expect(renewed).toMatchObject({ owner: 'A', token: 1, expiresAt: T0 + 2600 });
        expect(await store.getLease('leader')).toEqual(renewed);
        expect(await store.getLease('other')).toBeNull();
        expect(await store.renewLease({ name: 'leader', owner: 'B', token: 1, leaseMs: 1000, now: T0 })).toBeNull();
        expect(await store.renewLease({ name: 'leader', owner: 'A', token: 2, leaseMs: 1000, now: T0 })).toBeNull();
        expect(await store.renewLease({ name: 'nope', owner: 'A', token: 1, leaseMs: 1000 })).toBeNull();
    });

    it('an expired lease is taken over with a higher token; the former holder cannot renew or release it', async () => {
        const { store } = ctx;
        await store.acquireLease({ name: 'leader', owner: 'A', leaseMs: 1000, now: T0 });
        const b = await store.acquireLease({ name: 'leader', owner: 'B', leaseMs: 1000, now: T0 + 1000 });
        expect(b).toEqual({ name: 'leader', owner: 'B', token: 2, expiresAt: T0 + 2000, acquiredAt: T0 + 1000 });
        expect(await store.renewLease({ name: 'leader', owner: 'A', token: 1, leaseMs: 1000, now: T0 + 1001 })).toBeNull();
        expect(await store.releaseLease({ name: 'leader', owner: 'A', token: 1 })).toBe(false);
        expect((await store.getLease('leader'))?.owner).toBe('B');
    });

    it('the holder may renew after expiry while nobody took it over; re-acquiring after expiry is a new term', async () => {
        const { store } = ctx;
        await store.acquireLease({ name: 'l', owner: 'A', leaseMs: 100, now: T0 });
        expect(await store.renewLease({ name: 'l', owner: 'A', token: 1, leaseMs: 100, now: T0 + 150 })).toMatchObject({ token: 1, expiresAt: T0 + 250 });
        const later = await store.acquireLease({ name: 'l', owner: 'A', leaseMs: 100, now: T0 + 400 });
        expect(later).toMatchObject({ owner: 'A', token: 2, acquiredAt: T0 + 400 });
    });

    it('release frees the lease; the next owner gets a higher token', async () => {
        const { store } = ctx;
        const a = await store.acquireLease({ name: 'l', owner: 'A', leaseMs: 60_000, now: T0 });
        expect(await store.releaseLease({ name: 'l', owner: 'B', token: a!.token })).toBe(false);
        expect(await store.releaseLease({ name: 'l', owner: 'A', token: a!.token })).toBe(true);
        expect(await store.releaseLease({ name: 'l', owner: 'A', token: a!.token })).toBe(false);
        expect((await store.getLease('l'))?.owner).toBeNull();
        expect(await store.renewLease({ name: 'l', owner: 'A', token: a!.token, leaseMs: 100, now: T0 + 1 })).toBeNull();
        const b = await store.acquireLease({ name: 'l', owner: 'B', leaseMs: 60_000, now: T0 + 1 });
        expect(b).toMatchObject({ owner: 'B', token: 2 });
        expect(await store.releaseLease({ name: 'missing', owner: 'A', token: 1 })).toBe(false);
    });

    it(`${ctx.concurrency} concurrent acquirers: exactly one leader per term, tokens strictly increase`, async () => {
        const stores = await ctx.actors(ctx.concurrency);
        const tokens: number[] = [];
        for (let term = 0; term < 5; term++) {
            const now = T0 + term * 1000;
            const results = await Promise.all(stores.map((s, i) => s.acquireLease({ name: 'leader', owner: `o${term}-${i}`, leaseMs: 1000, now })));
            const winners = results.filter(r => r !== null);
            expect(winners).toHaveLength(1);
            tokens.push(winners[0]!.token);
        }
        expect(tokens).toEqual([1, 2, 3, 4, 5]);
    });

    it("uses the store's clock when no `now` is given: a lease expires in real time", async () => {
        const { store } = ctx;
        const a = await store.acquireLease({ name: 'l', owner: 'A', leaseMs: 300 });
        expect(a).not.toBeNull();
        expect(Math.abs(a!.acquiredAt - Date.now())).toBeLessThan(60_000);
        expect(await store.acquireLease({ name: 'l', owner: 'B', leaseMs: 300 })).toBeNull();
        const deadline = Date.now() + 5000;
        let b = null;
        while (b === null && Date.now() < deadline) {
            await sleep(50);
            b = await store.acquireLease({ name: 'l', owner: 'B', leaseMs: 300 });
        }
        expect(b).toMatchObject({ owner: 'B', token: 2 });
    });
}

/**
 * Declares the conformance suite of the lease concern alone, for an adapter of that concern.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeLeaseStoreConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeLeaseStoreConformance(name: string, factory: () => Promise<StoreFixture<LeaseStoreUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`LeaseStore conformance: ${name}`, factory, options, leaseCases);
}
