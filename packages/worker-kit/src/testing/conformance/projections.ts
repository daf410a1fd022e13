/**
 * The conformance cases of the projection concern ({@link ProjectionStore}): the atomic inbox
 * steps (events, jobs and projection writes committed together or not at all, exactly-once
 * projection under concurrent steps, reads inside the step) and the read side (deletes, key
 * order, pagination).
 */
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { expect, it } from 'vitest';

import type { EventInbox, JobQueue, JsonValue, PlanInboxStep, ProjectionStore, RecordEventInput, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, describeConcern, lifecycleCase } from './harness';

/** What the projection suite checks (it reads events and jobs back through their concerns). */
export type ProjectionStoreUnderTest = StoreLifecycle & ProjectionStore & Pick<EventInbox, 'getEvent' | 'getEvents' | 'recordEvents' | 'setEventCommitment'> & Pick<JobQueue, 'getJob' | 'countJobs'>;

function event(signature: string, slot = 10n, name = 'Joined'): RecordEventInput {
    return { signature, instructionIndex: 0, eventIndex: 0, slot, name, data: { n: 1 }, commitment: 'confirmed' };
}

/** A step plan that counts events per name in namespace `count`, reading inside the step. */
const countByName: PlanInboxStep = async (changed, read) => {
    const names = [...new Set(changed.map(e => e.name))];
    if (names.length === 0) return {};
    const current = await read('count', names);
    return { writes: names.map((n, i) => ({ namespace: 'count', key: n, value: ((current[i] as number | null) ?? 0) + changed.filter(e => e.name === n).length })) };
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
        await promise;
    } catch (e) {
        return e;
    }
    throw new Error('expected a rejection');
}

