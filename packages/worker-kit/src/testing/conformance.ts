/**
 * The conformance suite every {@link WorkerStore} adapter passes: each operation, its
 * idempotency, its ordering, and the concurrency cases (parallel claimers, lease takeover, a
 * crashed claimer's job coming back, cursor compare-and-set, effect insert-if-absent,
 * fencing). Run it from a vitest test file against your own adapter too.
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__EFFECT_SEND_CONFLICT, isRaffleError } from '@raffle/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type EventKey, type JobRecord, MAX_BATCH_SIZE, type RecordEventInput, type WorkerStore } from '../store/types';

/** What the suite's factory returns for each test. */
export interface WorkerStoreFixture {
    /** A fresh, empty store (the suite calls `ready()` and `close()` itself). */
    store: WorkerStore;
    /** Removes what the store left behind (schema, keys, directory); runs after `close()`. */
    cleanup: () => Promise<void>;
    /**
     * Opens another store over the same data with its own connection, to race against `store`
     * (PostgreSQL, Redis). The suite closes what it opens. When omitted, races run on `store`.
     */
    connectPeer?: () => Promise<WorkerStore>;
}

/** Options of {@link describeWorkerStoreConformance}. */
export interface WorkerStoreConformanceOptions {
    /** Skip the whole suite (e.g. the backend is not reachable); a string says why. */
    skip?: boolean | string;
    /** How many concurrent actors the race tests use (default 6). */
    concurrency?: number;
}

/** A fixed epoch for tests that pass `now` explicitly. */
const T0 = 1_700_000_000_000;
/** Upper bound of any polling loop in the suite. */
const LOOP_DEADLINE_MS = 20_000;

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
    let error: unknown;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    expect(isRaffleError(error), `expected a RaffleError, got ${String(error)}`).toBe(true);
}

async function expectInvalidArgument(promise: Promise<unknown>): Promise<void> {
    let error: unknown;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT), `expected RAFFLE_ERROR__INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
}

function key(signature: string, instructionIndex = 0, eventIndex = 0): EventKey {
    return { signature, instructionIndex, eventIndex };
}

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Declares the conformance suite for one adapter with vitest's `describe` / `it` / `expect`.
 * `factory` runs before every test and must return an empty, isolated store.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';
 *
 * describeWorkerStoreConformance('memory', async () => ({
 *     store: createMemoryWorkerStore(),
 *     cleanup: async () => {},
 * }));
 * ```
 */
