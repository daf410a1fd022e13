/**
 * The conformance cases of the audit concern ({@link AuditLog}): increasing `seq`, listing in
 * order with pagination and a subject filter, concurrent appends.
 */
import { expect, it } from 'vitest';

import type { AuditLog, StoreLifecycle } from '../../store/types';
import { type ConformanceContext, type StoreConformanceOptions, type StoreFixture, T0, describeConcern, expectInvalidArgument, lifecycleCase } from './harness';

/** What the audit suite checks. */
export type AuditLogUnderTest = StoreLifecycle & AuditLog;

/**
 * Registers the audit cases in the current `describe` block.
 *
 * @param ctx - the current test's store and its peers
 */
export function auditCases(ctx: ConformanceContext<AuditLogUnderTest>): void {
    lifecycleCase(ctx, store => store.listAudit());

    it('rejects invalid arguments with RAFFLE_ERROR__INVALID_ARGUMENT', async () => {
        const { store } = ctx;
        await expectInvalidArgument(store.appendAudit({ actor: 'a', action: 'x', now: -5 }));
        await expectInvalidArgument(store.appendAudit({ actor: '', action: 'x' }));
        await expectInvalidArgument(store.listAudit({ afterSeq: -1 }));
    });

    it('appends with increasing seq and lists in order with pagination and a subject filter', async () => {
        const { store } = ctx;
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
        const stores = await ctx.actors(ctx.concurrency);
        const entries = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.appendAudit({ actor: `a${i}`, action: 'x' })));
        const seqs = entries.map(e => e.seq);
        expect(new Set(seqs).size).toBe(24);
        const listed = await ctx.store.listAudit({ limit: 100 });
        expect(listed.map(e => e.seq)).toEqual([...seqs].sort((x, y) => x - y));
    });
}

/**
 * Declares the conformance suite of the audit concern alone, for an adapter of that concern.
 *
 * @param name - the adapter's name in test titles
 * @param factory - creates a fresh store (and optionally peers over the same data)
 * @param options - skip, concurrency
 * @example
 * ```ts
 * describeAuditLogConformance('memory', async () => ({ store: createMemoryWorkerStore(), cleanup: async () => {} }));
 * ```
 */
export function describeAuditLogConformance(name: string, factory: () => Promise<StoreFixture<AuditLogUnderTest>>, options: StoreConformanceOptions = {}): void {
    describeConcern(`AuditLog conformance: ${name}`, factory, options, auditCases);
}
