/**
 * The conformance cases of the cursor concern ({@link CursorStore}): compare-and-set, never
 * backwards, fencing by a lease's token, concurrent writers.
 */
import { expect, it } from 'vitest';

import type { CursorStore, LeaseStore, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, lifecycleCase } from './harness';

/** What the cursor suite checks: the cursors, and the leases their fenced writes read. */
export type CursorStoreUnderTest = StoreLifecycle & CursorStore & LeaseStore;

/**
 * Registers the cursor cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function cursorCases(ctx: ConformanceContext<CursorStoreUnderTest>): void {
    lifecycleCase(ctx, store => store.getCursor('c'));

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.getCursor(''));
        await expectInvalidArgument(store.setCursor({ name: 'c', slot: -1n }));
        await expectInvalidArgument(store.setCursor({ name: 'c', slot: 1 as unknown as bigint }));
        await expectInvalidArgument(store.getCursor('x'.repeat(513)));
    });

    it('is null until written; the first write has version 1', async () => {
        const { store } = ctx;
        expect(await store.getCursor('ingest')).toBeNull();
        const r = await store.setCursor({ name: 'ingest', slot: 10n, signature: 'sigA', expectedVersion: 0, now: T0 });
        expect(r).toEqual({ applied: true, cursor: { name: 'ingest', slot: 10n, signature: 'sigA', version: 1, updatedAt: T0 } });
        expect(await store.getCursor('ingest')).toEqual(r.cursor);
    });

    it('compare-and-set rejects a stale version and keeps the value', async () => {
        const { store } = ctx;
        await store.setCursor({ name: 'c', slot: 10n, expectedVersion: 0, now: T0 });
        const ok = await store.setCursor({ name: 'c', slot: 12n, signature: 's12', expectedVersion: 1, now: T0 + 1 });
        expect(ok.applied).toBe(true);
        expect(ok.cursor?.version).toBe(2);
        const stale = await store.setCursor({ name: 'c', slot: 20n, expectedVersion: 1, now: T0 + 2 });
        expect(stale).toMatchObject({ applied: false, reason: 'version-mismatch' });
        expect(stale.cursor).toMatchObject({ slot: 12n, signature: 's12', version: 2 });
        const create = await store.setCursor({ name: 'c', slot: 30n, expectedVersion: 0 });
        expect(create).toMatchObject({ applied: false, reason: 'version-mismatch' });
        expect((await store.getCursor('c'))?.slot).toBe(12n);
        const absent = await store.setCursor({ name: 'other', slot: 1n, expectedVersion: 3 });
        expect(absent).toEqual({ applied: false, reason: 'version-mismatch', cursor: null });
    });

    it('never moves backwards, with or without expectedVersion; an equal slot is allowed', async () => {
        const { store } = ctx;
        await store.setCursor({ name: 'c', slot: 100n, signature: 'a' });
        expect(await store.setCursor({ name: 'c', slot: 99n })).toMatchObject({ applied: false, reason: 'backwards' });
        expect(await store.setCursor({ name: 'c', slot: 99n, expectedVersion: 1 })).toMatchObject({ applied: false, reason: 'backwards' });
        const same = await store.setCursor({ name: 'c', slot: 100n, signature: 'b' });
        expect(same.applied).toBe(true);
        expect(same.cursor).toMatchObject({ slot: 100n, signature: 'b', version: 2 });
        const big = 2n ** 62n + 7n;
        expect((await store.setCursor({ name: 'c', slot: big })).cursor?.slot).toBe(big);
        expect((await store.getCursor('c'))?.slot).toBe(big);
    });

    it(`${ctx.concurrency} concurrent writers with the same expected version: exactly one wins`, async () => {
        const { store } = ctx;
        await store.setCursor({ name: 'c', slot: 1n, expectedVersion: 0 });
        const stores = await ctx.actors(ctx.concurrency);
        const results = await Promise.all(stores.map((s, i) => s.setCursor({ name: 'c', slot: BigInt(10 + i), expectedVersion: 1 })));
        const winners = results.filter(r => r.applied);
        expect(winners).toHaveLength(1);
        expect(results.filter(r => !r.applied).every(r => !r.applied && r.reason === 'version-mismatch')).toBe(true);
        expect((await store.getCursor('c'))?.version).toBe(2);
        expect((await store.getCursor('c'))?.slot).toBe(winners[0]!.cursor!.slot);
    });

    it('a fenced write is rejected once the lease changed hands', async () => {
        const { store } = ctx;
        const a = await store.acquireLease({ name: 'leader', owner: 'A', leaseMs: 1000, now: T0 });
        expect(a?.token).toBe(1);
        const fenceA = { lease: 'leader', token: a!.token };
        expect((await store.setCursor({ name: 'c', slot: 5n, fence: fenceA, now: T0 })).applied).toBe(true);
        const b = await store.acquireLease({ name: 'leader', owner: 'B', leaseMs: 1000, now: T0 + 1000 });
        expect(b?.token).toBe(2);
        const late = await store.setCursor({ name: 'c', slot: 6n, fence: fenceA, now: T0 + 1001 });
        expect(late).toMatchObject({ applied: false, reason: 'fenced' });
        expect(late.cursor?.slot).toBe(5n);
        const late2 = await store.setCursor({ name: 'c', slot: 6n, fence: fenceA, expectedVersion: 1 });
        expect(late2).toMatchObject({ applied: false, reason: 'fenced' });
        expect((await store.setCursor({ name: 'c', slot: 6n, fence: { lease: 'leader', token: 2 } })).applied).toBe(true);
        expect(await store.setCursor({ name: 'c2', slot: 1n, fence: { lease: 'never-acquired', token: 1 } })).toMatchObject({
            applied: false,
            reason: 'fenced',
        });
    });
}

/**
 * Declares the conformance suite of the cursor concern alone, for an adapter of that concern
 * (with the leases its fenced writes read).
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeCursorStoreConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeCursorStoreConformance(
    name: string,
    factory: () => Promise<StoreFixture<CursorStoreUnderTest>>,
    options: StoreConformanceOptions = {},
): void {
    describeConcern(`CursorStore conformance: ${name}`, factory, options, cursorCases);
}
