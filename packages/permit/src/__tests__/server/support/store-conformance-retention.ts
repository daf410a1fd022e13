/**
 * Conformance cases of every PermitServerStore adapter, part 2: paging over more than 1,000
 * rows (a cursor must follow the sort order, numerically), the end of the u64 raffle id range,
 * and the retention policy of `prune`. Called by `describeStoreConformance`.
 */
import { isRaffleError, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID } from '@raffle/errors';
import type { Address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import type { Permit } from '../../../permit';
import { MAX_NEXT_RAFFLE_ID } from '../../../server/organizer';
import type { PermitServerStore } from '../../../server/store/types';
import { ENTERPRISE_ID, randomAddress } from './fixtures';

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

type WithStore = (fn: (store: PermitServerStore) => Promise<void>) => () => Promise<void>;

/** Runs `make(i)` for i in [0, count) in concurrent chunks. */
async function inChunks<T>(count: number, make: (i: number) => Promise<T>, chunk = 100): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < count; start += chunk) {
        out.push(...(await Promise.all(Array.from({ length: Math.min(chunk, count - start) }, (_, k) => make(start + k)))));
    }
    return out;
}

/** Follows `before` cursors until a short page; bounded by `maxPages`. */
async function pageAll<T>(list: (before: string | undefined) => Promise<T[]>, cursor: (item: T) => string, limit: number, maxPages: number): Promise<T[]> {
    const out: T[] = [];
    let before: string | undefined;
    for (let page = 0; page < maxPages; page++) {
        const rows = await list(before);
        out.push(...rows);
        if (rows.length < limit) return out;
        before = cursor(rows[rows.length - 1]!);
    }
    throw new Error(`more than ${maxPages} pages`);
}

function expectStrictlyDecreasing(cursors: string[]): void {
    const numbers = cursors.map(BigInt);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]! < numbers[i - 1]!).toBe(true);
}

function fakePermit(): Permit {
    return { version: 1, message: 'AAAA', signature: 'BBBB', signer: randomAddress(), expiresAt: '1800000300', fields: {} as Permit['fields'] };
}

