/**
 * Chaos: websocket drops and 429/503 faults (localnet fault injection) during 5,000 events:
 * nothing missed, nothing doubled.
 *
 * A real `@raffle/localnet` (LiteSVM behind JSON-RPC over HTTP and PubSub over websockets, the
 * reference program) receives 500 transactions of 10 `update_config` instructions each (10
 * `ConfigUpdated` events per transaction, every one with its own `feeBps`), several in flight,
 * while a seeded schedule injects faults: HTTP 429/503 on a fraction of the worker's RPC calls
 * (with delays now and then), dropped websockets, periods in which websockets are refused,
 * dropped notifications. Then the faults are cleared and the worker must catch up: every event
 * delivered to its handler exactly once with the data of its instruction, the finalized notice
 * exactly once, nothing retracted or dead-lettered, the cursor on the last transaction. Runs on
 * the in-memory store and on PostgreSQL (a schema of its own, dropped afterwards; skipped with a
 * message when unreachable, failing under CI=true).
 *
 * Also: a worker started on a program without finalized history stores where its history starts
 * before it observes anything, so what happens while the RPC fails right after the start is not
 * skipped (it was: a later "latest" lookup moved the start past it).
 */
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { type Localnet, startLocalnet } from '@raffle/localnet';
import { type Blockhash, createSolanaRpc, createSolanaRpcSubscriptions, type Signature } from '@solana/kit';
import { afterAll, describe, expect, it } from 'vitest';

import { createMemoryWorkerStore } from '../../store/memory/index';
import { createPostgresWorkerStore } from '../../store/postgres/index';
import type { WorkerStore } from '../../store/types';
import { createWorker } from '../../worker';
import { seededRandom } from '../fixtures/chaos';
import { sendConfigUpdates } from '../fixtures/config-updates';
import { DATABASE_URL, fileTag, PgAdmin, skipPostgres } from '../services';

const TRANSACTIONS = 500;
const EVENTS_PER_TRANSACTION = 10;
const EVENTS = TRANSACTIONS * EVENTS_PER_TRANSACTION;
/** Transactions in flight at once. */
const IN_FLIGHT = 6;
/** Each sender pauses this long between its transactions, so that the faults last ~10 s. */
const PACE_MS = 100;
/** A new fault step every this many transactions. */
const STEP_EVERY = 20;
const SEED = 0xc4a05;
/** Every method the worker calls over HTTP (ingestion, finality, status, effects). Sending is not faulted. */
const WORKER_METHODS = ['getSignaturesForAddress', 'getTransaction', 'getSignatureStatuses', 'getSlot', 'getBlockHeight'];
/** How long the worker may take to catch up once the faults stop. */
const CATCH_UP_MS = 60_000;

const skipPg = await skipPostgres();
const tag = `wk_chaos_faults_${fileTag()}`;
let admin: PgAdmin | null = null;
let schemas = 0;

afterAll(async () => {
    if (!admin) return;
    await admin.dropSchemasLike(tag);
    await admin.close();
});

