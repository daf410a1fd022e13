/**
 * The conformance cases of the inbox concern ({@link EventInbox}): insert-if-absent by key,
 * commitment moving only forward, ordering and filters, batches, concurrent inserts.
 */
import { expect, it } from 'vitest';

import { type EventInbox, MAX_BATCH_SIZE, type RecordEventInput, type RecordEventResult, type StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, key, lifecycleCase } from './harness';

/** What the inbox suite checks. */
export type EventInboxUnderTest = StoreLifecycle & EventInbox;

/** Records one event. */
async function record(store: EventInbox, input: RecordEventInput): Promise<RecordEventResult> {
    return (await store.recordEvents([input]))[0]!;
}

const base = { slot: 50n, name: 'ThresholdReached', data: { raffle: 'R1', sold: '10' } };

/** A confirmed event at `slot` (for the batch cases). */
function ev(signature: string, slot: number, extra: Partial<RecordEventInput> = {}): RecordEventInput {
    return { ...key(signature), slot: BigInt(slot), name: 'E', data: { signature, nested: [slot, { ok: true }] }, commitment: 'confirmed', now: T0, ...extra };
}

/**
 * Registers the inbox cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function inboxCases(ctx: ConformanceContext<EventInboxUnderTest>): void {
    lifecycleCase(ctx, store => store.getEvent(key('s')));

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.recordEvents([{ ...key('s', -1), slot: 1n, name: 'E', data: null }]));
        await expectInvalidArgument(store.recordEvents([{ ...key('s'), slot: 1n, name: 'E', data: { big: 1n } as never }]));
        await expectInvalidArgument(store.recordEvents([{ ...key('s'), slot: 1n, name: 'E', data: null, commitment: 'retracted' as never }]));
        await expectInvalidArgument(store.listEvents({ limit: 1.5 }));
    });

    it('inserts if absent and reports whether the event was new; a duplicate changes nothing', async () => {
        const { store } = ctx;
        const first = await record(store, { ...key('sig1'), ...base, now: T0 });
        expect(first).toEqual({ inserted: true, event: { ...key('sig1'), ...base, commitment: 'seen', receivedAt: T0, updatedAt: T0 } });
        const again = await record(store, { ...key('sig1'), ...base, data: { other: true }, commitment: 'finalized', now: T0 + 5 });
        expect(again).toEqual({ inserted: false, event: first.event });
        expect(await store.getEvent(key('sig1'))).toEqual(first.event);
        expect(await store.getEvent(key('missing'))).toBeNull();
    });

    it('is unique per signature + instruction index + event index', async () => {
        const { store } = ctx;
        const keys = [key('s', 0, 0), key('s', 0, 1), key('s', 1, 0), key('t', 0, 0)];
        for (const k of keys) expect((await record(store, { ...k, ...base })).inserted).toBe(true);
        for (const k of keys) expect((await record(store, { ...k, ...base })).inserted).toBe(false);
        expect(await store.listEvents()).toHaveLength(4);
    });

    it('records the commitment it was observed at', async () => {
        const e = await record(ctx.store, { ...key('c'), ...base, commitment: 'confirmed' });
        expect(e.event.commitment).toBe('confirmed');
    });

    it('moves commitment only forward: seen -> confirmed -> finalized', async () => {
        const { store } = ctx;
        await record(store, { ...key('f'), ...base, now: T0 });
        const c = await store.setEventCommitment({ ...key('f'), commitment: 'confirmed', now: T0 + 1 });
        expect(c.changed).toBe(true);
        expect(c.event).toMatchObject({ commitment: 'confirmed', updatedAt: T0 + 1, receivedAt: T0 });
        expect(await store.setEventCommitment({ ...key('f'), commitment: 'seen' })).toMatchObject({ changed: false, event: { commitment: 'confirmed' } });
        expect(await store.setEventCommitment({ ...key('f'), commitment: 'confirmed' })).toMatchObject({ changed: false });
        expect((await store.setEventCommitment({ ...key('f'), commitment: 'finalized', now: T0 + 2 })).changed).toBe(true);
        for (const to of ['seen', 'confirmed', 'retracted'] as const) {
            expect(await store.setEventCommitment({ ...key('f'), commitment: to })).toMatchObject({
                changed: false,
                event: { commitment: 'finalized', updatedAt: T0 + 2 },
            });
        }
        // seen -> finalized directly is forward too
        await record(store, { ...key('g'), ...base });
        expect((await store.setEventCommitment({ ...key('g'), commitment: 'finalized' })).changed).toBe(true);
    });

    it('retracts a seen or confirmed event; retracted is terminal', async () => {
        const { store } = ctx;
        await record(store, { ...key('r1'), ...base });
        await record(store, { ...key('r2'), ...base, commitment: 'confirmed' });
        expect((await store.setEventCommitment({ ...key('r1'), commitment: 'retracted' })).changed).toBe(true);
        expect((await store.setEventCommitment({ ...key('r2'), commitment: 'retracted' })).changed).toBe(true);
        for (const to of ['seen', 'confirmed', 'finalized'] as const) {
            expect(await store.setEventCommitment({ ...key('r1'), commitment: to })).toMatchObject({ changed: false, event: { commitment: 'retracted' } });
        }
        expect((await record(store, { ...key('r1'), ...base })).event.commitment).toBe('retracted');
    });

    it('setEventCommitment on an unknown event changes nothing', async () => {
        expect(await ctx.store.setEventCommitment({ ...key('nope'), commitment: 'finalized' })).toEqual({ changed: false, event: null });
    });

    it('lists by slot, signature, instruction and event index, with filters and a limit', async () => {
        const { store } = ctx;
        const inputs = [
            { ...key('b', 0, 1), slot: 7n },
            { ...key('a', 1, 0), slot: 7n },
            { ...key('a', 0, 2), slot: 7n },
            { ...key('a', 0, 10), slot: 7n },
            { ...key('z', 0, 0), slot: 3n },
            { ...key('c', 0, 0), slot: 12n },
            { ...key('ab', 0, 0), slot: 7n },
        ];
        for (const i of inputs) await record(store, { ...i, name: 'E', data: null });
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
        expect((await store.listEvents({ commitments: ['seen', 'confirmed'] })).map(e => `${e.signature}:${e.eventIndex}`)).toEqual(['z:0', 'a:2', 'a:0', 'ab:0', 'b:1']);
        expect((await store.listEvents({ commitments: ['finalized', 'retracted'] })).map(e => e.signature)).toEqual(['a', 'c']);
        expect(await store.listEvents({ commitments: [] })).toEqual([]);
    });

    it(`${ctx.concurrency} concurrent inserts of one event: exactly one is new`, async () => {
        const stores = await ctx.actors(ctx.concurrency);
        for (let round = 0; round < 5; round++) {
            const results = await Promise.all(stores.map((s, i) => record(s, { ...key(`race${round}`), ...base, data: { writer: i } })));
            expect(results.filter(r => r.inserted)).toHaveLength(1);
            const winner = results.find(r => r.inserted)!.event;
            for (const r of results) expect(r.event.data).toEqual(winner.data);
        }
    });

    it('recordEvents inserts new events in one call, in input order; duplicates (stored or earlier in the batch) keep the first', async () => {
        const { store } = ctx;
        await record(store, ev('old', 1, { data: 'first' }));
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

    it('recordEvents validates every item before writing any, and refuses more than MAX_BATCH_SIZE', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.recordEvents([ev('ok', 1), ev('bad', 1, { slot: -1n })]));
        expect(await store.getEvent(key('ok'))).toBeNull();
        const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ev(`s${i}`, i));
        await expectInvalidArgument(store.recordEvents(tooMany));
        await expectInvalidArgument(store.getEvents(tooMany));
    });

    it('getEvents reads many events in input order, null for unknown keys', async () => {
        const { store } = ctx;
        await store.recordEvents([ev('a', 1), ev('b', 2)]);
        const got = await store.getEvents([key('b'), key('missing'), key('a'), key('a', 1)]);
        expect(got.map(e => e?.signature ?? null)).toEqual(['b', null, 'a', null]);
        expect(got[0]).toEqual(await store.getEvent(key('b')));
        expect(await store.getEvents([])).toEqual([]);
    });

    it('batches keep awkward text exactly: quotes, backslashes, braces, commas, NULL, unicode', async () => {
        const { store } = ctx;
        const awkward = ['a"b', 'c\\d', '{e,f}', 'NULL', 'null', ' spaced ', 'ünï😀', "it's", '[]', '\\N'];
        const events = await store.recordEvents(
            awkward.map((text, i) => ({ signature: `${text}#${i}`, instructionIndex: i, eventIndex: 0, slot: 5n, name: text, data: { text }, now: T0 })),
        );
        expect(events.every(r => r.inserted)).toBe(true);
        const read = await store.getEvents(awkward.map((text, i) => ({ signature: `${text}#${i}`, instructionIndex: i, eventIndex: 0 })));
        expect(read.map(e => [e?.name, (e?.data as { text?: string } | null)?.text])).toEqual(awkward.map(text => [text, text]));
    });

    it(`${ctx.concurrency} concurrent overlapping recordEvents batches: each key is new exactly once`, async () => {
        const stores = await ctx.actors(ctx.concurrency);
        const signatures = Array.from({ length: 40 }, (_, i) => `sig${String(i).padStart(2, '0')}`);
        const results = await Promise.all(stores.map((s, i) => s.recordEvents(signatures.filter((_, j) => (i + j) % 2 === 0 || j % 3 === i % 3).map(sig => ev(sig, 5)))));
        const inserted = new Map<string, number>();
        for (const events of results) for (const r of events) if (r.inserted) inserted.set(r.event.signature, (inserted.get(r.event.signature) ?? 0) + 1);
        const covered = new Set(results.flatMap(events => events.map(r => r.event.signature)));
        for (const sig of covered) expect(inserted.get(sig), sig).toBe(1);
        expect(await ctx.store.listEvents({ limit: 1000 })).toHaveLength(covered.size);
    });
}

/**
 * Declares the conformance suite of the inbox concern alone, for an adapter of that concern.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeEventInboxConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeEventInboxConformance(name: string, factory: () => Promise<StoreFixture<EventInboxUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`EventInbox conformance: ${name}`, factory, options, inboxCases);
}