export function describeRetentionAndPagingConformance(withStore: WithStore): void {
    describe('paging over more than 1,000 rows', () => {
        it(
            'pages through 1,100 audit entries without losing or repeating one',
            withStore(async store => {
                const one = randomAddress();
                await inChunks(1100, i =>
                    store.appendAudit({ at: T0 + i, actor: 'api-key:key_a', action: 'permit.issued', organizer: i % 2 === 0 ? one : randomAddress(), reason: null, details: { i } }),
                );
                for (const limit of [100, 1000]) {
                    const all = await pageAll(before => store.listAudit({ limit, ...(before !== undefined && { before }) }), e => e.id, limit, 30);
                    expect(all).toHaveLength(1100);
                    expectStrictlyDecreasing(all.map(e => e.id));
                    expect(new Set(all.map(e => e.details.i))).toEqual(new Set(Array.from({ length: 1100 }, (_, i) => i)));
                }
                const mine = await pageAll(before => store.listAudit({ organizer: one, limit: 64, ...(before !== undefined && { before }) }), e => e.id, 64, 30);
                expect(mine).toHaveLength(550);
                expectStrictlyDecreasing(mine.map(e => e.id));
                expect(mine.every(e => e.organizer === one)).toBe(true);
            }),
        );

        it(
            'pages through 1,005 permits without losing or repeating one',
            withStore(async store => {
                const organizer = randomAddress();
                await store.createOrganizer({ address: organizer, enterpriseId: ENTERPRISE_ID, tier: 'enterprise' }, T0);
                await store.createOrganizer({ address: randomAddress(), enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0);
                await inChunks(1005, () => store.reservePermit({ organizer, now: T0, expiresAt: T0 + 300_000, maxActive: null }));
                for (const [limit, query] of [
                    [10, { organizer }],
                    [1000, {}],
                ] as const) {
                    const all = await pageAll(before => store.listPermits({ ...query, limit, ...(before !== undefined && { before }) }), p => p.seq, limit, 120);
                    expect(all).toHaveLength(1005);
                    expectStrictlyDecreasing(all.map(p => p.seq));
                    expect(new Set(all.map(p => p.raffleId))).toEqual(new Set(Array.from({ length: 1005 }, (_, i) => BigInt(i))));
                }
            }),
        );
    });

    describe('the end of the u64 raffle id range', () => {
        it(
            'hands out the last id, then refuses with RAFFLE_ID_EXHAUSTED and leaves the counter a u64',
            withStore(async store => {
                expect(MAX_NEXT_RAFFLE_ID).toBe(U64_MAX - 1n);
                for (const maxActive of [null, 5]) {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'pro', nextRaffleId: MAX_NEXT_RAFFLE_ID }, T0);
                    const last = await store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive });
                    expect(last.ok && [last.raffleId, last.organizer.nextRaffleId]).toEqual([U64_MAX - 1n, U64_MAX]);
                    for (const again of [null, 5]) {
                        expect(await store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive: again })).toEqual({
                            ok: false,
                            reason: 'RAFFLE_ID_EXHAUSTED',
                        });
                    }
                    expect((await store.getOrganizer(address))?.nextRaffleId).toBe(U64_MAX);
                    expect((await store.listPermits({ organizer: address, limit: 10 })).map(p => p.raffleId)).toEqual([U64_MAX - 1n]);
                    // Deactivated wins over exhausted.
                    await store.updateOrganizer(address, { active: false }, T0 + 1);
                    expect(await store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive })).toEqual({ ok: false, reason: 'ORGANIZER_INACTIVE' });
                }
            }),
        );

        it(
            'refuses a next raffle id without room for one more',
            withStore(async store => {
                const address = randomAddress();
                const created = await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'pro', nextRaffleId: U64_MAX }, T0).catch((e: unknown) => e);
                expect(isRaffleError(created, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID) && created.context.field).toBe('organizer.nextRaffleId');
                await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, T0);
                const patched = await store.updateOrganizer(address, { nextRaffleId: U64_MAX }, T0).catch((e: unknown) => e);
                expect(isRaffleError(patched, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID) && patched.context.field).toBe('patch.nextRaffleId');
                expect((await store.updateOrganizer(address, { nextRaffleId: MAX_NEXT_RAFFLE_ID }, T0))?.nextRaffleId).toBe(MAX_NEXT_RAFFLE_ID);
            }),
        );
    });

    describe('retention (prune)', () => {
        const reserve = async (store: PermitServerStore, organizer: Address, expiresAt: number): Promise<bigint> => {
            const r = await store.reservePermit({ organizer, now: T0, expiresAt, maxActive: null });
            if (!r.ok) throw new Error(r.reason);
            return r.raffleId;
        };
        const audit = (store: PermitServerStore, at: number, i: number) =>
            store.appendAudit({ at, actor: 'api-key:key_a', action: 'organizer.updated', organizer: null, reason: null, details: { i } });

        it(
            'deletes permits some time after expiry and audit entries after a period; 0 keeps them; ids are never reused',
            withStore(async store => {
                const organizer = randomAddress();
                await store.createOrganizer({ address: organizer, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, T0);
                const old = await reserve(store, organizer, T0 + 1_000);
                await store.completePermit(organizer, old, fakePermit());
                await reserve(store, organizer, T0 + 2_000); // stays reserved: pruned all the same
                const recent = await reserve(store, organizer, T0 + 20 * DAY);
                for (const [i, at] of [T0, T0 + 50 * DAY, T0 + 100 * DAY].entries()) await audit(store, at, i);
                await store.createSession({ tokenHash: '2'.repeat(64), organizer, createdAt: T0, expiresAt: T0 + 10 });

                // Defaults: permits 30 days after expiry, audit entries 90 days.
                expect(await store.prune({ now: T0 + 40 * DAY })).toEqual({ nonces: 0, sessions: 1, idempotency: 0, rateLimits: 0, permits: 2, audit: 0 });
                expect((await store.listPermits({ organizer, limit: 10 })).map(p => p.raffleId)).toEqual([recent]);

                // Permits kept forever, audit entries 90 days.
                expect(await store.prune({ now: T0 + 150 * DAY, permitRetentionMs: 0, auditRetentionMs: 90 * DAY })).toMatchObject({ permits: 0, audit: 2 });
                expect((await store.listAudit({ limit: 10 })).map(e => e.details.i)).toEqual([2]);
                expect(await store.listPermits({ limit: 10 })).toHaveLength(1);

                // Audit kept forever; the default permit retention removes the last permit.
                expect(await store.prune({ now: T0 + 400 * DAY, auditRetentionMs: 0 })).toMatchObject({ permits: 1, audit: 0 });
                expect(await store.listPermits({ limit: 10 })).toEqual([]);
                expect(await store.listAudit({ limit: 10 })).toHaveLength(1);

                // Nothing is reused: the next raffle id and audit id continue.
                const [kept] = await store.listAudit({ limit: 1 });
                expect(BigInt((await audit(store, T0 + 400 * DAY, 3)).id) > BigInt(kept!.id)).toBe(true);
                expect(await reserve(store, organizer, T0 + 401 * DAY)).toBe(recent + 1n);
                const [permit] = await store.listPermits({ organizer, limit: 10 });
                expect(permit?.raffleId).toBe(recent + 1n);
            }),
        );

        it(
            'keeps unexpired permits, so the active-permit count is unchanged',
            withStore(async store => {
                const organizer = randomAddress();
                await store.createOrganizer({ address: organizer, enterpriseId: ENTERPRISE_ID, tier: 'pro' }, T0);
                for (let i = 0; i < 3; i++) await reserve(store, organizer, T0 + 365 * DAY);
                expect(await store.prune({ now: T0 + 31 * DAY, permitRetentionMs: 1 })).toMatchObject({ permits: 0 });
                expect(await store.countActivePermits(organizer, T0 + 31 * DAY)).toBe(3);
            }),
        );

        it(
            'refuses invalid retention options with RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID',
            withStore(async store => {
                for (const bad of [{ now: T0, auditRetentionMs: -1 }, { now: T0, permitRetentionMs: 1.5 }, { now: Number.NaN }, { now: 'soon' }, null]) {
                    const error = await store.prune(bad as never).catch((e: unknown) => e);
                    expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__SERVER_OPTION_INVALID)).toBe(true);
                }
            }),
        );
    });
}