/** The fee of event `n` (0-based over the run): unique, within the program's bound (10,000 bps). */
const feeOf = (n: number) => 1 + n;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns a value, at most `ms` (and 100,000 rounds). */
async function within<T>(what: string, ms: number, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
    const end = Date.now() + ms;
    for (let i = 0; i < 100_000; i++) {
        const value = await check();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > end) break;
        await sleep(50);
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

interface StoreCase {
    readonly name: string;
    readonly skip: boolean;
    open(): Promise<{ store: WorkerStore; close: () => Promise<void> }>;
}

const STORES: StoreCase[] = [
    {
        name: 'memory',
        skip: false,
        open: async () => ({ store: createMemoryWorkerStore(), close: async () => undefined }),
    },
    {
        name: 'postgres',
        skip: skipPg,
        open: async () => {
            admin ??= new PgAdmin();
            const schema = `${tag}_${++schemas}`;
            const applicationName = schema.replaceAll('_', '-');
            const store = createPostgresWorkerStore({ connectionString: DATABASE_URL, schema, poolConfig: { application_name: applicationName, max: 8 } });
            await store.ready();
            return {
                store,
                close: async () => {
                    await store.close();
                    await admin!.assertNoConnections(applicationName);
                    await admin!.dropSchema(schema);
                },
            };
        },
    },
];

/** One `update_config` transaction with the given fees, sent over HTTP; returns its signature. */
function sendUpdateConfig(
    net: Localnet,
    rpc: ReturnType<typeof createSolanaRpc>,
    fees: readonly number[],
    options: { blockhash?: { blockhash: Blockhash; lastValidBlockHeight: bigint }; onSigned?: (signature: string) => void } = {},
): Promise<string> {
    return sendConfigUpdates(rpc, net.fixtures!, fees, {
        lifetime: options.blockhash,
        beforeSend: options.onSigned,
        sendOptions: { preflightCommitment: 'confirmed' },
    });
}

describe('chaos: the start of history', () => {
    it('a program without finalized history: what happens while the RPC fails after the start is not skipped', async () => {
        const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 3, fixtures: { wallets: 1, prizeNfts: 0 }, onError: () => undefined });
        const rpc = createSolanaRpc(net.rpcUrl);
        const store = createMemoryWorkerStore();
        const worker = createWorker({
            rpc,
            rpcSubscriptions: createSolanaRpcSubscriptions(net.wsUrl),
            store,
            programAddress: net.fixtures!.programAddress,
            decoder: RWA_RAFFLE_EVENTS,
            pollMs: 10,
            ingestion: { backfillIntervalMs: 50, finalityIntervalMs: 50, reconnectBackoff: { minMs: 20, maxMs: 100 } },
        });
        const seen: string[] = [];
        worker.handle('ConfigUpdated', 'record', ({ event }) => void seen.push(event.signature));
        try {
            expect(await rpc.getSignaturesForAddress(net.fixtures!.programAddress, { commitment: 'finalized' }).send()).toEqual([]);
            const connected = new Promise(r => worker.events.once('ingest:connected', r));
            await worker.start();
            await connected;
            // "latest" is stored before anything is observed, also when there is no history yet (whole history).
            expect(await store.getCursor(`ingest:${net.fixtures!.programAddress}`)).toMatchObject({ signature: null });
            // Live loses everything, backfill cannot list: then the transactions finalize.
            net.control.setFaults({ failureRate: 1, failureStatus: 429, methods: ['getSignaturesForAddress'], notificationDropRate: 1 });
            const sent: string[] = [];
            for (let i = 0; i < 5; i++) sent.push(await sendUpdateConfig(net, rpc, [9_000 + i]));
            await within('the transactions to finalize', 10_000, async () => {
                const { value } = await rpc.getSignatureStatuses(sent as Signature[]).send();
                return value.every(s => s?.confirmationStatus === 'finalized');
            });
            await sleep(200);
            expect(seen).toEqual([]);
            net.control.clearFaults();
            await within('every transaction delivered', 10_000, () => sent.every(s => seen.includes(s)));
            for (const s of sent) expect(seen.filter(x => x === s)).toHaveLength(1);
        } finally {
            await worker.stop();
            await net.stop();
        }
    });
});

