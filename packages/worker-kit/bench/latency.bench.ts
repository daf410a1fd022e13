/**
 * Confirmed-to-handler latency: from the moment `@raffle/localnet` confirms a transaction (its
 * ledger's `commitment` event, in this process) to the moment the worker's handler runs for the
 * transaction's event, p50 / p99 / max, per adapter. Baseline in the same run: the same moment to
 * the arrival of the raw `logsNotifications` message at a plain kit subscription (the transport's
 * own latency, websocket included).
 *
 *     pnpm bench latency        (BENCH_SAMPLES=200 to change the samples per adapter)
 *
 * Each sample is one real `update_config` transaction (one `ConfigUpdated` event) sent over
 * HTTP; the next one is sent after the handler ran. The worker runs with its live subscription
 * (backfill every 5 s as by default) and the handler asks for `confirmed` events.
 *
 * Targets (issue 8): p50 < 20 ms, p99 < 100 ms.
 */
import { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { startLocalnet } from '@raffle/localnet';
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

import { sendConfigUpdates } from '../src/__tests__/fixtures/config-updates';
import { createWorker } from '../src/index';
import { benchAdapters } from './adapters';

const SAMPLES = Math.max(20, Number(process.env.BENCH_SAMPLES ?? 200));

const net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 32, fixtures: { wallets: 1, prizeNfts: 0 }, onError: () => undefined });
const rpc = createSolanaRpc(net.rpcUrl);
const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
const f = net.fixtures!;

const confirmedAt = new Map<string, number>();
net.ledger.events.on('commitment', ({ commitment, records }) => {
    if (commitment !== 'confirmed') return;
    const now = performance.now();
    for (const r of records) if (!confirmedAt.has(r.signature)) confirmedAt.set(r.signature, now);
});

// The baseline: a plain subscription in the same process.
const rawAt = new Map<string, number>();
const rawAbort = new AbortController();
const raw = await rpcSubscriptions.logsNotifications({ mentions: [f.programAddress] }, { commitment: 'confirmed' }).subscribe({ abortSignal: rawAbort.signal });
void (async () => {
    try {
        for await (const n of raw) rawAt.set(n.value.signature, performance.now());
    } catch {
        // aborted at the end
    }
})();

let fee = 0;
function sendOne(): Promise<string> {
    return sendConfigUpdates(rpc, f, [fee++ % 1000]);
}

function percentile(sorted: readonly number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const { adapters, cleanup } = await benchAdapters();
const rows: Record<string, string | number>[] = [];
const rawLatencies: number[] = [];
try {
    for (const adapter of adapters) {
        const store = adapter.open('latency');
        await store.ready();
        const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress: f.programAddress, decoder: RWA_RAFFLE_EVENTS, pollMs: 500 });
        const handledAt = new Map<string, number>();
        const waiters = new Map<string, () => void>();
        worker.handle('ConfigUpdated', 'latency', ({ event }) => {
            handledAt.set(event.signature, performance.now());
            waiters.get(event.signature)?.();
        });
        const connected = new Promise(resolve => worker.events.once('ingest:connected', resolve));
        await worker.start();
        await connected;
        await new Promise(resolve => setTimeout(resolve, 300)); // the first backfill pass
        const latencies: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
            const signature = await sendOne();
            const seen = new Promise<void>(resolve => waiters.set(signature, resolve));
            if (handledAt.has(signature)) waiters.get(signature)!();
            const timer = setTimeout(() => waiters.get(signature)?.(), 5_000);
            await seen;
            clearTimeout(timer);
            waiters.delete(signature);
            const confirmed = confirmedAt.get(signature);
            const handled = handledAt.get(signature);
            if (confirmed === undefined || handled === undefined) throw new Error(`${adapter.name}: sample ${i} was not handled within 5 s`);
            latencies.push(handled - confirmed);
            const rawSeen = rawAt.get(signature);
            if (rawSeen !== undefined) rawLatencies.push(rawSeen - confirmed);
        }
        await worker.stop();
        await store.close();
        latencies.sort((a, b) => a - b);
        rows.push({
            task: `worker handler, ${adapter.name}`,
            samples: latencies.length,
            'p50 ms': percentile(latencies, 50).toFixed(2),
            'p99 ms': percentile(latencies, 99).toFixed(2),
            'max ms': latencies[latencies.length - 1]!.toFixed(2),
        });
    }
} finally {
    rawAbort.abort();
    await cleanup();
    await net.stop();
}
rawLatencies.sort((a, b) => a - b);
const rawP50 = percentile(rawLatencies, 50);
console.table([
    { task: 'raw logsNotifications (baseline)', samples: rawLatencies.length, 'p50 ms': rawP50.toFixed(2), 'p99 ms': percentile(rawLatencies, 99).toFixed(2), 'max ms': rawLatencies[rawLatencies.length - 1]!.toFixed(2), 'p50 vs raw': '1.0x' },
    ...rows.map(r => ({ ...r, 'p50 vs raw': `${(Number(r['p50 ms']) / rawP50).toFixed(1)}x` })),
]);
console.log('targets: p50 < 20 ms, p99 < 100 ms');
process.exit(0);
