/**
 * `worker.ingestTransactions`: transactions delivered by another source (webhook, Geyser) are
 * recorded once, with the worker's own ingestion finding the same events later and doing
 * nothing more. Real logs from the reference program on `@raffle/localnet`.
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__STATE_INVALID, isRaffleError } from '@raffle/errors';
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { type Localnet, startLocalnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import { createWorker } from '../../worker';
import { sendConfigUpdates, type TransactionLogs, waitForTransactionLogs } from '../fixtures/config-updates';

let net: Localnet;
let rpc: ReturnType<typeof createSolanaRpc>;
let rpcSubscriptions: ReturnType<typeof createSolanaRpcSubscriptions>;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 3, fixtures: { wallets: 1, prizeNfts: 0 }, onError: () => undefined });
    rpc = createSolanaRpc(net.rpcUrl);
    rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
});
afterAll(async () => {
    await net?.stop();
});

/** Sends one transaction with `fees.length` update_config instructions; returns what a webhook would deliver. */
async function observeConfigUpdates(fees: number[]): Promise<TransactionLogs> {
    return waitForTransactionLogs(rpc, await sendConfigUpdates(rpc, net.fixtures!, fees));
}

describe('worker.ingestTransactions', () => {
    it('records pushed transactions once; the worker’s own ingestion then adds nothing; failed transactions are ignored', async () => {
        const store = createMemoryWorkerStore();
        // Live ingestion off and backfill rare: the pushed copy arrives first.
        const worker = createWorker({
            rpc, rpcSubscriptions, store, programAddress: net.fixtures!.programAddress, decoder: RWA_RAFFLE_EVENTS, pollMs: 10,
            ingestion: { disableLive: true, backfillIntervalMs: 60_000, startFrom: 'latest' },
        });
        const seen: { signature: string; fee: number; eventIndex: number; instructionIndex: number }[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) =>
            void seen.push({ signature: event.signature, fee: event.data.feeBps, eventIndex: event.eventIndex, instructionIndex: event.instructionIndex }),
        );
        const backfilled = new Promise(r => worker.events.once('ingest:backfilled', r));
        await worker.start();
        await backfilled; // the cursor now points at the newest transaction before ours
        try {
            const pushed = await observeConfigUpdates([501, 502, 503]);
            const result = await worker.ingestTransactions([pushed, { ...pushed }]);
            expect(result).toEqual({ events: 6, truncated: 0 });
            await waitFor('the handlers of the three events', () => seen.length >= 3);
            expect(seen.map(s => [s.fee, s.instructionIndex, s.eventIndex])).toEqual([
                [501, 0, 0],
                [502, 1, 0],
                [503, 2, 0],
            ]);
            // A failed transaction's events were rolled back: never recorded.
            const failedCopy = { ...(await observeConfigUpdates([504])), err: { InstructionError: [0, 'Custom'] } };
            expect(await worker.ingestTransactions([failedCopy])).toEqual({ events: 0, truncated: 0 });
            // The worker's own backfill finds the same transactions: nothing is delivered twice.
            await worker.stop();
            const again = createWorker({
                rpc, rpcSubscriptions, store, programAddress: net.fixtures!.programAddress, decoder: RWA_RAFFLE_EVENTS, pollMs: 10,
                ingestion: { disableLive: true, backfillIntervalMs: 50 },
            });
            again.handle('ConfigUpdated', 'record', ({ event }) =>
                void seen.push({ signature: event.signature, fee: event.data.feeBps, eventIndex: event.eventIndex, instructionIndex: event.instructionIndex }),
            );
            const cursorPassed = new Promise<void>(resolve =>
                again.events.on('cursor:advanced', ({ signature }) => signature === failedCopy.signature && resolve()),
            );
            await again.start();
            await cursorPassed;
            await new Promise(r => setTimeout(r, 100));
            await again.stop();
            expect(seen.filter(s => s.signature === pushed.signature)).toHaveLength(3);
            // The backfill recorded the (actually successful) 504 transaction itself, once.
            expect(seen.filter(s => s.signature === failedCopy.signature).map(s => s.fee)).toEqual([504]);
        } finally {
            await worker.stop();
        }
    });

    it('runs the jobs of the events it records itself (created claimed, no claim, no read-back) when it has room, else queues them', async () => {
        const store = createMemoryWorkerStore();
        // Count the store calls the direct path saves (a proxy keeps the store's own `this`).
        const calls = { claimed: 0, read: 0 };
        const counted = new Proxy(store, {
            get(target, key) {
                const value = Reflect.get(target, key) as unknown;
                if (typeof value !== 'function') return value;
                if (key === 'claimJobs') return async (input: Parameters<typeof store.claimJobs>[0]) => {
                    const jobs = await store.claimJobs(input);
                    calls.claimed += jobs.length;
                    return jobs;
                };
                if (key === 'getEvents') return async (keys: Parameters<typeof store.getEvents>[0]) => {
                    calls.read += keys.length;
                    return store.getEvents(keys);
                };
                return (value as (...args: unknown[]) => unknown).bind(target);
            },
        });
        const worker = createWorker({
            rpc, rpcSubscriptions, store: counted, programAddress: net.fixtures!.programAddress, decoder: RWA_RAFFLE_EVENTS,
            role: 'jobs-only', concurrency: 2, pollMs: 10,
        });
        const held: (() => void)[] = [];
        const fees: number[] = [];
        worker.handle('ConfigUpdated', 'hold', ({ event }) => new Promise<void>(resolve => {
            fees.push(event.data.feeBps);
            held.push(resolve);
        }));
        await worker.start();
        const tx = await observeConfigUpdates([601, 602, 603]);
        try {
            await new Promise(r => setTimeout(r, 50)); // the runner's first claim found the queue empty
            await worker.ingestTransactions([tx]);
            // Two slots: two events run at once, claimed as they were enqueued; the third waits in the queue.
            await waitFor('two events to run at once', () => fees.length === 2);
            const [first, second, third] = await Promise.all([0, 1, 2].map(i => store.getJob(`${tx.signature}:${i}:0:hold`)));
            expect([first?.status, second?.status, third?.status]).toEqual(['running', 'running', 'pending']);
            expect(first).toMatchObject({ attempts: 1, leaseOwner: worker.owner });
            expect(calls).toEqual({ claimed: 0, read: 0 });
            held.splice(0).forEach(r => r());
            await waitFor('the queued third event to run', () => fees.length === 3);
            expect(calls).toEqual({ claimed: 1, read: 1 }); // the queued one went the usual way
            held.splice(0).forEach(r => r());
            expect(fees.sort()).toEqual([601, 602, 603]);
        } finally {
            held.forEach(r => r());
            await worker.stop();
        }
        for (let i = 0; i < 3; i++) expect((await store.getJob(`${tx.signature}:${i}:0:hold`))?.status).toBe('completed');
    });

    it('with storeDecodedFields: false keeps only the raw payload in the inbox; handlers still get typed data', async () => {
        const run = async (storeDecodedFields: boolean | undefined) => {
            const store = createMemoryWorkerStore();
            const worker = createWorker({
                rpc, rpcSubscriptions, store, programAddress: net.fixtures!.programAddress, decoder: RWA_RAFFLE_EVENTS,
                role: 'jobs-only', pollMs: 10, ...(storeDecodedFields === undefined ? {} : { storeDecodedFields }),
            });
            const fees: number[] = [];
            worker.handle('ConfigUpdated', 'fee', ({ event }) => void fees.push(event.data.feeBps));
            await worker.start();
            try {
                await worker.ingestTransactions([await observeConfigUpdates([701])]);
                await waitFor('the handler to run', () => fees.length === 1);
            } finally {
                await worker.stop();
            }
            const [stored] = await store.listEvents({});
            return { fees, data: stored!.data as { fields?: { fee_bps?: number; feeBps?: number }; raw?: string } };
        };
        const lean = await run(false);
        expect(lean.fees).toEqual([701]);
        expect(Object.keys(lean.data)).toEqual(['raw']);
        const full = await run(undefined); // the default keeps the fields
        expect(full.fees).toEqual([701]);
        expect(Object.keys(full.data).sort()).toEqual(['fields', 'raw']);
        expect(typeof lean.data.raw).toBe('string');
    });

    it('rejects hostile input with typed errors and refuses after stop', async () => {
        const store = createMemoryWorkerStore();
        const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: net.fixtures!.programAddress, decoder: RWA_RAFFLE_EVENTS, role: 'jobs-only' });
        const good = { signature: '5'.repeat(88), slot: 1n, logs: [], err: null };
        const bad: unknown[] = [
            [{ ...good, signature: 'not base58 0OIl' }],
            [{ ...good, slot: 1 }],
            [{ ...good, slot: -1n }],
            [{ ...good, logs: [1] }],
            [{ signature: good.signature, slot: 1n, logs: [] }],
            [{ ...good, commitment: 'processed' }],
            [null],
            'x',
        ];
        for (const input of bad) {
            const error = await worker.ingestTransactions(input as never).catch((e: unknown) => e);
            expect(isRaffleError(error, RAFFLE_ERROR__INVALID_ARGUMENT), String(error)).toBe(true);
        }
        expect(await worker.ingestTransactions([good])).toEqual({ events: 0, truncated: 0 });
        await worker.start();
        await worker.stop();
        const error = await worker.ingestTransactions([good]).catch((e: unknown) => e);
        expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STATE_INVALID)).toBe(true);
    });
});