/**
 * Registers the projection cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function projectionCases(ctx: ConformanceContext<ProjectionStoreUnderTest>): void {
    lifecycleCase(ctx, store => store.getProjectionValues('p', ['k']));

    it('commits the events and the writes of one step together; project sees only the inserted events', async () => {
        const { store } = ctx;
        const seen: string[][] = [];
        const project: PlanInboxStep = async (changed, read) => {
            seen.push(changed.map(e => e.signature));
            return countByName(changed, read);
        };
        const first = await store.recordEventsWith([event('a'), event('b'), event('a')], project);
        expect(first.results.map(r => r.inserted)).toEqual([true, true, false]);
        const second = await store.recordEventsWith([event('b'), event('c', 11n, 'Left')], project);
        expect(second.results.map(r => r.inserted)).toEqual([false, true]);
        expect(seen.at(-1)).toEqual(['c']);
        expect(seen.slice(0, -1).at(-1)).toEqual(['a', 'b']);
        expect(await store.getProjectionValues('count', ['Joined', 'Left', 'None'])).toEqual([2, 1, null]);
        expect((await store.getEvent({ signature: 'c', instructionIndex: 0, eventIndex: 0 }))?.commitment).toBe('confirmed');
    });

    it('records nothing and writes nothing when project throws', async () => {
        const { store } = ctx;
        const boom = new Error('projection failed');
        const e = await rejection(
            store.recordEventsWith([event('x'), event('y')], async () => {
                throw boom;
            }),
        );
        expect(e).toBe(boom);
        expect(await store.getEvents([{ signature: 'x', instructionIndex: 0, eventIndex: 0 }, { signature: 'y', instructionIndex: 0, eventIndex: 0 }])).toEqual([null, null]);
        await store.recordEventsWith([event('x')], countByName);
        expect(await store.getProjectionValues('count', ['Joined'])).toEqual([1]);
    });

    it('calls project with an empty list when nothing is new, and commits its writes', async () => {
        const { store } = ctx;
        await store.recordEvents([event('d')]);
        let calls = 0;
        const { results } = await store.recordEventsWith([event('d')], async changed => {
            calls++;
            expect(changed).toEqual([]);
            return {};
        });
        expect(results[0]!.inserted).toBe(false);
        expect(calls).toBeLessThanOrEqual(1);
    });

    it('deletes with a null value and keeps namespaces apart', async () => {
        const { store } = ctx;
        await store.recordEventsWith([event('n1')], async () => ({
            writes: [
                { namespace: 'p1', key: 'k', value: { a: [1, 'two', true, null] } },
                { namespace: 'p2', key: 'k', value: 'other' },
            ],
        }));
        expect(await store.getProjectionValues('p1', ['k'])).toEqual([{ a: [1, 'two', true, null] }]);
        await store.recordEventsWith([event('n2')], async () => ({ writes: [{ namespace: 'p1', key: 'k', value: null }] }));
        expect(await store.getProjectionValues('p1', ['k'])).toEqual([null]);
        expect(await store.getProjectionValues('p2', ['k'])).toEqual(['other']);
    });

    it('moves commitments with writes; project sees only the events that changed, as they are after the move', async () => {
        const { store } = ctx;
        await store.recordEvents([event('f1'), event('f2'), event('f3')]);
        await store.setEventCommitment({ signature: 'f3', instructionIndex: 0, eventIndex: 0, commitment: 'finalized' });
        const changed: string[] = [];
        const { results } = await store.setEventCommitmentsWith(
            [
                { signature: 'f1', instructionIndex: 0, eventIndex: 0, commitment: 'finalized' },
                { signature: 'f2', instructionIndex: 0, eventIndex: 0, commitment: 'retracted' },
                { signature: 'f3', instructionIndex: 0, eventIndex: 0, commitment: 'retracted' },
                { signature: 'absent', instructionIndex: 0, eventIndex: 0, commitment: 'finalized' },
            ],
            async list => {
                for (const e of list) changed.push(`${e.signature}:${e.commitment}`);
                return { writes: list.map(e => ({ namespace: 'moves', key: e.signature, value: e.commitment })) };
            },
        );
        expect(results.map(r => r.changed)).toEqual([true, true, false, false]);
        expect(results[3]!.event).toBeNull();
        expect(changed).toEqual(['f1:finalized', 'f2:retracted']);
        expect(await store.getProjectionValues('moves', ['f1', 'f2', 'f3'])).toEqual(['finalized', 'retracted', null]);
        const boom = await rejection(
            store.setEventCommitmentsWith([{ signature: 'f1', instructionIndex: 0, eventIndex: 0, commitment: 'retracted' }], async () => {
                throw new Error('no');
            }),
        );
        expect(String(boom)).toContain('no');
        expect((await store.getEvent({ signature: 'f1', instructionIndex: 0, eventIndex: 0 }))?.commitment).toBe('finalized');
    });

    it('shows the plan each moved event once, as it will be committed, when a batch moves it twice', async () => {
        const { store } = ctx;
        await store.recordEvents([{ ...event('g'), commitment: 'seen' }]);
        const seen: string[] = [];
        const key = { signature: 'g', instructionIndex: 0, eventIndex: 0 };
        const { results } = await store.setEventCommitmentsWith(
            [
                { ...key, commitment: 'confirmed' },
                { ...key, commitment: 'finalized' },
                { ...key, commitment: 'retracted' },
            ],
            async list => {
                seen.push(...list.map(e => `${e.signature}:${e.commitment}`));
                return {};
            },
        );
        expect(results.map(r => r.changed)).toEqual([true, true, false]);
        expect(results[2]!.event?.commitment).toBe('finalized');
        expect(seen).toEqual(['g:finalized']);
        expect((await store.getEvent(key))?.commitment).toBe('finalized');
    });

    it('projects each event exactly once under concurrent steps over overlapping events', async () => {
        const { store } = ctx;
        const actors = await ctx.actors(4);
        const all = Array.from({ length: 60 }, (_, i) => event(`c${i}`, BigInt(i)));
        await Promise.all(
            Array.from({ length: 6 }, (_, k) => {
                const actor = actors[k % actors.length]!;
                const mine = all.filter((_, i) => (i + k) % 3 !== 0);
                return (async () => {
                    for (let i = 0; i < mine.length; i += 10) await actor.recordEventsWith(mine.slice(i, i + 10), countByName);
                })();
            }),
        );
        expect(await store.getProjectionValues('count', ['Joined'])).toEqual([60]);
    });

    it('enqueues the planned jobs in the same step, insert-if-absent, claimed when they carry a lease', async () => {
        const { store } = ctx;
        const plan: PlanInboxStep = async changed => ({
            jobs: changed.flatMap(e => [
                { id: `${e.signature}:h1`, name: 'handler:Joined:h1', payload: { s: e.signature } },
                { id: `${e.signature}:h2`, name: 'handler:Joined:h2', lease: { owner: 'me', leaseMs: 60_000 } },
            ]),
        });
        const first = await store.recordEventsWith([event('j1'), event('j2')], plan);
        expect(first.jobs.map(j => [j.job.id, j.created, j.job.status])).toEqual([
            ['j1:h1', true, 'pending'],
            ['j1:h2', true, 'running'],
            ['j2:h1', true, 'pending'],
            ['j2:h2', true, 'running'],
        ]);
        expect((await store.getJob('j2:h2'))?.leaseOwner).toBe('me');
        const again = await store.recordEventsWith([event('j1'), event('j3')], async changed => ({
            jobs: [...changed.map(e => ({ id: `${e.signature}:h1`, name: 'handler:Joined:h1' })), { id: 'j1:h1', name: 'handler:Joined:h1' }],
        }));
        expect(again.jobs.map(j => [j.job.id, j.created])).toEqual([
            ['j3:h1', true],
            ['j1:h1', false],
        ]);
        expect(await store.countJobs()).toBe(5);
    });

    it('enqueues nothing and records nothing when the plan throws after planning jobs', async () => {
        const { store } = ctx;
        await rejection(
            store.recordEventsWith([event('t1')], async (_changed, read) => {
                await read('count', ['x']);
                throw new Error('late failure');
            }),
        );
        expect(await store.countJobs()).toBe(0);
        expect(await store.getEvent({ signature: 't1', instructionIndex: 0, eventIndex: 0 })).toBeNull();
        const bad = await rejection(store.recordEventsWith([event('t2')], async () => ({ jobs: [{ id: 't2:h', name: 'h', maxAttempts: 0 }] })));
        expect(isRaffleError(bad, RAFFLE_ERROR__INVALID_ARGUMENT), String(bad)).toBe(true);
        expect(await store.getEvent({ signature: 't2', instructionIndex: 0, eventIndex: 0 })).toBeNull();
    });

    it('lists values in key order with prefix, after and limit', async () => {
        const { store } = ctx;
        const keys = ['b:2', 'a:1', 'b:1', 'b:10', 'c'];
        await store.recordEventsWith([event('l')], async () => ({ writes: keys.map(k => ({ namespace: 'list', key: k, value: k as JsonValue })) }));
        expect((await store.listProjectionValues({ namespace: 'list' })).map(e => e.key)).toEqual(['a:1', 'b:1', 'b:10', 'b:2', 'c']);
        expect((await store.listProjectionValues({ namespace: 'list', prefix: 'b:' })).map(e => e.key)).toEqual(['b:1', 'b:10', 'b:2']);
        expect((await store.listProjectionValues({ namespace: 'list', prefix: 'b:', after: 'b:1', limit: 1 })).map(e => e.key)).toEqual(['b:10']);
        expect(await store.listProjectionValues({ namespace: 'other' })).toEqual([]);
        expect((await store.listProjectionValues({ namespace: 'list', limit: 2 }))[1]).toEqual({ key: 'b:1', value: 'b:1' });
    });

    it('rejects invalid writes and inputs with RAFFLE_ERROR__INVALID_ARGUMENT and records nothing', async () => {
        const { store } = ctx;
        const bad = [
            { namespace: '', key: 'k', value: 1 },
            { namespace: 'n', key: '', value: 1 },
            { namespace: 'n', key: 'x'.repeat(513), value: 1 },
            { namespace: 'n', key: 'k', value: { big: 1n } as never },
        ];
        for (const write of bad) {
            const e = await rejection(store.recordEventsWith([event('v')], async () => ({ writes: [write] })));
            expect(isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT), String(e)).toBe(true);
        }
        expect(await store.getEvent({ signature: 'v', instructionIndex: 0, eventIndex: 0 })).toBeNull();
        expect(isRaffleError(await rejection(store.getProjectionValues('', ['k'])), RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
        expect(isRaffleError(await rejection(store.listProjectionValues({ namespace: 'n', limit: 0 })), RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
    });
}

/**
 * Declares the projection suite on its own.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeProjectionStoreConformance('mine', async () => ({ store: createMyStore(), cleanup: async () => {} }));
 * ```
 */
export function describeProjectionStoreConformance(name: string, factory: () => Promise<StoreFixture<ProjectionStoreUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`ProjectionStore conformance: ${name}`, factory, options, projectionCases);
}
