/**
 * The leader's retention loop: a pass per interval, errors reported and retried at the next tick,
 * and an abort during a pass ends the loop at once (not an interval later).
 */
import { waitFor } from '@raffle/test-support';
import { describe, expect, it } from 'vitest';

import { createWorkerEmitter } from '../../core/events';
import { createHandlerRegistry } from '../../runtime/handlers';
import { type RetentionContext, resolveRetentionPolicy, runRetentionLoop } from '../../runtime/retention';
import { createMemoryWorkerStore } from '../../store/memory/index';
import type { WorkerStore } from '../../store/types';

function context(store: WorkerStore, intervalMs: number): RetentionContext {
    return {
        store,
        handlers: createHandlerRegistry(['ConfigUpdated']),
        events: createWorkerEmitter(),
        cursorName: 'ingest:test',
        forkWindowSlots: 2n,
        policy: resolveRetentionPolicy({ intervalMs, jobs: { completedAfterMs: 0 } }),
        keep: () => ({}),
    };
}

describe('the retention loop', () => {
    it('ends at once when aborted during a pass', async () => {
        const store = createMemoryWorkerStore();
        let release!: () => void;
        const blocked = new Promise<void>(resolve => (release = resolve));
        let entered!: () => void;
        const inPass = new Promise<void>(resolve => (entered = resolve));
        const slow: WorkerStore = { ...store, pruneJobs: async input => (entered(), await blocked, store.pruneJobs(input)) };
        const controller = new AbortController();
        const loop = runRetentionLoop(context(slow, 3_600_000), controller.signal);
        await inPass;
        controller.abort();
        release();
        const ended = await Promise.race([loop.then(() => 'ended'), new Promise(resolve => setTimeout(() => resolve('still waiting'), 2_000))]);
        expect(ended).toBe('ended');
    });

    it('reports a failing pass as a worker error and tries again at the next tick', async () => {
        const store = createMemoryWorkerStore();
        let calls = 0;
        const failing: WorkerStore = {
            ...store,
            pruneJobs: async input => {
                calls++;
                if (calls === 1) throw new Error('store down');
                return store.pruneJobs(input);
            },
        };
        const ctx = context(failing, 20);
        const errors: string[] = [];
        ctx.events.on('worker:error', ({ scope, error }) => errors.push(`${scope}: ${error.message}`));
        const controller = new AbortController();
        const loop = runRetentionLoop(ctx, controller.signal);
        await waitFor('three passes', () => calls >= 3, { timeoutMs: 5_000 });
        controller.abort();
        await loop;
        expect(errors).toEqual(['retention: store down']);
        expect(calls).toBeGreaterThanOrEqual(3);
    });
});
