/**
 * The conformance cases of the retention concern ({@link RetentionStore}): which finished jobs,
 * final events, terminal effects and audit entries are deleted and which are kept, the inbox
 * watermark (a pruned event is never inserted again, by `recordEvents` or by an atomic step,
 * also when the watermark moves while a step plans), and bounded batches.
 */
import { expect, it } from 'vitest';

import type { AuditLog, EffectLedger, EventInbox, JobQueue, ProjectionStore, RecordEventInput, RetentionStore, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, key, lifecycleCase } from './harness';

/** What the retention suite checks (it sets records up and reads them back through their concerns). */
export type RetentionStoreUnderTest = StoreLifecycle & RetentionStore & EventInbox & JobQueue & EffectLedger & AuditLog & Pick<ProjectionStore, 'recordEventsWith'>;

function event(signature: string, slot: bigint, commitment: RecordEventInput['commitment'] = 'finalized'): RecordEventInput {
    return { signature, instructionIndex: 0, eventIndex: 0, slot, name: 'Joined', data: { n: 1 }, commitment, now: T0 };
}

/** Enqueues a job (in a queue of its own) and takes it to `status` at time `at`. */
async function jobIn(store: RetentionStoreUnderTest, id: string, status: 'pending' | 'running' | 'completed' | 'dead', at = T0): Promise<void> {
    const queue = `retention:${id}`;
    await store.enqueueJob({ id, queue, name: 'x', now: at });
    if (status === 'pending') return;
    const claimed = await store.claimJobs({ owner: 'w', queue, limit: 1, leaseMs: 60_000, now: at });
    expect(claimed.map(j => j.id)).toEqual([id]);
    if (status === 'completed') await store.completeJobs({ ids: [id], owner: 'w', now: at });
    if (status === 'dead') await store.failJob({ id, owner: 'w', error: 'boom', unrecoverable: true, now: at });
}

