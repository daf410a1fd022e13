/**
 * The conformance suite every PermitServerStore adapter passes: memory, PGlite, PostgreSQL.
 * Each test gets a fresh, empty store from the factory.
 */
import { isRaffleError, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID } from '@raffle/errors';
import { describe, expect, it } from 'vitest';

import type { Permit } from '../../../permit';
import type { PermitServerStore } from '../../../server/store/types';
import { ENTERPRISE_ID, randomAddress } from './fixtures';
import { describeRetentionAndPagingConformance } from './store-conformance-retention';

export type StoreFactory = () => Promise<PermitServerStore>;

const T0 = 1_800_000_000_000;

function fakePermit(signer = randomAddress()): Permit {
    return {
        version: 1,
        message: 'AAAA',
        signature: 'BBBB',
        signer,
        expiresAt: '1800000300',
        fields: {} as Permit['fields'],
    };
}

export function describeStoreConformance(name: string, factory: StoreFactory, options: { skip?: boolean } = {}): void {
    const suite = options.skip ? describe.skip : describe;
    suite(`PermitServerStore conformance: ${name}`, () => {
        const withStore = (fn: (store: PermitServerStore) => Promise<void>) => async () => {
            const store = await factory();
            try {
                await store.ready();
                await fn(store);
            } finally {
                await store.close();
            }
        };

        describe('organizers', () => {
            it(
                'creates, reads, refuses duplicates',
                withStore(async store => {
                    const address = randomAddress();
                    const collection = randomAddress();
                    const created = await store.createOrganizer(
                        { address, enterpriseId: ENTERPRISE_ID.toUpperCase(), tier: 'pro', allowedCollections: [collection, collection] },
                        T0,
                    );
                    expect(created).toEqual({
                        address,
                        enterpriseId: ENTERPRISE_ID,
                        tier: 'pro',
                        allowedCollections: [collection],
                        active: true,
                        nextRaffleId: 0n,
                        createdAt: T0,
                        updatedAt: T0,
                    });
                    expect(await store.getOrganizer(address)).toEqual(created);
                    expect(await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0 + 1)).toBeUndefined();
                    expect(await store.getOrganizer(randomAddress())).toBeUndefined();
                }),
            );

            it(
                'accepts a UUID enterprise id and a starting raffle id',
                withStore(async store => {
                    const address = randomAddress();
                    const o = await store.createOrganizer(
                        { address, enterpriseId: '7f1c0d2e-52a1-4c3b-9a55-0e0b8c7d6f10', tier: 'enterprise', active: false, nextRaffleId: 18_446_744_073_709_551_000n },
                        T0,
                    );
                    expect(o?.enterpriseId).toBe(ENTERPRISE_ID);
                    expect(o?.active).toBe(false);
                    expect(o?.nextRaffleId).toBe(18_446_744_073_709_551_000n);
                }),
            );

            it(
                'rejects invalid organizers with RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID naming the field',
                withStore(async store => {
                    const bad: [Record<string, unknown>, string][] = [
                        [{ address: 'nope', enterpriseId: ENTERPRISE_ID, tier: 'free' }, 'organizer.address'],
                        [{ address: randomAddress(), enterpriseId: 'xyz', tier: 'free' }, 'organizer.enterpriseId'],
                        [{ address: randomAddress(), enterpriseId: ENTERPRISE_ID, tier: 'gold' }, 'organizer.tier'],
                        [{ address: randomAddress(), enterpriseId: ENTERPRISE_ID, tier: 'free', allowedCollections: ['x'] }, 'organizer.allowedCollections'],
                        [{ address: randomAddress(), enterpriseId: ENTERPRISE_ID, tier: 'free', nextRaffleId: -1n }, 'organizer.nextRaffleId'],
                    ];
                    for (const [input, field] of bad) {
                        const error = await store.createOrganizer(input as never, T0).catch((e: unknown) => e);
                        expect(isRaffleError(error, RAFFLE_ERROR__PERMIT__ORGANIZER_INVALID) && error.context.field).toBe(field);
                    }
                }),
            );

            it(
                'updates fields; the next raffle id only grows',
                withStore(async store => {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free', nextRaffleId: 10n }, T0);
                    const collection = randomAddress();
                    const updated = await store.updateOrganizer(address, { tier: 'enterprise', allowedCollections: [collection], active: false }, T0 + 5);
                    expect(updated).toMatchObject({ tier: 'enterprise', allowedCollections: [collection], active: false, createdAt: T0, updatedAt: T0 + 5 });
                    expect((await store.updateOrganizer(address, { nextRaffleId: 3n }, T0 + 6))?.nextRaffleId).toBe(10n);
                    expect((await store.updateOrganizer(address, { nextRaffleId: 42n }, T0 + 7))?.nextRaffleId).toBe(42n);
                    expect((await store.updateOrganizer(address, {}, T0 + 8))?.tier).toBe('enterprise');
                    expect(await store.updateOrganizer(randomAddress(), { active: true }, T0)).toBeUndefined();
                }),
            );

            it(
                'lists by address with a cursor and an active filter',
                withStore(async store => {
                    const addresses = Array.from({ length: 7 }, randomAddress);
                    for (const [i, address] of addresses.entries()) {
                        await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free', active: i % 2 === 0 }, T0 + i);
                    }
                    const sorted = [...addresses].sort();
                    const first = await store.listOrganizers({ limit: 3 });
                    expect(first.map(o => o.address)).toEqual(sorted.slice(0, 3));
                    const second = await store.listOrganizers({ limit: 10, after: first[2]!.address });
                    expect(second.map(o => o.address)).toEqual(sorted.slice(3));
                    const active = await store.listOrganizers({ limit: 10, active: true });
                    expect(active).toHaveLength(4);
                    expect(active.every(o => o.active)).toBe(true);
                }),
            );
        });

        describe('raffle ids and permits', () => {
            it(
                'refuses unknown and inactive organizers',
                withStore(async store => {
                    expect(await store.reservePermit({ organizer: randomAddress(), now: T0, expiresAt: T0 + 300_000, maxActive: null })).toEqual({
                        ok: false,
                        reason: 'ORGANIZER_UNKNOWN',
                    });
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free', active: false }, T0);
                    for (const maxActive of [null, 5]) {
                        expect(await store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive })).toEqual({
                            ok: false,
                            reason: 'ORGANIZER_INACTIVE',
                        });
                    }
                }),
            );

            it(
                'allocates consecutive ids from nextRaffleId, with and without a limit',
                withStore(async store => {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'pro', nextRaffleId: 7n }, T0);
                    const ids: bigint[] = [];
                    for (const maxActive of [null, 100, null, 100]) {
                        const r = await store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive });
                        if (!r.ok) throw new Error(r.reason);
                        ids.push(r.raffleId);
                        expect(r.organizer.nextRaffleId).toBe(r.raffleId + 1n);
                        expect(r.organizer.address).toBe(address);
                    }
                    expect(ids).toEqual([7n, 8n, 9n, 10n]);
                    expect((await store.getOrganizer(address))?.nextRaffleId).toBe(11n);
                }),
            );

            it(
                'counts unexpired, non-failed permits against the limit',
                withStore(async store => {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0);
                    const reserve = (now: number, expiresAt: number) => store.reservePermit({ organizer: address, now, expiresAt, maxActive: 2 });
                    const a = await reserve(T0, T0 + 1000);
                    const b = await reserve(T0, T0 + 5000);
                    expect(a.ok && b.ok).toBe(true);
                    expect(await reserve(T0 + 1, T0 + 5000)).toEqual({ ok: false, reason: 'ACTIVE_PERMIT_LIMIT', active: 2 });
                    expect(await store.countActivePermits(address, T0 + 1)).toBe(2);
                    // a expires at T0 + 1000: at that instant it no longer counts.
                    expect(await store.countActivePermits(address, T0 + 1000)).toBe(1);
                    const c = await reserve(T0 + 1000, T0 + 9000);
                    expect(c.ok).toBe(true);
                    if (!c.ok) return;
                    await store.failPermit(address, c.raffleId);
                    expect(await store.countActivePermits(address, T0 + 1000)).toBe(1);
                    const d = await reserve(T0 + 1000, T0 + 9000);
                    expect(d.ok && d.raffleId).toBe(3n);
                }),
            );

            it(
                'records, completes and lists permits newest first',
                withStore(async store => {
                    const one = randomAddress();
                    const two = randomAddress();
                    await store.createOrganizer({ address: one, enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0);
                    await store.createOrganizer({ address: two, enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0);
                    const permit = fakePermit();
                    for (let i = 0; i < 3; i++) {
                        for (const organizer of [one, two]) {
                            const r = await store.reservePermit({ organizer, now: T0 + i, expiresAt: T0 + 300_000, maxActive: null });
                            if (!r.ok) throw new Error(r.reason);
                            if (organizer === one) await store.completePermit(organizer, r.raffleId, permit);
                        }
                    }
                    await store.failPermit(two, 1n);
                    const all = await store.listPermits({ limit: 10 });
                    expect(all).toHaveLength(6);
                    expect(all.map(p => Number(p.seq))).toEqual([...all.map(p => Number(p.seq))].sort((a, b) => b - a));
                    const mine = await store.listPermits({ organizer: one, limit: 2 });
                    expect(mine.map(p => p.raffleId)).toEqual([2n, 1n]);
                    expect(mine[0]).toMatchObject({ organizer: one, status: 'issued', signer: permit.signer, permit, createdAt: T0 + 2, expiresAt: T0 + 300_000 });
                    const rest = await store.listPermits({ organizer: one, limit: 10, before: mine[1]!.seq });
                    expect(rest.map(p => p.raffleId)).toEqual([0n]);
                    const theirs = await store.listPermits({ organizer: two, limit: 10 });
                    expect(theirs.map(p => [p.raffleId, p.status, p.permit])).toEqual([
                        [2n, 'reserved', null],
                        [1n, 'failed', null],
                        [0n, 'reserved', null],
                    ]);
                    // Completing twice or completing a failed one changes nothing.
                    await store.completePermit(two, 1n, permit);
                    expect((await store.listPermits({ organizer: two, limit: 10 }))[1]!.status).toBe('failed');
                }),
            );

            it(
                'gives 50 concurrent reservations 50 distinct ids',
                withStore(async store => {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'enterprise' }, T0);
                    for (const maxActive of [null, 1000]) {
                        const results = await Promise.all(
                            Array.from({ length: 50 }, () => store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive })),
                        );
                        const ids = results.map(r => (r.ok ? r.raffleId : -1n));
                        expect(new Set(ids).size).toBe(50);
                        expect(ids.every(id => id >= 0n)).toBe(true);
                    }
                    expect((await store.getOrganizer(address))?.nextRaffleId).toBe(100n);
                }),
            );

            it(
                'never exceeds the active limit under concurrency',
                withStore(async store => {
                    const address = randomAddress();
                    await store.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'free' }, T0);
                    const results = await Promise.all(
                        Array.from({ length: 30 }, () => store.reservePermit({ organizer: address, now: T0, expiresAt: T0 + 300_000, maxActive: 5 })),
                    );
                    expect(results.filter(r => r.ok)).toHaveLength(5);
                    expect(results.filter(r => !r.ok && r.reason === 'ACTIVE_PERMIT_LIMIT')).toHaveLength(25);
                }),
            );
        });

        describe('sign-in nonces and sessions', () => {
            it(
                'consumes a nonce once, and never an expired or unknown one',
                withStore(async store => {
                    await store.createSignInNonce('abcdefgh12345678', T0 + 1000);
                    expect(await store.consumeSignInNonce('abcdefgh12345678', T0)).toBe(true);
                    expect(await store.consumeSignInNonce('abcdefgh12345678', T0)).toBe(false);
                    await store.createSignInNonce('expiring12345678', T0 + 1000);
                    expect(await store.consumeSignInNonce('expiring12345678', T0 + 1000)).toBe(false);
                    expect(await store.consumeSignInNonce('unknown123456789', T0)).toBe(false);
                }),
            );

            it(
                'consumes a nonce exactly once under concurrency',
                withStore(async store => {
                    await store.createSignInNonce('racenonce1234567', T0 + 1000);
                    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeSignInNonce('racenonce1234567', T0)));
                    expect(results.filter(Boolean)).toHaveLength(1);
                }),
            );

            it(
                'stores sessions until they expire or are deleted',
                withStore(async store => {
                    const organizer = randomAddress();
                    const session = { tokenHash: 'a'.repeat(64), organizer, createdAt: T0, expiresAt: T0 + 900_000 };
                    await store.createSession(session);
                    expect(await store.getSession(session.tokenHash, T0 + 1)).toEqual(session);
                    expect(await store.getSession(session.tokenHash, T0 + 900_000)).toBeUndefined();
                    expect(await store.getSession('b'.repeat(64), T0)).toBeUndefined();
                    await store.deleteSession(session.tokenHash);
                    expect(await store.getSession(session.tokenHash, T0 + 1)).toBeUndefined();
                }),
            );
        });

        describe('idempotency', () => {
            const base = { scope: 'org', key: 'k-1', requestHash: 'h1', now: T0, expiresAt: T0 + 86_400_000, lockedUntil: T0 + 60_000 };

            it(
                'claims, reports in-progress and mismatch, replays the completed response',
                withStore(async store => {
                    expect(await store.beginIdempotent(base)).toEqual({ state: 'started' });
                    expect(await store.beginIdempotent({ ...base, now: T0 + 1 })).toEqual({ state: 'in-progress' });
                    expect(await store.beginIdempotent({ ...base, requestHash: 'h2' })).toEqual({ state: 'mismatch' });
                    await store.completeIdempotent('org', 'k-1', { status: 201, body: '{"raffleId":"3"}' });
                    expect(await store.beginIdempotent({ ...base, now: T0 + 2 })).toEqual({ state: 'completed', status: 201, body: '{"raffleId":"3"}' });
                    expect(await store.beginIdempotent({ ...base, now: T0 + 61_000 })).toEqual({ state: 'completed', status: 201, body: '{"raffleId":"3"}' });
                    // Scopes are separate.
                    expect(await store.beginIdempotent({ ...base, scope: 'other' })).toEqual({ state: 'started' });
                }),
            );

            it(
                'lets a retry run after abandon, after the lock passes, after expiry',
                withStore(async store => {
                    expect(await store.beginIdempotent(base)).toEqual({ state: 'started' });
                    await store.abandonIdempotent('org', 'k-1');
                    expect(await store.beginIdempotent(base)).toEqual({ state: 'started' });
                    expect(await store.beginIdempotent({ ...base, now: T0 + 60_000, lockedUntil: T0 + 120_000 })).toEqual({ state: 'started' });
                    await store.completeIdempotent('org', 'k-1', { status: 201, body: '{}' });
                    expect(await store.beginIdempotent({ ...base, requestHash: 'h9', now: T0 + 86_400_000 })).toEqual({ state: 'started' });
                }),
            );

            it(
                'lets one of many concurrent claims start',
                withStore(async store => {
                    const results = await Promise.all(Array.from({ length: 20 }, () => store.beginIdempotent({ ...base, key: 'race' })));
                    expect(results.filter(r => r.state === 'started')).toHaveLength(1);
                    expect(results.filter(r => r.state === 'in-progress')).toHaveLength(19);
                }),
            );
        });

        describe('rate limits', () => {
            it(
                'counts hits per bucket and window, atomically',
                withStore(async store => {
                    expect(await store.hitRateLimit('ip:1', T0, T0 + 60_000)).toBe(1);
                    expect(await store.hitRateLimit('ip:1', T0, T0 + 60_000)).toBe(2);
                    expect(await store.hitRateLimit('ip:2', T0, T0 + 60_000)).toBe(1);
                    expect(await store.hitRateLimit('ip:1', T0 + 60_000, T0 + 120_000)).toBe(1);
                    const counts = await Promise.all(Array.from({ length: 25 }, () => store.hitRateLimit('race', T0, T0 + 60_000)));
                    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
                }),
            );
        });

        describe('API keys', () => {
            it(
                'stores hashes, refuses duplicates, lists and revokes',
                withStore(async store => {
                    const record = { id: 'key_a', keyHash: 'f'.repeat(64), scopes: ['read', 'write'] as const, label: 'ci', createdAt: T0, revokedAt: null };
                    expect(await store.createApiKey(record)).toBe(true);
                    expect(await store.createApiKey({ ...record, keyHash: 'e'.repeat(64) })).toBe(false);
                    expect(await store.createApiKey({ ...record, id: 'key_b' })).toBe(false);
                    expect(await store.getApiKeyByHash('f'.repeat(64))).toEqual(record);
                    expect(await store.getApiKeyByHash('0'.repeat(64))).toBeUndefined();
                    await store.createApiKey({ ...record, id: 'key_c', keyHash: 'c'.repeat(64), createdAt: T0 + 1, scopes: ['admin'] });
                    expect((await store.listApiKeys()).map(k => k.id)).toEqual(['key_a', 'key_c']);
                    expect(await store.revokeApiKey('key_a', T0 + 5)).toBe(true);
                    expect(await store.revokeApiKey('key_a', T0 + 6)).toBe(false);
                    expect(await store.revokeApiKey('key_zzz', T0 + 6)).toBe(false);
                    expect((await store.getApiKeyByHash('f'.repeat(64)))?.revokedAt).toBe(T0 + 5);
                }),
            );
        });

        describe('audit log', () => {
            it(
                'appends and lists newest first with filters and a cursor',
                withStore(async store => {
                    const one = randomAddress();
                    const two = randomAddress();
                    const appended = [];
                    for (let i = 0; i < 6; i++) {
                        appended.push(
                            await store.appendAudit({
                                at: T0 + i,
                                actor: i % 2 === 0 ? one : 'api-key:key_a',
                                action: i % 3 === 0 ? 'permit.refused' : 'permit.issued',
                                organizer: i % 2 === 0 ? one : two,
                                reason: i % 3 === 0 ? 'DEADLINE_TOO_FAR' : null,
                                details: { i, nested: { ok: true, list: ['a', 1, null] } },
                            }),
                        );
                    }
                    expect(appended[0]).toMatchObject({ at: T0, actor: one, action: 'permit.refused', reason: 'DEADLINE_TOO_FAR', details: { i: 0, nested: { ok: true, list: ['a', 1, null] } } });
                    const all = await store.listAudit({ limit: 100 });
                    expect(all.map(e => e.details.i)).toEqual([5, 4, 3, 2, 1, 0]);
                    expect((await store.listAudit({ organizer: one, limit: 100 })).map(e => e.details.i)).toEqual([4, 2, 0]);
                    expect((await store.listAudit({ action: 'permit.refused', limit: 100 })).map(e => e.details.i)).toEqual([3, 0]);
                    const page = await store.listAudit({ limit: 2 });
                    expect((await store.listAudit({ limit: 2, before: page[1]!.id })).map(e => e.details.i)).toEqual([3, 2]);
                }),
            );
        });

        it(
            'prunes expired nonces, sessions, idempotency records and rate-limit windows',
            withStore(async store => {
                await store.createSignInNonce('nonceold12345678', T0 + 10);
                await store.createSignInNonce('noncenew12345678', T0 + 10_000);
                await store.createSession({ tokenHash: '1'.repeat(64), organizer: randomAddress(), createdAt: T0, expiresAt: T0 + 10 });
                await store.beginIdempotent({ scope: 's', key: 'k', requestHash: 'h', now: T0, expiresAt: T0 + 10, lockedUntil: T0 + 5 });
                await store.hitRateLimit('b', T0, T0 + 10);
                await store.hitRateLimit('b', T0 + 10, T0 + 20_000);
                // A plain number: nothing but the expired short-lived rows (permits and audit kept).
                expect(await store.prune(T0 + 100)).toEqual({ nonces: 1, sessions: 1, idempotency: 1, rateLimits: 1, permits: 0, audit: 0 });
                expect(await store.consumeSignInNonce('noncenew12345678', T0 + 100)).toBe(true);
                expect(await store.hitRateLimit('b', T0 + 10, T0 + 20_000)).toBe(2);
            }),
        );

        describeRetentionAndPagingConformance(withStore);

        it(
            'answers ping',
            withStore(async store => {
                await expect(store.ping()).resolves.toBeUndefined();
            }),
        );
    });
}
