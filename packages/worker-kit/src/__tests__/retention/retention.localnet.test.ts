/**
 * Retention on a real chain (`@raffle/localnet` with the reference program), on the memory and
 * SQLite stores: the leader prunes handled final events and their completed jobs a fork window
 * below the cursor, a pruned event delivered again never runs its handler again, and a dead
 * letter keeps its event until it is redriven and done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Localnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UnrecoverableError } from '../../core/errors';
import { handlerJobId } from '../../runtime/handlers';
import { createMemoryWorkerStore } from '../../store/memory/index';
import { createSqliteWorkerStore } from '../../store/sqlite/index';
import type { WorkerStore } from '../../store/types';
import { sendConfigUpdates, type TransactionLogs, waitForTransactionLogs } from '../fixtures/config-updates';
import { type LocalnetWorkers, type TestWorkerOptions, useLocalnetWorkers } from '../fixtures/localnet-workers';

const cluster = useLocalnetWorkers({ retention: { intervalMs: 3_600_000, jobs: { completedAfterMs: 0 }, events: { afterMs: 0 } }, ingestion: { forkWindowSlots: 2 } });
let net: Localnet;
let rpc: LocalnetWorkers['rpc'];
let fee = 3_000;
const stores: WorkerStore[] = [];
const dirs: string[] = [];
beforeAll(() => {
    ({ net, rpc } = cluster);
});
// The fixture stops each test's workers after it; the stores close after the file.
afterAll(async () => {
    await Promise.all(stores.splice(0).map(s => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The bound of this file's waits, each for the cluster and the worker to move on. */
const WAIT = { timeoutMs: 20_000 };
const FORK_WINDOW = 2;

const adapters: [string, () => WorkerStore][] = [
    ['memory', () => createMemoryWorkerStore()],
    [
        'sqlite',
        () => {
            const dir = mkdtempSync(join(tmpdir(), 'retention-'));
            dirs.push(dir);
            return createSqliteWorkerStore({ path: join(dir, 'worker.sqlite') });
        },
    ],
];

function makeWorker(store: WorkerStore, extra: TestWorkerOptions = {}) {
    stores.push(store);
    return cluster.makeWorker(store, extra);
}

/** Sends one transaction with an `update_config` per fee; returns what a webhook would deliver. */
async function pushed(fees: number[]): Promise<TransactionLogs> {
    return waitForTransactionLogs(rpc, await sendConfigUpdates(rpc, net.fixtures!, fees));
}

/** Waits until the ingestion cursor is more than a fork window past `slot` (a later transaction moves it). */
async function cursorPast(store: WorkerStore, slot: bigint): Promise<void> {
    const name = `ingest:${net.fixtures!.programAddress}`;
    await waitFor('the cursor past the fork window', async () => {
        const cursor = await store.getCursor(name);
        if (cursor && cursor.slot > slot + BigInt(FORK_WINDOW)) return true;
        fee += 1;
        await sendConfigUpdates(rpc, net.fixtures!, [fee]);
        return false;
    }, { ...WAIT, intervalMs: 200 });
}

const keyOf = (tx: TransactionLogs, i: number) => ({ signature: tx.signature, instructionIndex: i, eventIndex: 0 });

