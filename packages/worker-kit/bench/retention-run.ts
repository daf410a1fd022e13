/**
 * One run of the retention benchmark (`retention.bench.ts` starts it as a child process): a
 * worker on one adapter ingests RUN_EVENTS events from the template logs in RUN_TEMPLATES, with
 * retention (RUN_RETENTION=1) or without, and prints one JSON line: throughput, RSS over the run,
 * jobs left and the store's size at the end. Prints nothing when the adapter is not reachable.
 */
import { readFileSync } from 'node:fs';

import type { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';
import { address, createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

import { createEventDecoderTableFromIdl, createWorker, type EventMapOf, type ObservedTransaction } from '../src/index';
import { benchAdapters } from './adapters';
import { freshSignature } from './templates';

/** What one run prints. */
export interface RetentionRunResult {
    readonly events: number;
    readonly perSecond: number;
    readonly startRssMb: number;
    readonly peakRssMb: number;
    /** RSS after 10%, 50% and 100% of the events. */
    readonly rssAtMb: readonly number[];
    /** The JS heap in use after a full collection at the same points (needs `--expose-gc`, else empty). */
    readonly heapAtMb: readonly number[];
    readonly storageBytes: number | null;
    readonly jobs: number;
}

const TX_PER_BATCH = 100;
const PRUNE_EVERY_BATCHES = 20;
const FORK_WINDOW = 10;
const MB = 1024 * 1024;

const events = Number(process.env.RUN_EVENTS);
const retention = process.env.RUN_RETENTION === '1';
const input = JSON.parse(readFileSync(process.env.RUN_TEMPLATES!, 'utf8')) as { programAddress: string; templates: { logs: string[]; slot: string }[] };
const programAddress = address(input.programAddress);
const templates = input.templates;
const eventsPerTx = 10;
const perBatch = TX_PER_BATCH * eventsPerTx;

const { adapters, cleanup } = await benchAdapters();
const adapter = adapters[0];
if (!adapter) {
    await cleanup();
    process.exit(0);
}
const label = retention ? 'retention_on' : 'retention_off';
try {
    const store = adapter.open(label);
    await store.ready();
    // Never called: the worker is jobs-only and the logs come with the transactions.
    const rpc = createSolanaRpc('http://127.0.0.1:9');
    const rpcSubscriptions = createSolanaRpcSubscriptions('ws://127.0.0.1:9');
    const worker = createWorker({
        rpc,
        rpcSubscriptions,
        store,
        programAddress,
        decoder: createEventDecoderTableFromIdl<EventMapOf<typeof RWA_RAFFLE_EVENTS>>(rwaRaffleIdl),
        role: 'jobs-only',
        concurrency: 1_000,
        pollMs: 5,
        retry: { inProcessRetries: 0 },
        ingestion: { forkWindowSlots: FORK_WINDOW },
        retention: retention ? { jobs: { completedAfterMs: 0 }, events: { afterMs: 0 }, maxBatchesPerPass: 1_000 } : false,
    });
    let handled = 0;
    let waiting: { upTo: number; resolve: () => void } | null = null;
    worker.handle('ConfigUpdated', 'count', () => {
        handled++;
        if (waiting && handled >= waiting.upTo) waiting.resolve();
    });
    const failures: Error[] = [];
    worker.events.on('handler:failed', ({ error }) => failures.push(error));
    worker.events.on('worker:error', ({ error }) => failures.push(error));
    await worker.start();
    const handledUpTo = (upTo: number) =>
        handled >= upTo
            ? Promise.resolve()
            : new Promise<void>((resolve, reject) => {
                  const timer = setTimeout(() => reject(new Error(`timed out with ${handled}/${upTo} handled`)), 120_000);
                  waiting = { upTo, resolve: () => (clearTimeout(timer), (waiting = null), resolve()) };
              });
    const batches = Math.ceil(events / perBatch);
    const cursorName = `ingest:${programAddress}`;
    const startRss = process.memoryUsage().rss;
    let peakRss = startRss;
    const rssAt: number[] = [];
    const heapAt: number[] = [];
    const gc = (globalThis as { gc?: () => void }).gc;
    const marks = new Set([Math.ceil(batches / 10), Math.ceil(batches / 2), batches]);
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
        const slot = BigInt(1_000 + b);
        const batch: ObservedTransaction[] = Array.from({ length: TX_PER_BATCH }, (_, i) => ({ logs: templates[i % templates.length]!.logs, slot, signature: freshSignature(), err: null, commitment: 'finalized' }));
        await worker.ingestTransactions(batch);
        await store.setCursor({ name: cursorName, slot, signature: batch[batch.length - 1]!.signature });
        if (retention && (b + 1) % PRUNE_EVERY_BATCHES === 0) {
            await handledUpTo((b + 1) * perBatch);
            await worker.prune();
            await adapter.maintain?.(label);
        }
        if (failures.length > 0) throw failures[0];
        const rss = process.memoryUsage().rss;
        peakRss = Math.max(peakRss, rss);
        if (marks.has(b + 1)) {
            rssAt.push(rss / MB);
            if (gc) {
                gc();
                heapAt.push(process.memoryUsage().heapUsed / MB);
            }
        }
    }
    await handledUpTo(batches * perBatch);
    const seconds = (performance.now() - t0) / 1000;
    if (retention) {
        await worker.prune();
        await adapter.maintain?.(label);
    }
    await worker.stop();
    const jobs = await store.countJobs();
    await store.close();
    const storageBytes = adapter.storage ? await adapter.storage(label) : null;
    const result: RetentionRunResult = { events: batches * perBatch, perSecond: (batches * perBatch) / seconds, startRssMb: startRss / MB, peakRssMb: peakRss / MB, rssAtMb: rssAt, heapAtMb: heapAt, storageBytes, jobs };
    console.log(JSON.stringify(result));
} finally {
    await cleanup();
}
process.exit(0);
