/**
 * Batch projections on a real chain (`@raffle/localnet` with the reference program): applied
 * once per event in the step that records it, with no job row; a failing projection records
 * nothing; finalized projections wait for finality; a fork's retraction reaches `retract`.
 */
import type { Localnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import { beforeAll, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import type { JsonValue } from '../../store/types';
import { sendConfigUpdates, waitForTransactionLogs } from '../fixtures/config-updates';
import { type LocalnetWorkers, useLocalnetWorkers } from '../fixtures/localnet-workers';

const cluster = useLocalnetWorkers();
const { makeWorker } = cluster;
let net: Localnet;
let rpc: LocalnetWorkers['rpc'];
let fee = 1_000;
beforeAll(() => {
    ({ net, rpc } = cluster);
});

/** The bound of this file's waits, each for the cluster and the worker to move on. */
const WAIT = { timeoutMs: 15_000 };

/** Sends one transaction with an `update_config` per fee; returns what a webhook would deliver. */
async function pushed(fees: number[]) {
    return waitForTransactionLogs(rpc, await sendConfigUpdates(rpc, net.fixtures!, fees));
}

describe('batch projections', () => {
    it('apply once per event in the recording step, with no job row, whichever path saw the event', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { disableLive: true, backfillIntervalMs: 60_000, startFrom: 'latest' } });
        const batches: number[] = [];
        worker.project('fees', {
            events: ['ConfigUpdated'],
            apply: async (batch, state) => {
                batches.push(batch.length);
                for (const e of batch) {
                    const seen = ((await state.get(`count:${e.data.feeBps}`)) as number | null) ?? 0;
                    state.set(`count:${e.data.feeBps}`, seen + 1);
                    state.set(`event:${e.id}`, { slot: e.slot.toString(), fee: e.data.feeBps });
                }
            },
        });
        const backfilled = new Promise(r => worker.events.once('ingest:backfilled', r));
        await worker.start();
        await backfilled;
        fee += 10;
        const tx = await pushed([fee, fee + 1, fee]);
        await worker.ingestTransactions([tx, { ...tx }]);
        await worker.ingestTransactions([tx]);
        const view = worker.projection('fees');
        expect(await view.getMany([`count:${fee}`, `count:${fee + 1}`])).toEqual([2, 1]);
        expect(batches).toEqual([3]);
        const entries = await view.list({ prefix: 'event:' });
        expect(entries.map(e => e.key)).toEqual([0, 1, 2].map(i => `event:${tx.signature}:${i}:0`));
        expect(entries[1]!.value).toEqual({ slot: tx.slot.toString(), fee: fee + 1 } as JsonValue);
        // Nothing but projections read these events: no job was written for them.
        expect(await store.countJobs()).toBe(0);
        // Another worker's backfill finds the same transaction later: nothing is applied twice.
        await worker.stop();
        const next = makeWorker(store, { ingestion: { disableLive: true, backfillIntervalMs: 50 } });
        next.project('fees', { events: ['ConfigUpdated'], apply: () => void batches.push(-1) });
        const passed = new Promise<void>(resolve => next.events.on('cursor:advanced', ({ signature }) => signature === tx.signature && resolve()));
        await next.start();
        await passed;
        expect(batches).toEqual([3]);
        expect(await next.projection('fees').get(`count:${fee}`)).toBe(2);
        expect(() => worker.projection('nope')).toThrow(/not registered/);
    });

    it('records nothing when a projection throws; the same transaction is applied once when it is delivered again', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { disableLive: true, backfillIntervalMs: 60_000, startFrom: 'latest' } });
        let failing = true;
        const handled: string[] = [];
        worker.handle('ConfigUpdated', 'audit', ({ event }) => void handled.push(event.id));
        worker.project('total', {
            events: ['ConfigUpdated'],
            apply: async (batch, state) => {
                if (failing) throw new Error('read model unavailable');
                state.set('events', (((await state.get('events')) as number | null) ?? 0) + batch.length);
            },
        });
        const backfilled = new Promise(r => worker.events.once('ingest:backfilled', r));
        await worker.start();
        await backfilled;
        fee += 10;
        const tx = await pushed([fee, fee + 1]);
        await expect(worker.ingestTransactions([tx])).rejects.toThrow('read model unavailable');
        expect(await store.getEvent({ signature: tx.signature, instructionIndex: 0, eventIndex: 0 })).toBeNull();
        expect(await store.countJobs()).toBe(0);
        failing = false;
        await worker.ingestTransactions([tx]);
        await worker.ingestTransactions([tx]);
        expect(await worker.projection('total').get('events')).toBe(2);
        await waitFor('the handler jobs', () => handled.length === 2, WAIT);
        expect(handled).toEqual([`${tx.signature}:0:0`, `${tx.signature}:1:0`]);
    });

    it('applies finalized projections at finality, and hands a fork-dropped event to the confirmed projection’s retract', async () => {
        net.control.setCommitmentLags({ finalization: 1_000 });
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { forkWindowSlots: 5 } });
        worker.project('live', {
            events: ['ConfigUpdated'],
            apply: (batch, state) => batch.forEach(e => state.set(e.signature, e.data.feeBps)),
            retract: (batch, state) => batch.forEach(e => state.delete(e.signature)),
        });
        worker.project('final', { events: ['ConfigUpdated'], commitment: 'finalized', apply: (batch, state) => batch.forEach(e => state.set(e.signature, e.data.feeBps)) });
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        fee += 10;
        const dropped = await sendConfigUpdates(rpc, net.fixtures!, [fee]);
        await waitFor('the confirmed projection', () => worker.projection('live').get(dropped), WAIT);
        expect(await worker.projection('final').get(dropped)).toBeNull();
        net.control.fork(dropped, { replay: false });
        await waitFor('the retraction', async () => ((await worker.projection('live').get(dropped)) === null ? true : undefined), WAIT);
        net.control.setCommitmentLags({ finalization: 3 });
        const kept = await sendConfigUpdates(rpc, net.fixtures!, [fee + 1]);
        expect(await waitFor('the finalized projection', () => worker.projection('final').get(kept), WAIT)).toBe(fee + 1);
        expect(await worker.projection('live').get(kept)).toBe(fee + 1);
        expect(await worker.projection('final').get(dropped)).toBeNull();
        expect(await store.countJobs()).toBe(0);
    });

    it('refuses bad definitions with typed errors and registrations after start', async () => {
        const worker = makeWorker(createMemoryWorkerStore());
        const apply = () => undefined;
        expect(() => worker.project('bad name!', { events: ['ConfigUpdated'], apply })).toThrow(/projection name/);
        expect(() => worker.project('p', { events: [], apply })).toThrow(/at least one/);
        expect(() => worker.project('p', { events: ['Nope' as 'ConfigUpdated'], apply })).toThrow();
        expect(() => worker.project('p', { events: ['ConfigUpdated'], commitment: 'finalized', apply, retract: apply })).toThrow(/never retracted/);
        worker.project('p', { events: ['ConfigUpdated'], apply });
        expect(() => worker.project('p', { events: ['ConfigUpdated'], apply })).toThrow(/exists/);
        await worker.start();
        expect(() => worker.project('q', { events: ['ConfigUpdated'], apply })).toThrow();
    });
});