describe.each(adapters)('retention on %s', (_name, open) => {
    it('the leader prunes handled final events and their jobs; a pruned event delivered again runs nothing', async () => {
        const store = open();
        await store.ready();
        const worker = makeWorker(store, { retention: { intervalMs: 100, jobs: { completedAfterMs: 0 }, events: { afterMs: 0 } } });
        const runs = new Map<string, number>();
        worker.handle('ConfigUpdated', 'count', ({ event }) => void runs.set(event.id, (runs.get(event.id) ?? 0) + 1), { commitment: 'finalized' });
        const pruned = { events: 0, jobs: 0 };
        worker.events.on('retention:pruned', r => ((pruned.events += r.events), (pruned.jobs += r.jobs)));
        await worker.start();
        fee += 10;
        const tx = await pushed([fee, fee + 1, fee + 2]);
        const ids = [0, 1, 2].map(i => `${tx.signature}:${i}:0`);
        await waitFor('the three handler runs', () => ids.every(id => runs.get(id) === 1), WAIT);
        await cursorPast(store, tx.slot);
        await waitFor('the events pruned by the leader', async () => (await store.getEvents(ids.map((_, i) => keyOf(tx, i)))).every(e => e === null), WAIT);
        expect(pruned.events).toBeGreaterThanOrEqual(3);
        expect(pruned.jobs).toBeGreaterThanOrEqual(3);
        for (let i = 0; i < 3; i++) expect(await store.getJob(handlerJobId(keyOf(tx, i), 'count', 'deliver'))).toBeNull();
        expect(await store.getPrunedThroughSlot()).toBeGreaterThanOrEqual(tx.slot);

        // The same transaction delivered again (a webhook retry, a replayed archive): nothing runs.
        await worker.ingestTransactions([tx]);
        expect(await store.countJobs({ statuses: ['pending', 'running'] })).toBe(0);
        expect(await store.getEvent(keyOf(tx, 0))).toBeNull();
        // A later event still runs (the worker is healthy), and the pruned ones never did again.
        fee += 10;
        const later = await pushed([fee]);
        await waitFor('the later event', () => runs.get(`${later.signature}:0:0`) === 1, WAIT);
        expect(ids.map(id => runs.get(id))).toEqual([1, 1, 1]);
    });

    it('a dead letter keeps its event until it is redriven and done', async () => {
        const store = open();
        await store.ready();
        const worker = makeWorker(store);
        let broken = true;
        fee += 10;
        const poisoned = fee + 1;
        const runs: string[] = [];
        worker.handle(
            'ConfigUpdated',
            'fragile',
            ({ event }) => {
                if (broken && event.data.feeBps === poisoned) throw new UnrecoverableError('bad fee');
                runs.push(event.id);
            },
            { commitment: 'finalized' },
        );
        await worker.start();
        const tx = await pushed([fee, poisoned]);
        const deadId = handlerJobId(keyOf(tx, 1), 'fragile', 'deliver');
        await waitFor('the dead letter', async () => (await store.getJob(deadId))?.status === 'dead', WAIT);
        await cursorPast(store, tx.slot);
        await waitFor('the healthy event pruned', async () => {
            await worker.prune();
            return (await store.getEvent(keyOf(tx, 0))) === null;
        }, WAIT);
        expect(await store.getEvent(keyOf(tx, 1))).not.toBeNull();

        broken = false;
        expect(await worker.deadLetters.redrive(deadId)).not.toBeNull();
        await waitFor('the redriven job', async () => (await store.getJob(deadId))?.status === 'completed', WAIT);
        expect(runs).toContain(`${tx.signature}:1:0`);
        const result = await worker.prune();
        expect(result.events).toBeGreaterThanOrEqual(1);
        expect(await store.getEvent(keyOf(tx, 1))).toBeNull();
    });
});

describe('retention options', () => {
    it('is off with retention: false, and refuses bad policies and keeps', () => {
        const store = createMemoryWorkerStore();
        const off = makeWorker(store, { retention: false });
        return Promise.all([
            expect(off.prune()).rejects.toThrow(/retention/),
            expect(() => makeWorker(store, { retention: { jobs: { completedAfterMs: -1 } } })).toThrow(/retention\.jobs\.completedAfterMs/),
            expect(() => makeWorker(store, { retention: { evnts: {} } as never })).toThrow(/retention\.evnts/),
            expect(() => makeWorker(store).retain({ effectKeyPrefixes: [''] })).toThrow(/effectKeyPrefixes/),
            expect(() => makeWorker(store).retain({ auditMinAgeMs: -5 })).toThrow(/auditMinAgeMs/),
        ]);
    });
});
