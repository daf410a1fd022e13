/**
 * The worker against a real chain: `@raffle/localnet` (LiteSVM behind JSON-RPC and PubSub)
 * with the reference rwa_raffle program. Events are produced by real `update_config`
 * transactions (they emit `ConfigUpdated`). No RPC mock.
 */
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import type { Localnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import { beforeAll, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import { createPgliteWorkerStore } from '../../store/pglite/index';
import type { WorkerStore } from '../../store/types';
import { configUpdateInstruction, sendConfigUpdates, sendInstructions, waitForTransactionLogs } from '../fixtures/config-updates';
import { type LocalnetWorkers, useLocalnetWorkers } from '../fixtures/localnet-workers';

const cluster = useLocalnetWorkers({ leader: { ttlMs: 1_000, renewMs: 50 }, retry: { inProcessRetries: 0, backoff: { minMs: 10, maxMs: 50 } } });
const { makeWorker } = cluster;
let net: Localnet;
let rpc: LocalnetWorkers['rpc'];
let fee = 100;
beforeAll(() => {
    ({ net, rpc } = cluster);
});

/** Sends a real `update_config` (emits ConfigUpdated); returns its signature. */
async function emitConfigUpdated(): Promise<string> {
    fee += 1;
    return sendConfigUpdates(rpc, net.fixtures!, [fee]);
}

/** The bound of this file's waits, each for the cluster and the worker to move on. */
const WAIT = { timeoutMs: 15_000 };

describe('worker on the local cluster', () => {
    it('delivers live events to typed handlers at confirmed and finalized, notices finality and advances the cursor', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store);
        const confirmed: { sig: string; fee: number }[] = [];
        const finalizedNotices: string[] = [];
        const finalizedDeliveries: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => {
            confirmed.push({ sig: event.signature, fee: event.data.feeBps });
        }, { onFinalized: ({ event }) => void finalizedNotices.push(event.signature) });
        worker.handle('ConfigUpdated', 'final', ({ event }) => void finalizedDeliveries.push(event.signature), { commitment: 'finalized' });
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        const sig = await emitConfigUpdated();
        await waitFor('the confirmed delivery', () => confirmed.find(c => c.sig === sig), WAIT);
        expect(confirmed.find(c => c.sig === sig)!.fee).toBe(fee);
        await waitFor('the finalized notice and delivery', () => finalizedNotices.includes(sig) && finalizedDeliveries.includes(sig), WAIT);
        await waitFor('the cursor to reach the transaction', async () => (await store.getCursor(`ingest:${net.fixtures!.programAddress}`))?.signature === sig, WAIT);
        const status = await worker.status();
        expect(status.role).toBe('leader');
        expect(status.ingestion.live).toBe(true);
        expect(status.lagSlots).not.toBeNull();
        expect((await worker.health()).ok).toBe(true);
        // Exactly once per handler and kind.
        expect(confirmed.filter(c => c.sig === sig)).toHaveLength(1);
        expect(finalizedDeliveries.filter(s => s === sig)).toHaveLength(1);
    });

    it('lagSlots stays flat while the program is idle (the caught-up mark follows the finalized slot)', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store);
        worker.handle('ConfigUpdated', 'noop', () => undefined);
        await worker.start();
        await emitConfigUpdated();
        await waitFor('the cursor to be set', async () => (await worker.status()).cursor !== null, WAIT);
        const lags: bigint[] = [];
        for (let i = 0; i < 5; i++) {
            net.control.advanceSlots(200);
            // wait for a backfill pass to see the new finalized slot
            const target = BigInt((await rpc.getSlot({ commitment: 'finalized' }).send()) as bigint);
            await waitFor('a backfill pass to check the finalized slot', async () => ((await store.getCursor(`ingest:${net.fixtures!.programAddress}:checked`))?.slot ?? 0n) >= target, WAIT);
            lags.push((await worker.status()).lagSlots!);
        }
        // 1,000 slots passed with no transaction of the program: the lag is the finality depth, not growing.
        for (const lag of lags) expect(lag).toBeLessThan(50n);
    });

    it('gap-fills from the cursor after the websocket dropped and reconnected', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { backfillIntervalMs: 60_000 } });
        const seen: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.signature));
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        net.control.setFaults({ refuseWebsockets: true });
        const disconnected = new Promise(r => worker.events.once('ingest:disconnected', r));
        net.control.dropWebsockets();
        await disconnected;
        const missed = await emitConfigUpdated();
        await new Promise(r => setTimeout(r, 200));
        expect(seen).not.toContain(missed);
        net.control.clearFaults();
        await waitFor('the missed event to be backfilled', () => seen.includes(missed), WAIT);
    });

    it('retracts an event whose transaction a fork dropped; effects refuse to run for it; finalized-only handlers never saw it', async () => {
        // Nothing finalizes until the fork happened and was noticed.
        net.control.setCommitmentLags({ finalization: 1_000 });
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { forkWindowSlots: 5 } });
        const delivered: string[] = [];
        const retracted: string[] = [];
        const finalOnly: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void delivered.push(event.signature), {
            onRetracted: ({ event }) => void retracted.push(event.signature),
        });
        worker.handle('ConfigUpdated', 'final', ({ event }) => void finalOnly.push(event.signature), { commitment: 'finalized' });
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        const sig = await emitConfigUpdated();
        await waitFor('the confirmed delivery', () => delivered.includes(sig), WAIT);
        net.control.fork(sig, { replay: false });
        await waitFor('the retraction of the forked-out event', () => retracted.includes(sig), WAIT);
        const events = await store.listEvents({ commitments: ['retracted'] });
        expect(events.map(e => e.signature)).toContain(sig);
        // Finality advances again, over the slot of the dropped transaction and past it: a later
        // event reaches the finalized-only handler; the dropped one never did and never will.
        net.control.setCommitmentLags({ finalization: 3 });
        const later = await emitConfigUpdated();
        await waitFor('the later event at the finalized-only handler', () => finalOnly.includes(later), WAIT);
        await waitFor('the cursor to reach the later transaction', async () => (await store.getCursor(`ingest:${net.fixtures!.programAddress}`))?.signature === later, WAIT);
        expect(finalOnly).not.toContain(sig);
        expect(await store.getJob(`${later}:0:0:final`)).not.toBeNull();
        expect(await store.getJob(`${sig}:0:0:final`)).toBeNull();
        expect((await store.getEvent({ signature: sig, instructionIndex: 0, eventIndex: 0 }))?.commitment).toBe('retracted');
        expect(finalOnly.filter(s => s === later)).toHaveLength(1);
        expect(retracted.filter(s => s === sig)).toHaveLength(1);
    });

    it('dead-letters payloads the decoder table does not know, with their raw data, and keeps running', async () => {
        const store = createMemoryWorkerStore();
        const { ConfigUpdated: _omitted, ...withoutConfigUpdated } = RWA_RAFFLE_EVENTS;
        // A table without ConfigUpdated (typed as the whole table only to reuse the factory).
        const worker = makeWorker(store, { decoder: withoutConfigUpdated as typeof RWA_RAFFLE_EVENTS });
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        const sig = await emitConfigUpdated();
        const letter = await waitFor('the dead letter of the unknown payload', async () => (await worker.deadLetters.list()).find(j => (j.payload as { signature?: string }).signature === sig), WAIT);
        expect(letter.payload).toMatchObject({ signature: sig, reason: 'unknown discriminator' });
        expect(typeof (letter.payload as { raw: string }).raw).toBe('string');
        expect(await worker.deadLetters.inspect(letter.id)).toMatchObject({ status: 'dead' });
        expect((await worker.status()).queue.deadLetters).toBeGreaterThanOrEqual(1);
    });

    it('replicas: one leader ingests; when it stops, a follower takes over and continues from the cursor', async () => {
        const store = createMemoryWorkerStore();
        const seen: string[] = [];
        const a = makeWorker(store, { owner: 'a' });
        const b = makeWorker(store, { owner: 'b' });
        for (const w of [a, b]) w.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.signature));
        await a.start();
        await waitFor('a to lead', async () => (await a.status()).role === 'leader', WAIT);
        await b.start();
        await new Promise(r => setTimeout(r, 150));
        expect((await b.status()).role).toBe('follower');
        const first = await emitConfigUpdated();
        await waitFor('the first event', () => seen.includes(first), WAIT);
        const takeover = new Promise(r => b.events.once('lease:acquired', r));
        await a.stop();
        await takeover;
        const second = await emitConfigUpdated();
        await waitFor('the second event, at the new leader', () => seen.includes(second), WAIT);
        expect(seen.filter(s => s === first)).toHaveLength(1);
        expect(seen.filter(s => s === second)).toHaveLength(1);
    });

    it('effects: a crash between send and confirm is resolved from the chain, not re-sent', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store);
        let sends = 0;
        let crash = true;
        let trigger: string | null = null;
        const results: { alreadyDone: boolean; signature: string | null }[] = [];
        worker.handle('ConfigUpdated', 'react', async ({ event, effect }) => {
            if (event.signature !== trigger) return;
            const result = await effect(`react:${event.id}`, { trigger: event.id }, async ({ recordSent }) => {
                const f = net.fixtures!;
                const signature = await sendInstructions(rpc, f.admin.signer, [configUpdateInstruction(f, 7)], {
                    beforeSend: async (signed, blockhash) => {
                        await recordSent(signed, blockhash.lastValidBlockHeight);
                        sends++;
                    },
                });
                if (crash) {
                    crash = false;
                    // The process "dies" before it learns the outcome; wait until it landed.
                    await waitFor('the transaction sent before the crash to be confirmed', async () => (await rpc.getSignatureStatuses([signature]).send()).value[0]?.confirmationStatus === 'confirmed' || undefined, WAIT);
                    throw new Error('crashed after send');
                }
            });
            results.push(result);
        });
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        trigger = await emitConfigUpdated();
        await waitFor('the handler to finish after the crash', () => results.length > 0, WAIT);
        expect(sends).toBe(1);
        expect(results[0]!.alreadyDone).toBe(true);
        const ledger = await store.listEffects();
        expect(ledger).toHaveLength(1);
        expect(ledger[0]).toMatchObject({ status: 'confirmed', sendCount: 1 });
    });

    it('survives 429/503 on the RPC: every event still delivered exactly once', async () => {
        const store = createMemoryWorkerStore();
        // 40% of the calls fail: most passes fail somewhere, and with the default backoff (up to
        // 30 s) a run of failed passes on a busy machine outlasts the wait. Correctness, not the
        // backoff, is under test here: retry within half a second.
        const worker = makeWorker(store, { ingestion: { reconnectBackoff: { minMs: 25, maxMs: 500 } } });
        const seen: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.signature));
        net.control.setFaults({ failureRate: 0.4, failureStatus: 503, methods: ['getTransaction', 'getSignaturesForAddress', 'getSignatureStatuses'], notificationDropRate: 0.5 });
        await worker.start();
        const sigs: string[] = [];
        for (let i = 0; i < 4; i++) sigs.push(await emitConfigUpdated());
        await waitFor('every event despite the faults', () => sigs.every(s => seen.includes(s)), { timeoutMs: 30_000 });
        for (const s of sigs) expect(seen.filter(x => x === s)).toHaveLength(1);
    });

    it('replays handlers from a signature under a new generation', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store);
        const seen: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.signature));
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        const sig = await emitConfigUpdated();
        await waitFor('the event', () => seen.includes(sig), WAIT);
        const result = await worker.replay({ fromSignature: sig, generation: 'g1' });
        expect(result.events).toBeGreaterThanOrEqual(1);
        await waitFor('the replayed event', () => seen.filter(s => s === sig).length === 2, WAIT);
        expect((await worker.replay({ fromSignature: sig, generation: 'g1' })).jobs).toBe(0);
    });

    it('a transaction whose logs are truncated keeps the events before the cut and is dead-lettered for the rest', async () => {
        const f = net.fixtures!;
        const ixs = Array.from({ length: 30 }, (_, i) => configUpdateInstruction(f, 300 + i));
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store);
        const seen: number[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.data.feeBps));
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        const truncated = new Promise(r => worker.events.once('ingest:truncated', r));
        await worker.start();
        await connected;
        const signature = await sendInstructions(rpc, f.admin.signer, ixs);
        const fetched = await waitForTransactionLogs(rpc, signature, 15_000);
        if (!fetched.logs.includes('Log truncated')) {
            // The cluster kept every line: nothing to fall back on; every event arrives.
            await waitFor('the 30 events', () => seen.filter(fee => fee >= 300).length === 30, WAIT);
            return;
        }
        await truncated;
        const letter = await waitFor('the dead letter of the truncated transaction', async () => (await worker.deadLetters.list()).find(j => j.id === `${signature}:truncated`), WAIT);
        expect(letter.name).toBe('ingest:truncated');
        await waitFor('the event before the cut', () => seen.some(fee => fee === 300), WAIT);
        expect(seen.filter(fee => fee >= 300).length).toBeLessThan(30);
    });

    it('nothing irreversible runs for a retracted event: a late effect is refused and dead-lettered', async () => {
        net.control.setCommitmentLags({ finalization: 1_000 });
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { ingestion: { forkWindowSlots: 5 } });
        let release!: () => void;
        const gate = new Promise<void>(r => (release = r));
        let started = false;
        let ran = false;
        let target: string | null = null;
        worker.handle('ConfigUpdated', 'pay', async ({ event, effect }) => {
            if (event.signature !== target) return; // earlier tests' transactions
            started = true;
            await gate; // still deciding when the fork happens
            await effect(`pay:${event.id}`, { event: event.id }, async () => {
                ran = true;
            });
        });
        const retracted = new Promise(r => worker.events.on('event:retracted', e => e.event.signature === target && r(e)));
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        const sig = await emitConfigUpdated();
        target = sig;
        await waitFor('the handler to start', () => started, WAIT);
        net.control.fork(sig, { replay: false });
        await retracted;
        release();
        const letter = await waitFor('the dead letter of the late effect', async () => (await worker.deadLetters.list()).find(j => j.id.startsWith(sig)), WAIT);
        expect(letter.lastError).toContain('retracted');
        expect(ran).toBe(false);
        expect(await store.listEffects()).toHaveLength(0);
    });

    it('SIGTERM: stops intake, drains the in-flight handler and releases the leader lease', async () => {
        const store = createMemoryWorkerStore();
        const worker = makeWorker(store, { owner: 'sig' });
        let finished = false;
        let started = false;
        worker.handle('ConfigUpdated', 'slow', async () => {
            started = true;
            await new Promise(r => setTimeout(r, 200));
            finished = true;
        });
        const remove = worker.installSignalHandlers(['SIGTERM']);
        const connected = new Promise(r => worker.events.once('ingest:connected', r));
        await worker.start();
        await connected;
        await emitConfigUpdated();
        await waitFor('the slow handler to start', () => started, WAIT);
        const stopped = new Promise<{ abandonedJobs: number }>(r => worker.events.once('worker:stopped', r));
        process.emit('SIGTERM');
        const { abandonedJobs } = await stopped;
        remove();
        expect(abandonedJobs).toBe(0);
        expect(finished).toBe(true);
        const lease = await store.getLease(`leader:${net.fixtures!.programAddress}`);
        expect(lease?.owner).toBeNull();
        expect((await worker.status()).role).toBe('stopped');
    });

    it('restart on the embedded PGlite store: backfills what happened while down, never re-runs what was done', async () => {
        const store = createPgliteWorkerStore();
        await store.ready();
        try {
            const runs: string[] = [];
            const first = makeWorker(store, { owner: 'before' });
            first.handle('ConfigUpdated', 'record', ({ event }) => void runs.push(event.signature));
            const connected = new Promise(r => first.events.once('ingest:connected', r));
            await first.start();
            await connected;
            const before = await emitConfigUpdated();
            await waitFor('the event before the restart', () => runs.includes(before), WAIT);
            await waitFor('the cursor to reach the event before the restart', async () => (await store.getCursor(`ingest:${net.fixtures!.programAddress}`))?.signature === before, WAIT);
            await first.stop();
            const whileDown = [await emitConfigUpdated(), await emitConfigUpdated()];
            const second = makeWorker(store, { owner: 'after' });
            second.handle('ConfigUpdated', 'record', ({ event }) => void runs.push(event.signature));
            await second.start();
            await waitFor('the events sent while no worker ran', () => whileDown.every(s => runs.includes(s)), WAIT);
            await new Promise(r => setTimeout(r, 200));
            expect(runs.filter(s => s === before)).toHaveLength(1);
            for (const s of whileDown) expect(runs.filter(x => x === s)).toHaveLength(1);
            await second.stop();
        } finally {
            await store.close();
        }
    });
});
