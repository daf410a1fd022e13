/**
 * The conformance cases of the effect concern ({@link EffectLedger}): insert-if-absent intents,
 * the allowed moves, compare-and-set sends, concurrent writers.
 */
import { RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT, isRaffleError } from '@raffle/errors';
import { expect, it } from 'vitest';

import type { EffectLedger, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, expectRaffleError, lifecycleCase } from './harness';

/** What the effect suite checks. */
export type EffectLedgerUnderTest = StoreLifecycle & EffectLedger;

const intent = { kind: 'request_draw', raffle: 'R1' };

/**
 * Registers the effect cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function effectCases(ctx: ConformanceContext<EffectLedgerUnderTest>): void {
    lifecycleCase(ctx, store => store.getEffect('e'));

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.beginEffect({ key: '', intent: null }));
        await expectInvalidArgument(store.beginEffect({ key: 'k', intent: { big: 1n } as never }));
        await expectInvalidArgument(store.listEffects({ statuses: ['nope' as never] }));
    });

    it('beginEffect inserts if absent and returns the existing entry otherwise', async () => {
        const { store } = ctx;
        const first = await store.beginEffect({ key: 'draw:R1', intent, now: T0 });
        expect(first).toEqual({
            created: true,
            effect: { key: 'draw:R1', intent, status: 'pending', signature: null, lastValidBlockHeight: null, sendCount: 0, error: null, createdAt: T0, updatedAt: T0 },
        });
        const again = await store.beginEffect({ key: 'draw:R1', intent: { different: true }, now: T0 + 9 });
        expect(again).toEqual({ created: false, effect: first.effect });
        expect(await store.getEffect('draw:R1')).toEqual(first.effect);
        expect(await store.getEffect('nope')).toBeNull();
    });

    it('pending -> sent -> sent (re-sent) -> confirmed, keeping signature and block height', async () => {
        const { store } = ctx;
        await store.beginEffect({ key: 'e', intent, now: T0 });
        const sent = await store.markEffectSent({ key: 'e', signature: 'sig1', lastValidBlockHeight: 1000n, now: T0 + 1 });
        expect(sent).toMatchObject({ status: 'sent', signature: 'sig1', lastValidBlockHeight: 1000n, sendCount: 1, updatedAt: T0 + 1 });
        const big = 2n ** 63n - 1n;
        const resent = await store.markEffectSent({ key: 'e', signature: 'sig2', lastValidBlockHeight: big, now: T0 + 2 });
        expect(resent).toMatchObject({ status: 'sent', signature: 'sig2', lastValidBlockHeight: big, sendCount: 2 });
        const confirmed = await store.markEffectConfirmed({ key: 'e', now: T0 + 3 });
        expect(confirmed).toMatchObject({ status: 'confirmed', signature: 'sig2', updatedAt: T0 + 3, intent, createdAt: T0 });
        expect(await store.markEffectConfirmed({ key: 'e', now: T0 + 4 })).toEqual(confirmed);
        expect(await store.getEffect('e')).toEqual(confirmed);
    });

    it('confirms a pending effect with the signature that landed; fails pending and sent effects', async () => {
        const { store } = ctx;
        await store.beginEffect({ key: 'p', intent });
        expect(await store.markEffectConfirmed({ key: 'p', signature: 'found-on-chain' })).toMatchObject({ status: 'confirmed', signature: 'found-on-chain', sendCount: 0 });
        await store.beginEffect({ key: 'f1', intent });
        expect(await store.markEffectFailed({ key: 'f1', error: 'raffle cancelled', now: T0 })).toMatchObject({ status: 'failed', error: 'raffle cancelled' });
        expect(await store.markEffectFailed({ key: 'f1', error: 'other', now: T0 + 1 })).toMatchObject({ status: 'failed', error: 'raffle cancelled', updatedAt: T0 });
        await store.beginEffect({ key: 'f2', intent });
        await store.markEffectSent({ key: 'f2', signature: 's', lastValidBlockHeight: 5n });
        expect(await store.markEffectFailed({ key: 'f2', error: 'expired' })).toMatchObject({ status: 'failed', signature: 's' });
    });

    it('rejects unknown effects and moves out of terminal states', async () => {
        const { store } = ctx;
        await expectRaffleError(store.markEffectSent({ key: 'none', signature: 's', lastValidBlockHeight: 1n }));
        await expectRaffleError(store.markEffectConfirmed({ key: 'none' }));
        await expectRaffleError(store.markEffectFailed({ key: 'none', error: 'x' }));
        await store.beginEffect({ key: 'c', intent });
        await store.markEffectConfirmed({ key: 'c' });
        await expectRaffleError(store.markEffectSent({ key: 'c', signature: 's', lastValidBlockHeight: 1n }));
        await expectRaffleError(store.markEffectFailed({ key: 'c', error: 'x' }));
        await store.beginEffect({ key: 'f', intent });
        await store.markEffectFailed({ key: 'f', error: 'x' });
        await expectRaffleError(store.markEffectSent({ key: 'f', signature: 's', lastValidBlockHeight: 1n }));
        await expectRaffleError(store.markEffectConfirmed({ key: 'f' }));
        expect((await store.getEffect('c'))?.status).toBe('confirmed');
        expect((await store.getEffect('f'))?.status).toBe('failed');
    });

    it('lists effects oldest first, filtered by status', async () => {
        const { store } = ctx;
        await store.beginEffect({ key: 'b', intent, now: T0 + 2 });
        await store.beginEffect({ key: 'a', intent, now: T0 + 2 });
        await store.beginEffect({ key: 'c', intent, now: T0 + 1 });
        await store.beginEffect({ key: 'd', intent, now: T0 + 3 });
        await store.markEffectSent({ key: 'a', signature: 's', lastValidBlockHeight: 1n });
        await store.markEffectConfirmed({ key: 'd' });
        expect((await store.listEffects()).map(e => e.key)).toEqual(['c', 'a', 'b', 'd']);
        expect((await store.listEffects({ statuses: ['pending', 'sent'] })).map(e => e.key)).toEqual(['c', 'a', 'b']);
        expect((await store.listEffects({ statuses: ['sent'] })).map(e => e.key)).toEqual(['a']);
        expect((await store.listEffects({ limit: 1 })).map(e => e.key)).toEqual(['c']);
        expect(await store.listEffects({ statuses: [] })).toEqual([]);
    });

    it(`${ctx.concurrency} concurrent beginEffect calls on one key: exactly one creates it`, async () => {
        const stores = await ctx.actors(ctx.concurrency);
        for (let round = 0; round < 5; round++) {
            const results = await Promise.all(stores.map((s, i) => s.beginEffect({ key: `k${round}`, intent: { writer: i } })));
            expect(results.filter(r => r.created)).toHaveLength(1);
            const intentWon = results.find(r => r.created)!.effect.intent;
            for (const r of results) expect(r.effect.intent).toEqual(intentWon);
        }
    });

    it(`markEffectSent with expectedSendCount is compare-and-set: of ${ctx.concurrency} racing senders exactly one records its send`, async () => {
        const { store } = ctx;
        const stores = await ctx.actors(ctx.concurrency);
        await store.beginEffect({ key: 'cas', intent: null });
        const results = await Promise.allSettled(
            stores.map((s, i) => s.markEffectSent({ key: 'cas', signature: `sig${i}`, lastValidBlockHeight: 10n, expectedSendCount: 0 })),
        );
        const won = results.filter(r => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) {
            if (r.status === 'rejected') expect(isRaffleError(r.reason, RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT), String(r.reason)).toBe(true);
        }
        const stored = await store.getEffect('cas');
        expect(stored).toMatchObject({ status: 'sent', sendCount: 1, signature: (won[0] as PromiseFulfilledResult<{ signature: string }>).value.signature });
        // The next send must expect 1; a stale 0 changes nothing.
        await expect(store.markEffectSent({ key: 'cas', signature: 'late', lastValidBlockHeight: 11n, expectedSendCount: 0 })).rejects.toSatisfy(e =>
            isRaffleError(e, RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT),
        );
        expect((await store.markEffectSent({ key: 'cas', signature: 'resent', lastValidBlockHeight: 12n, expectedSendCount: 1 })).sendCount).toBe(2);
        await expectInvalidArgument(store.markEffectSent({ key: 'cas', signature: 'x', lastValidBlockHeight: 1n, expectedSendCount: -1 }));
        await store.markEffectConfirmed({ key: 'cas' });
        await expectRaffleError(store.markEffectSent({ key: 'cas', signature: 'y', lastValidBlockHeight: 1n, expectedSendCount: 2 }));
    });

    it(`${ctx.concurrency} concurrent markEffectSent calls all land (none lost)`, async () => {
        const { store } = ctx;
        await store.beginEffect({ key: 'e', intent });
        const stores = await ctx.actors(ctx.concurrency);
        await Promise.all(stores.map((s, i) => s.markEffectSent({ key: 'e', signature: `sig${i}`, lastValidBlockHeight: BigInt(i) })));
        expect((await store.getEffect('e'))?.sendCount).toBe(ctx.concurrency);
    });
}

/**
 * Declares the conformance suite of the effect concern alone, for an adapter of that concern.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeEffectLedgerConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeEffectLedgerConformance(name: string, factory: () => Promise<StoreFixture<EffectLedgerUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`EffectLedger conformance: ${name}`, factory, options, effectCases);
}