export function describeWorkerStoreConformance(
    name: string,
    factory: () => Promise<WorkerStoreFixture>,
    options: WorkerStoreConformanceOptions = {},
): void {
    const concurrency = options.concurrency ?? 6;
    describe.skipIf(Boolean(options.skip))(`WorkerStore conformance: ${name}`, () => {
        let fixture: WorkerStoreFixture;
        let store: WorkerStore;
        let opened: WorkerStore[] = [];

        /** `n` stores over the same data: `store` plus peers when the adapter has them. */
        async function actors(n: number): Promise<WorkerStore[]> {
            const out: WorkerStore[] = [store];
            for (let i = 1; i < n; i++) {
                if (fixture.connectPeer) {
                    const peer = await fixture.connectPeer();
                    opened.push(peer);
                    await peer.ready();
                    out.push(peer);
                } else out.push(store);
            }
            return out;
        }

        beforeEach(async () => {
            fixture = await factory();
            store = fixture.store;
            opened = [];
            await store.ready();
        });

        afterEach(async () => {
            for (const peer of opened) await peer.close();
            await store.close();
            await fixture.cleanup();
        });

        describe('lifecycle and validation', () => {
            it('ready() is idempotent, close() is idempotent and final', async () => {
                await store.ready();
                await Promise.all([store.ready(), store.ready()]);
                await store.close();
                await store.close();
                await expectInvalid(store.getCursor('c'));
                await expectInvalid(store.ready());
            });

            it('rejects invalid arguments with a RaffleError', async () => {
                await expectInvalidArgument(store.getCursor(''));
                await expectInvalidArgument(store.setCursor({ name: 'c', slot: -1n }));
                await expectInvalidArgument(store.setCursor({ name: 'c', slot: 1 as unknown as bigint }));
                await expectInvalidArgument(store.recordEvent({ ...key('s', -1), slot: 1n, name: 'E', data: null }));
                await expectInvalidArgument(store.recordEvent({ ...key('s'), slot: 1n, name: 'E', data: { big: 1n } as never }));
                await expectInvalidArgument(
                    store.recordEvent({ ...key('s'), slot: 1n, name: 'E', data: null, commitment: 'retracted' as never }),
                );
                await expectInvalidArgument(store.enqueueJob({ name: 'x', maxAttempts: 0 }));
                await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 0, leaseMs: 1000 }));
                await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 1001, leaseMs: 1000 }));
                await expectInvalidArgument(store.claimJobs({ owner: 'w', limit: 1, leaseMs: 0 }));
                await expectInvalidArgument(store.acquireLease({ name: 'l', owner: '', ttlMs: 1000 }));
                await expectInvalidArgument(store.listEvents({ limit: 1.5 }));
                await expectInvalidArgument(store.appendAudit({ actor: 'a', action: 'x', now: -5 }));
                await expectInvalidArgument(store.getJob('x'.repeat(513)));
            });
        });

        describe('cursor', () => {
            it('is null until written; the first write has version 1', async () => {
                expect(await store.getCursor('ingest')).toBeNull();
                const r = await store.setCursor({ name: 'ingest', slot: 10n, signature: 'sigA', expectedVersion: 0, now: T0 });
                expect(r).toEqual({ applied: true, cursor: { name: 'ingest', slot: 10n, signature: 'sigA', version: 1, updatedAt: T0 } });
                expect(await store.getCursor('ingest')).toEqual(r.cursor);
            });

            it('compare-and-set rejects a stale version and keeps the value', async () => {
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
                await store.setCursor({ name: 'c', slot: 100n, signature: 'a' });
                expect(await store.setCursor({ name: 'c', slot: 99n })).toMatchObject({ applied: false, reason: 'backwards' });
                expect(await store.setCursor({ name: 'c', slot: 99n, expectedVersion: 1 })).toMatchObject({
                    applied: false,
                    reason: 'backwards',
                });
                const same = await store.setCursor({ name: 'c', slot: 100n, signature: 'b' });
                expect(same.applied).toBe(true);
                expect(same.cursor).toMatchObject({ slot: 100n, signature: 'b', version: 2 });
                const big = 2n ** 62n + 7n;
                expect((await store.setCursor({ name: 'c', slot: big })).cursor?.slot).toBe(big);
                expect((await store.getCursor('c'))?.slot).toBe(big);
            });

            it(`${concurrency} concurrent writers with the same expected version: exactly one wins`, async () => {
                await store.setCursor({ name: 'c', slot: 1n, expectedVersion: 0 });
                const stores = await actors(concurrency);
                const results = await Promise.all(
                    stores.map((s, i) => s.setCursor({ name: 'c', slot: BigInt(10 + i), expectedVersion: 1 })),
                );
                const winners = results.filter(r => r.applied);
                expect(winners).toHaveLength(1);
                expect(results.filter(r => !r.applied).every(r => !r.applied && r.reason === 'version-mismatch')).toBe(true);
                expect((await store.getCursor('c'))?.version).toBe(2);
                expect((await store.getCursor('c'))?.slot).toBe(winners[0]!.cursor!.slot);
            });

            it('a fenced write is rejected once the lease changed hands', async () => {
                const a = await store.acquireLease({ name: 'leader', owner: 'A', ttlMs: 1000, now: T0 });
                expect(a?.token).toBe(1);
                const fenceA = { lease: 'leader', token: a!.token };
                expect((await store.setCursor({ name: 'c', slot: 5n, fence: fenceA, now: T0 })).applied).toBe(true);
                const b = await store.acquireLease({ name: 'leader', owner: 'B', ttlMs: 1000, now: T0 + 1000 });
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
        });

        describe('event inbox', () => {
            const base = { slot: 50n, name: 'ThresholdReached', data: { raffle: 'R1', sold: '10' } };

            it('inserts if absent and reports whether the event was new; a duplicate changes nothing', async () => {
                const first = await store.recordEvent({ ...key('sig1'), ...base, now: T0 });
                expect(first).toEqual({
                    inserted: true,
                    event: { ...key('sig1'), ...base, commitment: 'seen', receivedAt: T0, updatedAt: T0 },
                });
                const again = await store.recordEvent({ ...key('sig1'), ...base, data: { other: true }, commitment: 'finalized', now: T0 + 5 });
                expect(again).toEqual({ inserted: false, event: first.event });
                expect(await store.getEvent(key('sig1'))).toEqual(first.event);
                expect(await store.getEvent(key('missing'))).toBeNull();
            });

            it('is unique per signature + instruction index + event index', async () => {
                const keys = [key('s', 0, 0), key('s', 0, 1), key('s', 1, 0), key('t', 0, 0)];
                for (const k of keys) expect((await store.recordEvent({ ...k, ...base })).inserted).toBe(true);
                for (const k of keys) expect((await store.recordEvent({ ...k, ...base })).inserted).toBe(false);
                expect(await store.listEvents()).toHaveLength(4);
            });

            it('records the commitment it was observed at', async () => {
                const e = await store.recordEvent({ ...key('c'), ...base, commitment: 'confirmed' });
                expect(e.event.commitment).toBe('confirmed');
            });

            it('moves commitment only forward: seen -> confirmed -> finalized', async () => {
                await store.recordEvent({ ...key('f'), ...base, now: T0 });
                const c = await store.setEventCommitment({ ...key('f'), commitment: 'confirmed', now: T0 + 1 });
                expect(c.changed).toBe(true);
                expect(c.event).toMatchObject({ commitment: 'confirmed', updatedAt: T0 + 1, receivedAt: T0 });
                expect(await store.setEventCommitment({ ...key('f'), commitment: 'seen' })).toMatchObject({
                    changed: false,
                    event: { commitment: 'confirmed' },
                });
                expect(await store.setEventCommitment({ ...key('f'), commitment: 'confirmed' })).toMatchObject({ changed: false });
                expect((await store.setEventCommitment({ ...key('f'), commitment: 'finalized', now: T0 + 2 })).changed).toBe(true);
                for (const to of ['seen', 'confirmed', 'retracted'] as const) {
                    expect(await store.setEventCommitment({ ...key('f'), commitment: to })).toMatchObject({
                        changed: false,
                        event: { commitment: 'finalized', updatedAt: T0 + 2 },
                    });
                }
                // seen -> finalized directly is forward too
                await store.recordEvent({ ...key('g'), ...base });
                expect((await store.setEventCommitment({ ...key('g'), commitment: 'finalized' })).changed).toBe(true);
            });

            it('retracts a seen or confirmed event; retracted is terminal', async () => {
                await store.recordEvent({ ...key('r1'), ...base });
                await store.recordEvent({ ...key('r2'), ...base, commitment: 'confirmed' });
                expect((await store.setEventCommitment({ ...key('r1'), commitment: 'retracted' })).changed).toBe(true);
                expect((await store.setEventCommitment({ ...key('r2'), commitment: 'retracted' })).changed).toBe(true);
                for (const to of ['seen', 'confirmed', 'finalized'] as const) {
                    expect(await store.setEventCommitment({ ...key('r1'), commitment: to })).toMatchObject({
                        changed: false,
                        event: { commitment: 'retracted' },
                    });
                }
                expect((await store.recordEvent({ ...key('r1'), ...base })).event.commitment).toBe('retracted');
            });

            it('setEventCommitment on an unknown event changes nothing', async () => {
                expect(await store.setEventCommitment({ ...key('nope'), commitment: 'finalized' })).toEqual({ changed: false, event: null });
            });

            it('lists by slot, signature, instruction and event index, with filters and a limit', async () => {
                const inputs = [
                    { ...key('b', 0, 1), slot: 7n },
                    { ...key('a', 1, 0), slot: 7n },
                    { ...key('a', 0, 2), slot: 7n },
                    { ...key('a', 0, 10), slot: 7n },
                    { ...key('z', 0, 0), slot: 3n },
                    { ...key('c', 0, 0), slot: 12n },
                    { ...key('ab', 0, 0), slot: 7n },
                ];
                for (const i of inputs) await store.recordEvent({ ...i, name: 'E', data: null });
                const all = await store.listEvents();
                expect(all.map(e => `${e.slot}:${e.signature}:${e.instructionIndex}:${e.eventIndex}`)).toEqual([
                    '3:z:0:0',
                    '7:a:0:2',
                    '7:a:0:10',
                    '7:a:1:0',
                    '7:ab:0:0',
                    '7:b:0:1',
                    '12:c:0:0',
                ]);
                expect((await store.listEvents({ limit: 2 })).map(e => e.signature)).toEqual(['z', 'a']);
                expect((await store.listEvents({ minSlot: 7n, maxSlot: 7n })).length).toBe(5);
                expect((await store.listEvents({ minSlot: 8n })).map(e => e.signature)).toEqual(['c']);
                expect((await store.listEvents({ maxSlot: 6n })).map(e => e.signature)).toEqual(['z']);
                await store.setEventCommitment({ ...key('a', 0, 10), commitment: 'finalized' });
                await store.setEventCommitment({ ...key('c'), commitment: 'retracted' });
                await store.setEventCommitment({ ...key('z'), commitment: 'confirmed' });
                expect(
                    (await store.listEvents({ commitments: ['seen', 'confirmed'] })).map(e => `${e.signature}:${e.eventIndex}`),
                ).toEqual(['z:0', 'a:2', 'a:0', 'ab:0', 'b:1']);
                expect((await store.listEvents({ commitments: ['finalized', 'retracted'] })).map(e => e.signature)).toEqual(['a', 'c']);
                expect(await store.listEvents({ commitments: [] })).toEqual([]);
            });

            it(`${concurrency} concurrent inserts of one event: exactly one is new`, async () => {
                const stores = await actors(concurrency);
                for (let round = 0; round < 5; round++) {
                    const results = await Promise.all(
                        stores.map((s, i) => s.recordEvent({ ...key(`race${round}`), ...base, data: { writer: i } })),
                    );
                    expect(results.filter(r => r.inserted)).toHaveLength(1);
                    const winner = results.find(r => r.inserted)!.event;
                    for (const r of results) expect(r.event.data).toEqual(winner.data);
                }
            });
        });

        describe('effect ledger', () => {
            const intent = { kind: 'request_draw', raffle: 'R1' };

            it('beginEffect inserts if absent and returns the existing entry otherwise', async () => {
                const first = await store.beginEffect({ key: 'draw:R1', intent, now: T0 });
                expect(first).toEqual({
                    created: true,
                    effect: {
                        key: 'draw:R1',
                        intent,
                        status: 'pending',
                        signature: null,
                        lastValidBlockHeight: null,
                        sendCount: 0,
                        error: null,
                        createdAt: T0,
                        updatedAt: T0,
                    },
                });
                const again = await store.beginEffect({ key: 'draw:R1', intent: { different: true }, now: T0 + 9 });
                expect(again).toEqual({ created: false, effect: first.effect });
                expect(await store.getEffect('draw:R1')).toEqual(first.effect);
                expect(await store.getEffect('nope')).toBeNull();
            });

            it('pending -> sent -> sent (re-sent) -> confirmed, keeping signature and block height', async () => {
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
                await store.beginEffect({ key: 'p', intent });
                expect(await store.markEffectConfirmed({ key: 'p', signature: 'found-on-chain' })).toMatchObject({
                    status: 'confirmed',
                    signature: 'found-on-chain',
                    sendCount: 0,
                });
                await store.beginEffect({ key: 'f1', intent });
                expect(await store.markEffectFailed({ key: 'f1', error: 'raffle cancelled', now: T0 })).toMatchObject({
                    status: 'failed',
                    error: 'raffle cancelled',
                });
                expect(await store.markEffectFailed({ key: 'f1', error: 'other', now: T0 + 1 })).toMatchObject({
                    status: 'failed',
                    error: 'raffle cancelled',
                    updatedAt: T0,
                });
                await store.beginEffect({ key: 'f2', intent });
                await store.markEffectSent({ key: 'f2', signature: 's', lastValidBlockHeight: 5n });
                expect(await store.markEffectFailed({ key: 'f2', error: 'expired' })).toMatchObject({ status: 'failed', signature: 's' });
            });

            it('rejects unknown effects and moves out of terminal states', async () => {
                await expectInvalid(store.markEffectSent({ key: 'none', signature: 's', lastValidBlockHeight: 1n }));
                await expectInvalid(store.markEffectConfirmed({ key: 'none' }));
                await expectInvalid(store.markEffectFailed({ key: 'none', error: 'x' }));
                await store.beginEffect({ key: 'c', intent });
                await store.markEffectConfirmed({ key: 'c' });
                await expectInvalid(store.markEffectSent({ key: 'c', signature: 's', lastValidBlockHeight: 1n }));
                await expectInvalid(store.markEffectFailed({ key: 'c', error: 'x' }));
                await store.beginEffect({ key: 'f', intent });
                await store.markEffectFailed({ key: 'f', error: 'x' });
                await expectInvalid(store.markEffectSent({ key: 'f', signature: 's', lastValidBlockHeight: 1n }));
                await expectInvalid(store.markEffectConfirmed({ key: 'f' }));
                expect((await store.getEffect('c'))?.status).toBe('confirmed');
                expect((await store.getEffect('f'))?.status).toBe('failed');
            });

            it('lists effects oldest first, filtered by status', async () => {
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

            it(`${concurrency} concurrent beginEffect calls on one key: exactly one creates it`, async () => {
                const stores = await actors(concurrency);
                for (let round = 0; round < 5; round++) {
                    const results = await Promise.all(stores.map((s, i) => s.beginEffect({ key: `k${round}`, intent: { writer: i } })));
                    expect(results.filter(r => r.created)).toHaveLength(1);
                    const intentWon = results.find(r => r.created)!.effect.intent;
                    for (const r of results) expect(r.effect.intent).toEqual(intentWon);
                }
            });

            it(`markEffectSent with expectedSendCount is compare-and-set: of ${concurrency} racing senders exactly one records its send`, async () => {
                const stores = await actors(concurrency);
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
                await expectInvalid(store.markEffectSent({ key: 'cas', signature: 'y', lastValidBlockHeight: 1n, expectedSendCount: 2 }));
            });

            it(`${concurrency} concurrent markEffectSent calls all land (none lost)`, async () => {
                await store.beginEffect({ key: 'e', intent });
                const stores = await actors(concurrency);
                await Promise.all(stores.map((s, i) => s.markEffectSent({ key: 'e', signature: `sig${i}`, lastValidBlockHeight: BigInt(i) })));
                expect((await store.getEffect('e'))?.sendCount).toBe(concurrency);
            });
        });

        describe('jobs', () => {
            it('enqueue is idempotent by id and keeps the first job', async () => {
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
                await store.enqueueJob({ id: 'b', name: 'n', runAt: T0 + 10, now: T0 });
                await store.enqueueJob({ id: 'a', name: 'n', runAt: T0 + 10, now: T0 });
                await store.enqueueJob({ id: 'c', name: 'n', runAt: T0 + 5, now: T0 });
                await store.enqueueJob({ id: 'later', name: 'n', runAt: T0 + 1000, now: T0 });
                expect(await store.claimJobs({ owner: 'w1', limit: 10, leaseMs: 100, now: T0 + 4 })).toEqual([]);
                const claimed = await store.claimJobs({ owner: 'w1', limit: 2, leaseMs: 100, now: T0 + 10 });
                expect(claimed.map(j => j.id)).toEqual(['c', 'a']);
                for (const j of claimed) {
                    expect(j).toMatchObject({ status: 'running', leaseOwner: 'w1', leaseExpiresAt: T0 + 110, attempts: 1, updatedAt: T0 + 10 });
                }
                expect((await store.claimJobs({ owner: 'w2', limit: 10, leaseMs: 100, now: T0 + 20 })).map(j => j.id)).toEqual(['b']);
                expect(await store.claimJobs({ owner: 'w3', limit: 10, leaseMs: 100, now: T0 + 50 })).toEqual([]);
                expect((await store.getJob('c'))?.status).toBe('running');
            });

            it('keeps queues apart', async () => {
                await store.enqueueJob({ id: 'q1', queue: 'mint', name: 'n', now: T0 });
                await store.enqueueJob({ id: 'q2', name: 'n', now: T0 });
                expect((await store.claimJobs({ owner: 'w', queue: 'mint', limit: 10, leaseMs: 100, now: T0 })).map(j => j.id)).toEqual(['q1']);
                expect((await store.claimJobs({ owner: 'w', limit: 10, leaseMs: 100, now: T0 })).map(j => j.id)).toEqual(['q2']);
            });

            it('completeJob needs the lease holder and happens once', async () => {
                await store.enqueueJob({ id: 'j', name: 'n', payload: { deep: [1, { x: 'y' }] }, now: T0 });
                const [job] = await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 });
                expect(job?.payload).toEqual({ deep: [1, { x: 'y' }] });
                expect(await store.completeJob({ id: 'j', owner: 'w2', now: T0 + 1 })).toBe(false);
                expect(await store.completeJob({ id: 'j', owner: 'w1', now: T0 + 2 })).toBe(true);
                expect(await store.completeJob({ id: 'j', owner: 'w1', now: T0 + 3 })).toBe(false);
                expect(await store.getJob('j')).toMatchObject({ status: 'completed', finishedAt: T0 + 2, leaseOwner: null, leaseExpiresAt: null });
                expect(await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 + 10_000 })).toEqual([]);
                expect(await store.completeJob({ id: 'missing', owner: 'w1' })).toBe(false);
            });

            it('failJob reschedules with the given delay or exponential backoff, then dead-letters', async () => {
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

            it('extendJobLease (heartbeat) keeps the job; only the holder can extend', async () => {
                await store.enqueueJob({ id: 'j', name: 'n', now: T0 });
                await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 100, now: T0 });
                expect(await store.extendJobLease({ id: 'j', owner: 'w2', leaseMs: 100, now: T0 + 50 })).toBeNull();
                const ext = await store.extendJobLease({ id: 'j', owner: 'w1', leaseMs: 100, now: T0 + 90 });
                expect(ext).toMatchObject({ leaseOwner: 'w1', leaseExpiresAt: T0 + 190, attempts: 1 });
                expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 150 })).toEqual([]);
                expect(await store.completeJob({ id: 'j', owner: 'w1', now: T0 + 180 })).toBe(true);
                expect(await store.extendJobLease({ id: 'j', owner: 'w1', leaseMs: 100, now: T0 + 181 })).toBeNull();
            });

            it("a crashed claimer's job comes back after its lease; the old owner can no longer act on it", async () => {
                await store.enqueueJob({ id: 'j', name: 'n', now: T0 });
                const [first] = await store.claimJobs({ owner: 'crashed', limit: 1, leaseMs: 1000, now: T0 });
                expect(first?.attempts).toBe(1);
                // no heartbeat: the lease runs out
                expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 1000, now: T0 + 999 })).toEqual([]);
                const [second] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 1000, now: T0 + 1000 });
                expect(second).toMatchObject({ id: 'j', leaseOwner: 'w2', attempts: 2, leaseExpiresAt: T0 + 2000 });
                expect(await store.completeJob({ id: 'j', owner: 'crashed', now: T0 + 1001 })).toBe(false);
                expect(await store.extendJobLease({ id: 'j', owner: 'crashed', leaseMs: 1000, now: T0 + 1001 })).toBeNull();
                expect((await store.failJob({ id: 'j', owner: 'crashed', error: 'late', now: T0 + 1001 })).outcome).toBe('lost');
                expect(await store.completeJob({ id: 'j', owner: 'w2', now: T0 + 1002 })).toBe(true);
            });

            it('an expired job with no attempt left becomes a dead letter instead of running again', async () => {
                await store.enqueueJob({ id: 'poison', name: 'n', maxAttempts: 2, now: T0 });
                await store.enqueueJob({ id: 'ok', name: 'n', runAt: T0 + 5000, now: T0 });
                await store.claimJobs({ owner: 'a', limit: 1, leaseMs: 100, now: T0 });
                expect((await store.claimJobs({ owner: 'b', limit: 1, leaseMs: 100, now: T0 + 100 }))[0]?.attempts).toBe(2);
                expect((await store.claimJobs({ owner: 'c', limit: 5, leaseMs: 100, now: T0 + 5000 })).map(j => j.id)).toEqual(['ok']);
                expect(await store.getJob('poison')).toMatchObject({ status: 'dead', lastError: 'lease expired', finishedAt: T0 + 5000 });
                expect((await store.listDeadLetters()).map(j => j.id)).toEqual(['poison']);
            });

            it(`${concurrency} parallel claimers never receive the same job`, async () => {
                const total = 60;
                for (let i = 0; i < total; i++) await store.enqueueJob({ id: `job-${String(i).padStart(3, '0')}`, name: 'n', now: T0 });
                const stores = await actors(concurrency);
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
                    for (const j of mine) expect(await store.completeJob({ id: j.id, owner: `claimer-${i}`, now: T0 + 2 })).toBe(true);
                }
            });

            it(`${concurrency} claimers racing for one job: exactly one gets it, every round`, async () => {
                const stores = await actors(concurrency);
                for (let round = 0; round < 8; round++) {
                    await store.enqueueJob({ id: `solo-${round}`, name: 'n', now: T0 });
                    const results = await Promise.all(
                        stores.map((s, i) => s.claimJobs({ owner: `c${i}`, limit: 1, leaseMs: 60_000, now: T0 + round })),
                    );
                    expect(results.flat()).toHaveLength(1);
                }
            });

            it(`${concurrency} claimers racing for one expired job: exactly one takes it over`, async () => {
                await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 100, now: T0 });
                await store.claimJobs({ owner: 'crashed', limit: 1, leaseMs: 10, now: T0 });
                const stores = await actors(concurrency);
                const results = await Promise.all(stores.map((s, i) => s.claimJobs({ owner: `c${i}`, limit: 1, leaseMs: 60_000, now: T0 + 10 })));
                expect(results.flat()).toHaveLength(1);
                expect(results.flat()[0]?.attempts).toBe(2);
            });
        });

        describe('batches, counts and release', () => {
            const ev = (signature: string, slot: number, extra: Partial<RecordEventInput> = {}): RecordEventInput => ({
                ...key(signature),
                slot: BigInt(slot),
                name: 'E',
                data: { signature, nested: [slot, { ok: true }] },
                commitment: 'confirmed',
                now: T0,
                ...extra,
            });

            it('recordEvents inserts new events in one call, in input order; duplicates (stored or earlier in the batch) keep the first', async () => {
                await store.recordEvent(ev('old', 1, { data: 'first' }));
                const results = await store.recordEvents([ev('a', 3), ev('old', 9, { data: 'second' }), ev('b', 2), ev('a', 7, { data: 'dup' })]);
                expect(results.map(r => [r.event.signature, r.inserted])).toEqual([
                    ['a', true],
                    ['old', false],
                    ['b', true],
                    ['a', false],
                ]);
                expect(results[0]!.event).toEqual({ ...key('a'), slot: 3n, name: 'E', data: { signature: 'a', nested: [3, { ok: true }] }, commitment: 'confirmed', receivedAt: T0, updatedAt: T0 });
                expect(results[1]!.event.data).toBe('first');
                expect(results[3]!.event).toEqual(results[0]!.event);
                expect((await store.listEvents()).map(e => e.signature)).toEqual(['old', 'b', 'a']);
                expect(await store.recordEvents([])).toEqual([]);
            });

            it('recordEvents and enqueueJobs validate every item before writing any, and refuse more than MAX_BATCH_SIZE', async () => {
                await expectInvalidArgument(store.recordEvents([ev('ok', 1), ev('bad', 1, { slot: -1n })]));
                expect(await store.getEvent(key('ok'))).toBeNull();
                await expectInvalidArgument(store.enqueueJobs([{ id: 'ok', name: 'n' }, { id: 'bad', name: 'n', maxAttempts: 0 }]));
                expect(await store.getJob('ok')).toBeNull();
                const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ev(`s${i}`, i));
                await expectInvalidArgument(store.recordEvents(tooMany));
                await expectInvalidArgument(store.getEvents(tooMany));
                await expectInvalidArgument(store.completeJobs({ owner: 'w', ids: tooMany.map(e => e.signature) }));
            });

            it('getEvents reads many events in input order, null for unknown keys', async () => {
                await store.recordEvents([ev('a', 1), ev('b', 2)]);
                const got = await store.getEvents([key('b'), key('missing'), key('a'), key('a', 1)]);
                expect(got.map(e => e?.signature ?? null)).toEqual(['b', null, 'a', null]);
                expect(got[0]).toEqual(await store.getEvent(key('b')));
                expect(await store.getEvents([])).toEqual([]);
            });

            it('enqueueJobs creates jobs in one call; an existing id or a repeated id keeps the first job', async () => {
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
                const awkward = ['a"b', 'c\\d', '{e,f}', 'NULL', 'null', ' spaced ', 'ünï😀', "it's", '[]', '\\N'];
                const jobs = await store.enqueueJobs(
                    awkward.map((text, i) => ({ id: `${text}#${i}`, queue: `q${text}`, name: text, payload: { text, list: [text] }, now: T0 })),
                );
                expect(jobs.every(r => r.created)).toBe(true);
                for (const [i, text] of awkward.entries()) {
                    expect(await store.getJob(`${text}#${i}`)).toMatchObject({ queue: `q${text}`, name: text, payload: { text, list: [text] } });
                }
                const events = await store.recordEvents(
                    awkward.map((text, i) => ({ signature: `${text}#${i}`, instructionIndex: i, eventIndex: 0, slot: 5n, name: text, data: { text }, now: T0 })),
                );
                expect(events.every(r => r.inserted)).toBe(true);
                const read = await store.getEvents(awkward.map((text, i) => ({ signature: `${text}#${i}`, instructionIndex: i, eventIndex: 0 })));
                expect(read.map(e => [e?.name, (e?.data as { text?: string } | null)?.text])).toEqual(awkward.map(text => [text, text]));
            });

            it('enqueue with a lease claims the created job at once; an existing job is left as it is', async () => {
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
                expect(await store.extendJobLease({ id: 'mine', owner: 'w1', leaseMs: 100, now: T0 + 50 })).toMatchObject({ leaseExpiresAt: T0 + 150 });
                expect(await store.completeJobs({ owner: 'w1', ids: ['mine'], now: T0 + 60 })).toEqual(['mine']);
                expect(await store.countJobs({ statuses: ['running'] })).toBe(2);
            });

            it('a job claimed when enqueued comes back after its lease (crash), then dies out of attempts like any other', async () => {
                await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 2, lease: { owner: 'crashed', leaseMs: 100 }, now: T0 });
                expect(await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 99 })).toEqual([]);
                const [taken] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 100 });
                expect(taken).toMatchObject({ id: 'j', attempts: 2, leaseOwner: 'w2' });
                expect(await store.completeJob({ id: 'j', owner: 'crashed', now: T0 + 101 })).toBe(false);
                expect(await store.claimJobs({ owner: 'w3', limit: 1, leaseMs: 100, now: T0 + 200 })).toEqual([]);
                expect(await store.getJob('j')).toMatchObject({ status: 'dead' });
            });

            it('enqueue rejects a malformed lease, and a lease with runAt', async () => {
                await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: { owner: '', leaseMs: 100 } }));
                await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: { owner: 'w', leaseMs: 0 } }));
                await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', lease: null as unknown as { owner: string; leaseMs: number } }));
                await expectInvalidArgument(store.enqueueJob({ id: 'a', name: 'n', runAt: T0, lease: { owner: 'w', leaseMs: 100 } }));
                await expectInvalidArgument(store.enqueueJobs([{ id: 'ok', name: 'n' }, { id: 'b', name: 'n', lease: { owner: 'w', leaseMs: -1 } }]));
                expect(await store.getJob('ok')).toBeNull();
            });

            it('completeJobs completes the jobs the owner holds and reports which', async () => {
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
                await store.enqueueJob({ id: 'j', name: 'n', maxAttempts: 1, now: T0 });
                await store.claimJobs({ owner: 'w1', limit: 1, leaseMs: 10_000, now: T0 });
                expect(await store.releaseJob({ id: 'j', owner: 'w2', now: T0 + 1 })).toBe(false);
                expect(await store.releaseJob({ id: 'j', owner: 'w1', now: T0 + 2 })).toBe(true);
                expect(await store.getJob('j')).toMatchObject({ status: 'pending', runAt: T0 + 2, attempts: 0, leaseOwner: null, leaseExpiresAt: null });
                expect(await store.releaseJob({ id: 'j', owner: 'w1', now: T0 + 3 })).toBe(false);
                expect(await store.completeJob({ id: 'j', owner: 'w1', now: T0 + 3 })).toBe(false);
                // Its only attempt was given back: another owner runs it at once.
                const [again] = await store.claimJobs({ owner: 'w2', limit: 1, leaseMs: 100, now: T0 + 3 });
                expect(again).toMatchObject({ id: 'j', attempts: 1, leaseOwner: 'w2' });
                expect(await store.completeJob({ id: 'j', owner: 'w2', now: T0 + 4 })).toBe(true);
            });

            it('countJobs counts by queue and status', async () => {
                expect(await store.countJobs()).toBe(0);
                await store.enqueueJobs([
                    { id: 'p1', name: 'n', now: T0 },
                    { id: 'p2', name: 'n', now: T0 },
                    { id: 'r1', name: 'n', now: T0 },
                    { id: 'o1', queue: 'other', name: 'n', now: T0 },
                ]);
                await store.claimJobs({ owner: 'w', queue: 'other', limit: 1, leaseMs: 100, now: T0 });
                const [a, b] = await store.claimJobs({ owner: 'w', limit: 2, leaseMs: 100, now: T0 });
                await store.completeJob({ id: a!.id, owner: 'w', now: T0 });
                await store.failJob({ id: b!.id, owner: 'w', error: 'x', unrecoverable: true, now: T0 });
                expect(await store.countJobs()).toBe(4);
                expect(await store.countJobs({ queue: 'default' })).toBe(3);
                expect(await store.countJobs({ queue: 'default', statuses: ['pending'] })).toBe(1);
                expect(await store.countJobs({ queue: 'default', statuses: ['completed', 'dead'] })).toBe(2);
                expect(await store.countJobs({ statuses: ['running'] })).toBe(1);
                expect(await store.countJobs({ queue: 'none' })).toBe(0);
                await expectInvalidArgument(store.countJobs({ statuses: ['nope' as never] }));
            });

            it(`${concurrency} concurrent overlapping recordEvents and enqueueJobs batches: each key is new exactly once`, async () => {
                const stores = await actors(concurrency);
                const signatures = Array.from({ length: 40 }, (_, i) => `sig${String(i).padStart(2, '0')}`);
                const results = await Promise.all(
                    stores.map((s, i) => {
                        const mine = signatures.filter((_, j) => (i + j) % 2 === 0 || j % 3 === i % 3);
                        return Promise.all([s.recordEvents(mine.map(sig => ev(sig, 5))), s.enqueueJobs(mine.map(sig => ({ id: sig, name: 'n' })))]);
                    }),
                );
                const inserted = new Map<string, number>();
                const created = new Map<string, number>();
                for (const [events, jobs] of results) {
                    for (const r of events) if (r.inserted) inserted.set(r.event.signature, (inserted.get(r.event.signature) ?? 0) + 1);
                    for (const r of jobs) if (r.created) created.set(r.job.id, (created.get(r.job.id) ?? 0) + 1);
                }
                const covered = new Set(results.flatMap(([events]) => events.map(r => r.event.signature)));
                for (const sig of covered) {
                    expect(inserted.get(sig), sig).toBe(1);
                    expect(created.get(sig), sig).toBe(1);
                }
                expect(await store.countJobs({ statuses: ['pending'] })).toBe(covered.size);
            });
        });

        describe('leases', () => {
            it('acquire, exclusive while held, renewal by the holder keeps the token', async () => {
                const a = await store.acquireLease({ name: 'leader', owner: 'A', ttlMs: 1000, now: T0 });
                expect(a).toEqual({ name: 'leader', owner: 'A', token: 1, expiresAt: T0 + 1000, acquiredAt: T0 });
                expect(await store.acquireLease({ name: 'leader', owner: 'B', ttlMs: 1000, now: T0 + 999 })).toBeNull();
                const again = await store.acquireLease({ name: 'leader', owner: 'A', ttlMs: 1000, now: T0 + 500 });
                expect(again).toEqual({ name: 'leader', owner: 'A', token: 1, expiresAt: T0 + 1500, acquiredAt: T0 });
                const renewed = await store.renewLease({ name: 'leader', owner: 'A', token: 1, ttlMs: 2000, now: T0 + 600 });
                expect(renewed).toMatchObject({ owner: 'A', token: 1, expiresAt: T0 + 2600 });
                expect(await store.getLease('leader')).toEqual(renewed);
                expect(await store.getLease('other')).toBeNull();
                expect(await store.renewLease({ name: 'leader', owner: 'B', token: 1, ttlMs: 1000, now: T0 })).toBeNull();
                expect(await store.renewLease({ name: 'leader', owner: 'A', token: 2, ttlMs: 1000, now: T0 })).toBeNull();
                expect(await store.renewLease({ name: 'nope', owner: 'A', token: 1, ttlMs: 1000 })).toBeNull();
            });

            it('an expired lease is taken over with a higher token; the former holder cannot renew or release it', async () => {
                await store.acquireLease({ name: 'leader', owner: 'A', ttlMs: 1000, now: T0 });
                const b = await store.acquireLease({ name: 'leader', owner: 'B', ttlMs: 1000, now: T0 + 1000 });
                expect(b).toEqual({ name: 'leader', owner: 'B', token: 2, expiresAt: T0 + 2000, acquiredAt: T0 + 1000 });
                expect(await store.renewLease({ name: 'leader', owner: 'A', token: 1, ttlMs: 1000, now: T0 + 1001 })).toBeNull();
                expect(await store.releaseLease({ name: 'leader', owner: 'A', token: 1 })).toBe(false);
                expect((await store.getLease('leader'))?.owner).toBe('B');
            });

            it('the holder may renew after expiry while nobody took it over; re-acquiring after expiry is a new term', async () => {
                await store.acquireLease({ name: 'l', owner: 'A', ttlMs: 100, now: T0 });
                expect(await store.renewLease({ name: 'l', owner: 'A', token: 1, ttlMs: 100, now: T0 + 150 })).toMatchObject({
                    token: 1,
                    expiresAt: T0 + 250,
                });
                const later = await store.acquireLease({ name: 'l', owner: 'A', ttlMs: 100, now: T0 + 400 });
                expect(later).toMatchObject({ owner: 'A', token: 2, acquiredAt: T0 + 400 });
            });

            it('release frees the lease; the next owner gets a higher token', async () => {
                const a = await store.acquireLease({ name: 'l', owner: 'A', ttlMs: 60_000, now: T0 });
                expect(await store.releaseLease({ name: 'l', owner: 'B', token: a!.token })).toBe(false);
                expect(await store.releaseLease({ name: 'l', owner: 'A', token: a!.token })).toBe(true);
                expect(await store.releaseLease({ name: 'l', owner: 'A', token: a!.token })).toBe(false);
                expect((await store.getLease('l'))?.owner).toBeNull();
                expect(await store.renewLease({ name: 'l', owner: 'A', token: a!.token, ttlMs: 100, now: T0 + 1 })).toBeNull();
                const b = await store.acquireLease({ name: 'l', owner: 'B', ttlMs: 60_000, now: T0 + 1 });
                expect(b).toMatchObject({ owner: 'B', token: 2 });
                expect(await store.releaseLease({ name: 'missing', owner: 'A', token: 1 })).toBe(false);
            });

            it(`${concurrency} concurrent acquirers: exactly one leader per term, tokens strictly increase`, async () => {
                const stores = await actors(concurrency);
                const tokens: number[] = [];
                for (let term = 0; term < 5; term++) {
                    const now = T0 + term * 1000;
                    const results = await Promise.all(stores.map((s, i) => s.acquireLease({ name: 'leader', owner: `o${term}-${i}`, ttlMs: 1000, now })));
                    const winners = results.filter(r => r !== null);
                    expect(winners).toHaveLength(1);
                    tokens.push(winners[0]!.token);
                }
                expect(tokens).toEqual([1, 2, 3, 4, 5]);
            });
        });

        describe('audit log', () => {
            it('appends with increasing seq and lists in order with pagination and a subject filter', async () => {
                const a = await store.appendAudit({ actor: 'w1', action: 'effect:sent', subject: 'R1', data: { sig: 'x' }, now: T0 });
                expect(a).toEqual({ seq: a.seq, at: T0, actor: 'w1', action: 'effect:sent', subject: 'R1', data: { sig: 'x' } });
                const b = await store.appendAudit({ actor: 'w1', action: 'lease:acquired', now: T0 + 1 });
                expect(b).toMatchObject({ subject: null, data: null });
                const c = await store.appendAudit({ actor: 'w2', action: 'effect:confirmed', subject: 'R1', data: [1, 'two'], now: T0 + 2 });
                expect(a.seq).toBeLessThan(b.seq);
                expect(b.seq).toBeLessThan(c.seq);
                expect((await store.listAudit()).map(e => e.seq)).toEqual([a.seq, b.seq, c.seq]);
                expect(await store.listAudit({ afterSeq: a.seq, limit: 1 })).toEqual([b]);
                expect((await store.listAudit({ subject: 'R1' })).map(e => e.action)).toEqual(['effect:sent', 'effect:confirmed']);
                expect(await store.listAudit({ subject: 'R1', afterSeq: a.seq })).toEqual([c]);
                expect(await store.listAudit({ afterSeq: c.seq })).toEqual([]);
            });

            it('concurrent appends get distinct sequence numbers, all listed in order', async () => {
                const stores = await actors(concurrency);
                const entries = await Promise.all(
                    Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.appendAudit({ actor: `a${i}`, action: 'x' })),
                );
                const seqs = entries.map(e => e.seq);
                expect(new Set(seqs).size).toBe(24);
                const listed = await store.listAudit({ limit: 100 });
                expect(listed.map(e => e.seq)).toEqual([...seqs].sort((x, y) => x - y));
            });
        });

        describe("the store's own clock", () => {
            it('uses its clock when no `now` is given: leases expire in real time, due jobs are claimable', async () => {
                const a = await store.acquireLease({ name: 'l', owner: 'A', ttlMs: 300 });
                expect(a).not.toBeNull();
                expect(Math.abs(a!.acquiredAt - Date.now())).toBeLessThan(60_000);
                expect(await store.acquireLease({ name: 'l', owner: 'B', ttlMs: 300 })).toBeNull();
                const deadline = Date.now() + 5000;
                let b = null;
                while (b === null && Date.now() < deadline) {
                    await sleep(50);
                    b = await store.acquireLease({ name: 'l', owner: 'B', ttlMs: 300 });
                }
                expect(b).toMatchObject({ owner: 'B', token: 2 });

                await store.enqueueJob({ id: 'now', name: 'n' });
                await store.enqueueJob({ id: 'future', name: 'n', runAt: Date.now() + 3_600_000 });
                expect((await store.claimJobs({ owner: 'w', limit: 10, leaseMs: 1000 })).map(j => j.id)).toEqual(['now']);
            });
        });
    });
}