describe('chaos: websocket drops and 429/503 faults during 5,000 events', () => {
    for (const storeCase of STORES) {
        it.skipIf(storeCase.skip)(`${storeCase.name} store: nothing missed, nothing doubled`, { timeout: 150_000 }, async () => {
            const started = Date.now();
            const net: Localnet = await startLocalnet({
                rpcPort: 0,
                slotIntervalMs: 20,
                confirmationLag: 1,
                finalizationLag: 3,
                faultSeed: SEED,
                fixtures: { wallets: 1, prizeNfts: 0 },
                onError: () => undefined,
            });
            let closeStore: (() => Promise<void>) | null = null;
            let stopWorker: (() => Promise<void>) | null = null;
            try {
                const { store, close } = await storeCase.open();
                closeStore = close;
                const rpc = createSolanaRpc(net.rpcUrl);
                const f = net.fixtures!;
                const cursorName = `ingest:${f.programAddress}`;
                const worker = createWorker({
                    rpc,
                    rpcSubscriptions: createSolanaRpcSubscriptions(net.wsUrl),
                    store,
                    programAddress: f.programAddress,
                    decoder: RWA_RAFFLE_EVENTS,
                    owner: `chaos-${storeCase.name}`,
                    concurrency: 8,
                    pollMs: 20,
                    leader: { ttlMs: 5_000, renewMs: 250 },
                    retry: { inProcessRetries: 0, backoff: { minMs: 10, maxMs: 100 } },
                    // Small pages: backfills after outages paginate. Backoff after failures up to 2 s (default 30 s).
                    ingestion: { backfillIntervalMs: 250, finalityIntervalMs: 100, pageSize: 25, reconnectBackoff: { minMs: 100, maxMs: 2_000 } },
                });
                stopWorker = () => worker.stop();

                // What the handler saw, per event id (signature:instruction:event).
                const delivered = new Map<string, number>();
                const finalized = new Map<string, number>();
                const wrongData: string[] = [];
                /** Our signatures -> index of their first event over the run. */
                const firstEventOf = new Map<string, number>();
                const reached = { delivered: 0, finalized: 0, deliveredAt: 0, finalizedAt: 0 };
                worker.handle(
                    'ConfigUpdated',
                    'record',
                    ({ event }) => {
                        delivered.set(event.id, (delivered.get(event.id) ?? 0) + 1);
                        const first = firstEventOf.get(event.signature);
                        if (first === undefined) return;
                        if (++reached.delivered === EVENTS) reached.deliveredAt = Date.now();
                        // Instruction i of a transaction emitted its own fee; the event's slot is its transaction's.
                        if (event.eventIndex !== 0 || event.data.feeBps !== feeOf(first + event.instructionIndex) || event.data.slot !== event.slot) {
                            wrongData.push(`${event.id}: feeBps ${event.data.feeBps}, slot ${event.data.slot}/${event.slot}`);
                        }
                    },
                    {
                        onFinalized: ({ event }) => {
                            finalized.set(event.id, (finalized.get(event.id) ?? 0) + 1);
                            if (firstEventOf.has(event.signature) && ++reached.finalized === EVENTS) reached.finalizedAt = Date.now();
                        },
                    },
                );
                const counters = { steps: 0, drops: 0, refusedPeriods: 0, slowPeriods: 0, connects: 0, disconnects: 0, errors: 0, backfills: 0, live: 0, backfilled: 0 };
                const lastErrors: string[] = [];
                const retracted: string[] = [];
                worker.events.on('ingest:connected', () => void counters.connects++);
                worker.events.on('ingest:disconnected', () => void counters.disconnects++);
                worker.events.on('ingest:backfilled', () => void counters.backfills++);
                const lastAt = { received: 0, finalized: 0 };
                worker.events.on('event:received', ({ source }) => {
                    lastAt.received = Date.now();
                    if (source === 'live') counters.live++;
                    else counters.backfilled++;
                });
                worker.events.on('event:finalized', () => void (lastAt.finalized = Date.now()));
                worker.events.on('event:retracted', ({ event }) => void retracted.push(event.id));
                worker.events.on('worker:error', ({ scope, error }) => {
                    counters.errors++;
                    lastErrors.push(`${scope}: ${error.message}`);
                    if (lastErrors.length > 10) lastErrors.shift();
                });

                const connected = new Promise(r => worker.events.once('ingest:connected', r));
                await worker.start();
                await connected;
                // Where history starts is durable before anything is observed (else faults at the start skip events).
                expect(await store.getCursor(cursorName)).not.toBeNull();

                // The fault schedule: a step every STEP_EVERY transactions, decided by a seeded PRNG (the same on every run).
                const random = seededRandom(SEED);
                const step = () => {
                    counters.steps++;
                    const roll = random();
                    const refuse = roll < 0.3;
                    const slow = random() < 0.3;
                    net.control.setFaults({
                        failureRate: 0.15 + random() * 0.35,
                        failureStatus: random() < 0.5 ? 429 : 503,
                        methods: WORKER_METHODS,
                        delayMs: slow ? 10 : 0,
                        jitterMs: slow ? 40 : 0,
                        notificationDropRate: random() * 0.5,
                        refuseWebsockets: refuse,
                    });
                    if (refuse) counters.refusedPeriods++;
                    if (slow) counters.slowPeriods++;
                    if (roll < 0.6) {
                        counters.drops++;
                        net.control.dropWebsockets();
                    }
                };

                // The producer: 500 transactions of 10 instructions over HTTP, IN_FLIGHT at a time.
                let blockhash: { blockhash: Blockhash; lastValidBlockHeight: bigint } | null = null;
                const sendOne = async (t: number) => {
                    if (t % STEP_EVERY === 0) step();
                    if (t % 25 === 0 || blockhash === null) blockhash = (await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send()).value;
                    const fees = Array.from({ length: EVENTS_PER_TRANSACTION }, (_, i) => feeOf(t * EVENTS_PER_TRANSACTION + i));
                    // Known before it is sent: the handler may run before sendTransaction returns.
                    await sendUpdateConfig(net, rpc, fees, { blockhash: blockhash!, onSigned: signature => firstEventOf.set(signature, t * EVENTS_PER_TRANSACTION) });
                };
                let next = 0;
                await Promise.all(
                    Array.from({ length: IN_FLIGHT }, async () => {
                        for (let i = 0; i < TRANSACTIONS && next < TRANSACTIONS; i++) {
                            await sendOne(next++);
                            await sleep(PACE_MS);
                        }
                    }),
                );
                const sentAt = Date.now();
                // The faults go on a little after the last transaction, then stop.
                await sleep(500);
                const faultStats = { ...net.control.status().faultStats };
                net.control.clearFaults();

                // The chain has our 500 transactions, all successful; the newest is the cursor's goal.
                const history = await rpc.getSignaturesForAddress(f.programAddress, { commitment: 'confirmed', limit: 1000 }).send();
                const ours = history.filter(h => firstEventOf.has(h.signature));
                expect(ours).toHaveLength(TRANSACTIONS);
                expect(ours.filter(h => h.err !== null)).toEqual([]);
                const newest = ours[0]!.signature;
                expect(history[0]!.signature).toBe(newest);
                const expectedIds = ours.flatMap(h => Array.from({ length: EVENTS_PER_TRANSACTION }, (_, i) => `${h.signature}:${i}:0`));
                expect(new Set(expectedIds).size).toBe(EVENTS);

                try {
                    await within('every event delivered and finalized, the cursor on the last transaction', CATCH_UP_MS, async () => {
                        if (!expectedIds.every(id => delivered.has(id) && finalized.has(id))) return false;
                        return (await store.getCursor(cursorName))?.signature === newest;
                    });
                } catch (e) {
                    const status = await worker.status().catch(() => null);
                    const missing = [...new Set(expectedIds.filter(id => !delivered.has(id) || !finalized.has(id)).map(id => id.split(':')[0]!))];
                    const sample = [];
                    for (const sig of missing.slice(0, 3)) {
                        const chain = (await rpc.getSignatureStatuses([sig as Signature], { searchTransactionHistory: true }).send()).value[0];
                        const inbox = await store.getEvent({ signature: sig, instructionIndex: 0, eventIndex: 0 });
                        sample.push({ sig, chain: chain?.confirmationStatus, slot: chain?.slot, inbox: inbox?.commitment ?? null, job: (await store.getJob(`${sig}:0:0:record`))?.status ?? null });
                    }
                    console.error(`[chaos:faults:${storeCase.name}] stuck`, {
                        delivered: expectedIds.filter(id => delivered.has(id)).length,
                        finalized: expectedIds.filter(id => finalized.has(id)).length,
                        missingTransactions: missing.length,
                        sample,
                        cursor: status?.cursor,
                        queue: status?.queue,
                        ingestion: status?.ingestion,
                        counters,
                        lastErrors,
                    });
                    throw e;
                }
                const caughtUpAt = Date.now();
                // Anything that would arrive twice has time to.
                await sleep(1_000);

                console.info(
                    `[chaos:faults:${storeCase.name}] ${EVENTS} events in ${TRANSACTIONS} transactions; sent in ${sentAt - started} ms; caught up ` +
                        `${caughtUpAt - sentAt} ms after the last send (all delivered +${reached.deliveredAt - sentAt} ms, all finalized notices ` +
                        `+${reached.finalizedAt - sentAt} ms; last event recorded +${lastAt.received - sentAt} ms, finalized +${lastAt.finalized - sentAt} ms); total ${Date.now() - started} ms. Injected ${JSON.stringify(faultStats)}; ` +
                        `worker ${JSON.stringify(counters)}`,
                );
                expect(expectedIds.filter(id => delivered.get(id) !== 1)).toEqual([]);
                expect(expectedIds.filter(id => finalized.get(id) !== 1)).toEqual([]);
                expect([...delivered].filter(([, n]) => n !== 1)).toEqual([]);
                expect([...finalized].filter(([, n]) => n !== 1)).toEqual([]);
                expect(wrongData).toEqual([]);
                expect(retracted).toEqual([]);
                expect(await worker.deadLetters.list({ limit: 1000 })).toEqual([]);
                expect((await store.getCursor(cursorName))?.signature).toBe(newest);
                // The faults happened, and both paths carried events.
                expect(faultStats.failedRequests).toBeGreaterThan(0);
                expect(faultStats.droppedConnections).toBeGreaterThan(0);
                expect(faultStats.droppedNotifications).toBeGreaterThan(0);
                expect(counters.disconnects).toBeGreaterThan(0);
                expect(counters.live).toBeGreaterThan(0);
                expect(counters.backfilled).toBeGreaterThan(0);
            } finally {
                await stopWorker?.();
                net.control.clearFaults();
                await closeStore?.();
                await net.stop();
            }
        });
    }
});