/**
 * Registers the retention cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function retentionCases(ctx: ConformanceContext<RetentionStoreUnderTest>): void {
    lifecycleCase(ctx, store => store.getPrunedThroughSlot());

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.pruneJobs({ finishedBefore: -1 }));
        await expectInvalidArgument(store.pruneJobs({ finishedBefore: T0, statuses: ['pending' as never] }));
        await expectInvalidArgument(store.pruneJobs({ finishedBefore: T0, statuses: [] }));
        await expectInvalidArgument(store.pruneJobs({ finishedBefore: T0, limit: 1001 }));
        await expectInvalidArgument(store.pruneEvents({ throughSlot: -1n, events: [] }));
        await expectInvalidArgument(store.pruneEvents({ throughSlot: 5 as never, events: [] }));
        await expectInvalidArgument(store.pruneEvents({ throughSlot: 5n, events: [{ key: key(''), jobIds: [] }] }));
        await expectInvalidArgument(store.pruneEvents({ throughSlot: 5n, events: [{ key: key('a'), jobIds: [''] }] }));
        await expectInvalidArgument(store.pruneEffects({ updatedBefore: T0, keepKeyPrefixes: [''] }));
        await expectInvalidArgument(store.pruneAudit({ before: T0, keepSubjectPrefixes: 'x' as never }));
        await expectInvalidArgument(store.pruneAudit({ before: Number.NaN }));
        expect(await store.getPrunedThroughSlot()).toBeNull();
    });

    it('pruneJobs deletes finished jobs older than the cutoff, dead ones only when asked; a deleted id can be enqueued again', async () => {
        const { store } = ctx;
        await jobIn(store, 'old-done', 'completed', T0);
        await jobIn(store, 'new-done', 'completed', T0 + 10_000);
        await jobIn(store, 'old-dead', 'dead', T0);
        await jobIn(store, 'waiting', 'pending', T0);
        await jobIn(store, 'busy', 'running', T0);
        expect(await store.pruneJobs({ finishedBefore: T0 + 5_000 })).toEqual({ deleted: 1 });
        expect(await store.getJob('old-done')).toBeNull();
        for (const id of ['new-done', 'old-dead', 'waiting', 'busy']) expect(await store.getJob(id), id).not.toBeNull();
        expect(await store.pruneJobs({ finishedBefore: T0 + 5_000, statuses: ['dead'] })).toEqual({ deleted: 1 });
        expect(await store.getJob('old-dead')).toBeNull();
        expect(await store.pruneJobs({ finishedBefore: T0 + 5_000, statuses: ['completed', 'dead'] })).toEqual({ deleted: 0 });
        expect((await store.enqueueJob({ id: 'old-done', queue: 'retention', name: 'x', now: T0 + 20_000 })).created).toBe(true);
    });

    it('pruneJobs deletes at most `limit` per call', async () => {
        const { store } = ctx;
        for (let i = 0; i < 5; i++) await jobIn(store, `done-${i}`, 'completed', T0);
        expect(await store.pruneJobs({ finishedBefore: T0 + 1, limit: 2 })).toEqual({ deleted: 2 });
        expect(await store.pruneJobs({ finishedBefore: T0 + 1, limit: 2 })).toEqual({ deleted: 2 });
        expect(await store.pruneJobs({ finishedBefore: T0 + 1, limit: 2 })).toEqual({ deleted: 1 });
        expect(await Promise.all(Array.from({ length: 5 }, (_, i) => store.getJob(`done-${i}`)))).toEqual([null, null, null, null, null]);
    });

    it('pruneEvents deletes final events at or below the watermark whose jobs are done, and keeps the others', async () => {
        const { store } = ctx;
        await store.recordEvents([
            event('final', 5n),
            event('retracted', 5n, 'confirmed'),
            event('open', 5n, 'confirmed'),
            event('late', 20n),
            event('pinned-pending', 5n),
            event('pinned-running', 5n),
            event('pinned-dead', 5n),
            event('done', 5n),
        ]);
        await store.setEventCommitment({ ...key('retracted'), commitment: 'retracted', now: T0 });
        await jobIn(store, 'job-pending', 'pending');
        await jobIn(store, 'job-running', 'running');
        await jobIn(store, 'job-dead', 'dead');
        await jobIn(store, 'job-done', 'completed');
        const offered = [
            { key: key('final'), jobIds: ['never-enqueued'] },
            { key: key('retracted'), jobIds: [] },
            { key: key('open'), jobIds: [] },
            { key: key('late'), jobIds: [] },
            { key: key('pinned-pending'), jobIds: ['job-done', 'job-pending'] },
            { key: key('pinned-running'), jobIds: ['job-running'] },
            { key: key('pinned-dead'), jobIds: ['job-dead'] },
            { key: key('done'), jobIds: ['job-done'] },
            { key: key('not-in-inbox'), jobIds: [] },
        ];
        expect(await store.pruneEvents({ throughSlot: 10n, events: offered })).toEqual({ deleted: 3, kept: 5, prunedThroughSlot: 10n });
        const left = await store.getEvents(offered.map(o => o.key));
        expect(left.map(e => e?.signature ?? null)).toEqual([null, null, 'open', 'late', 'pinned-pending', 'pinned-running', 'pinned-dead', null, null]);
        expect(await store.getPrunedThroughSlot()).toBe(10n);
        // A lower watermark never lowers it.
        expect(await store.pruneEvents({ throughSlot: 3n, events: [] })).toEqual({ deleted: 0, kept: 0, prunedThroughSlot: 10n });
        expect(await store.getPrunedThroughSlot()).toBe(10n);
    });

    it('never inserts an event at or below the watermark again: recordEvents reports it pruned', async () => {
        const { store } = ctx;
        await store.recordEvents([event('old', 5n)]);
        await store.pruneEvents({ throughSlot: 10n, events: [{ key: key('old'), jobIds: [] }] });
        const results = await store.recordEvents([event('old', 5n), event('unseen', 10n), event('new', 11n), event('kept-open', 12n, 'seen')]);
        expect(results.map(r => [r.inserted, r.pruned ?? false])).toEqual([
            [false, true],
            [false, true],
            [true, false],
            [true, false],
        ]);
        expect(results[0]!.event).toMatchObject({ signature: 'old', slot: 5n, name: 'Joined' });
        expect(await store.getEvents([key('old'), key('unseen'), key('new')])).toEqual([null, null, results[2]!.event]);
        // An event still in the inbox below the watermark (kept) stays an ordinary duplicate.
        await store.recordEvents([event('stays', 30n, 'confirmed')]);
        await store.pruneEvents({ throughSlot: 40n, events: [{ key: key('stays'), jobIds: [] }] });
        const [again] = await store.recordEvents([event('stays', 30n, 'confirmed')]);
        expect(again).toMatchObject({ inserted: false, event: { signature: 'stays', commitment: 'confirmed' } });
        expect(again!.pruned).toBeUndefined();
    });

    it('an atomic step plans nothing for an event below the watermark, and reports it pruned', async () => {
        const { store } = ctx;
        await store.recordEvents([event('old', 5n)]);
        await store.pruneEvents({ throughSlot: 10n, events: [{ key: key('old'), jobIds: [] }] });
        const planned: string[] = [];
        const step = await store.recordEventsWith([event('old', 5n), event('fresh', 11n)], async changed => {
            planned.push(...changed.map(e => e.signature));
            return { jobs: changed.map(e => ({ id: `${e.signature}:job`, queue: 'retention', name: 'x', now: T0 })) };
        });
        expect(planned).toEqual(['fresh']);
        expect(step.results.map(r => [r.inserted, r.pruned ?? false])).toEqual([
            [false, true],
            [true, false],
        ]);
        expect(await store.getJob('old:job')).toBeNull();
        expect(await store.getJob('fresh:job')).not.toBeNull();
    });

    it('racing steps and a watermark move: every event is either stored with its job, or pruned with none', async () => {
        const stores = await ctx.actors(ctx.concurrency);
        const n = 60;
        const steps = Array.from({ length: n }, (_, i) =>
            stores[i % stores.length]!.recordEventsWith([event(`race-${i}`, BigInt(i))], async changed => ({
                jobs: changed.map(e => ({ id: `${e.signature}:job`, queue: 'retention', name: 'x', now: T0 })),
            })),
        );
        const prune = stores[stores.length - 1]!.pruneEvents({ throughSlot: BigInt(n / 2), events: [] });
        const [results] = await Promise.all([Promise.all(steps), prune]);
        for (let i = 0; i < n; i++) {
            const r = results[i]!.results[0]!;
            const job = await ctx.store.getJob(`race-${i}:job`);
            const stored = await ctx.store.getEvent(key(`race-${i}`));
            if (r.inserted) {
                expect(job, `race-${i}`).not.toBeNull();
                expect(stored, `race-${i}`).not.toBeNull();
            } else {
                expect(r.pruned, `race-${i}`).toBe(true);
                expect(BigInt(i)).toBeLessThanOrEqual(BigInt(n / 2));
                expect(job, `race-${i}`).toBeNull();
                expect(stored, `race-${i}`).toBeNull();
            }
        }
        for (let i = n / 2 + 1; i < n; i++) expect(results[i]!.results[0]!.inserted).toBe(true);
    });

    it('pruneEffects deletes old confirmed and failed effects, never pending or sent ones or kept prefixes', async () => {
        const { store } = ctx;
        const begin = (k: string, at = T0) => store.beginEffect({ key: k, intent: { k }, now: at });
        for (const k of ['ok', 'bad', 'waiting', 'in-flight', 'ledger:ok', 'fresh']) await begin(k, k === 'fresh' ? T0 + 10_000 : T0);
        await store.markEffectConfirmed({ key: 'ok', signature: 'sig-ok', now: T0 });
        await store.markEffectFailed({ key: 'bad', error: 'no', now: T0 });
        await store.markEffectSent({ key: 'in-flight', signature: 'sig-f', lastValidBlockHeight: 10n, now: T0 });
        await store.markEffectConfirmed({ key: 'ledger:ok', signature: 'sig-l', now: T0 });
        await store.markEffectConfirmed({ key: 'fresh', signature: 'sig-n', now: T0 + 10_000 });
        expect(await store.pruneEffects({ updatedBefore: T0 + 5_000, keepKeyPrefixes: ['ledger:'] })).toEqual({ deleted: 2 });
        const left = await Promise.all(['ok', 'bad', 'waiting', 'in-flight', 'ledger:ok', 'fresh'].map(k => store.getEffect(k)));
        expect(left.map(e => e?.key ?? null)).toEqual([null, null, 'waiting', 'in-flight', 'ledger:ok', 'fresh']);
        expect((await begin('ok', T0 + 20_000)).created).toBe(true);
        for (let i = 0; i < 3; i++) await store.markEffectFailed({ key: (await begin(`f${i}`)).effect.key, error: 'x', now: T0 });
        expect(await store.pruneEffects({ updatedBefore: T0 + 1, keepKeyPrefixes: ['ledger:'], limit: 2 })).toEqual({ deleted: 2 });
        expect(await store.pruneEffects({ updatedBefore: T0 + 1, keepKeyPrefixes: ['ledger:'], limit: 2 })).toEqual({ deleted: 1 });
        expect((await store.getEffect('ledger:ok'))?.status).toBe('confirmed');
    });

    it('pruneAudit deletes old entries except kept actions and subjects; sequence numbers are never reused', async () => {
        const { store } = ctx;
        const append = (action: string, subject: string | null, at: number) => store.appendAudit({ actor: 'w', action, subject, now: at });
        const old = await append('effect:sent', 'R1', T0);
        const keptAction = await append('automations:paused', null, T0);
        const keptSubject = await append('spend:held', 'automations:pause:1', T0);
        const old2 = await append('effect:confirmed', null, T0 + 1);
        const recent = await append('effect:sent', 'R2', T0 + 10_000);
        expect(await store.pruneAudit({ before: T0 + 5_000, keepActionPrefixes: ['automations:'], keepSubjectPrefixes: ['automations:pause:'], limit: 1 })).toEqual({ deleted: 1 });
        expect(await store.pruneAudit({ before: T0 + 5_000, keepActionPrefixes: ['automations:'], keepSubjectPrefixes: ['automations:pause:'] })).toEqual({ deleted: 1 });
        expect((await store.listAudit()).map(e => e.seq)).toEqual([keptAction.seq, keptSubject.seq, recent.seq]);
        expect(await store.listAudit({ afterSeq: old.seq, limit: 2 })).toEqual([keptAction, keptSubject]);
        expect(await store.listAudit({ afterSeq: old2.seq })).toEqual([recent]);
        expect(await store.listAudit({ subject: 'R1' })).toEqual([]);
        const next = await append('effect:sent', 'R3', T0 + 20_000);
        expect(next.seq).toBeGreaterThan(recent.seq);
        expect(await store.pruneAudit({ before: T0 + 30_000 })).toEqual({ deleted: 4 });
        const last = await append('x', null, T0 + 40_000);
        expect(last.seq).toBeGreaterThan(next.seq);
        expect(await store.listAudit()).toEqual([last]);
    });
}

/**
 * Declares the conformance suite of the retention concern, for an adapter that has it.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeRetentionStoreConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeRetentionStoreConformance(name: string, factory: () => Promise<StoreFixture<RetentionStoreUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`RetentionStore conformance: ${name}`, factory, options, retentionCases);
}
