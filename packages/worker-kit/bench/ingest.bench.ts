/**
 * Worker ingestion throughput per adapter: decode + persist + handler, end to end through the
 * worker's own code, as events per second and as a ratio against decoding alone (the CPU-only
 * ceiling) measured in the same run.
 *
 *     pnpm bench ingest        (BENCH_EVENTS=20000 to change the events per adapter;
 *                               BENCH_MODES=jobs,raw,projection to run some of the three modes)
 *
 * The logs are real: 100 `update_config` transactions with 10 instructions each run on the
 * reference program in `@raffle/localnet` (LiteSVM), so each carries 10 `ConfigUpdated`
 * events. The benchmark hands them to `worker.ingestTransactions` (as a webhook or a Geyser
 * stream would) in batches of 100 transactions, one batch at a time, each round under
 * fresh signatures so that every event is new. The worker (decoder: the raffle IDL compiled by
 * `createEventDecoderTableFromIdl`; `role: 'jobs-only'`, so no RPC on
 * the hot path) extracts and decodes the events, records them in the inbox, enqueues one
 * handler job per event, claims the jobs, reads the events back, runs the handler (a counter)
 * and completes the jobs. The clock stops when the handler has run for every event.
 *
 * Memory and PostgreSQL run a second time with `storeDecodedFields: false` (the inbox keeps the
 * raw payload only).
 *
 * Every adapter runs a third time with a batch projection instead of the handler: a read model
 * (tickets per fee: read the counters of the batch's fees, add, write) written in the step that
 * records the events; no job. The clock stops when the last batch is recorded.
 *
 * Targets (issue 15): durable jobs >= 100,000 events/s in memory, >= 15,000 on PostgreSQL;
 * projections >= 150,000 in memory, >= 25,000 on PostgreSQL.
 */
import type { RWA_RAFFLE_EVENTS } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';

import { createEventDecoder, createEventDecoderTableFromIdl, createWorker, type EventMapOf, extractProgramEvents, type ObservedTransaction } from '../src/index';
import { benchAdapters } from './adapters';
import { freshSignature, makeTemplates } from './templates';

const EVENTS = Math.max(1_000, Number(process.env.BENCH_EVENTS ?? 20_000));
const TX_PER_BATCH = 100;
/** Batches handed over at once: 1, as a stream delivers them (2: about 10% slower, 4: 20%, 8: 25%, on two cores). */
const IN_FLIGHT = 1;

// -- real logs ---------------------------------------------------------------------------------

const { net, rpc, rpcSubscriptions, templates, eventsPerTx } = await makeTemplates();
const f = net.fixtures!;

// -- baseline: decoding alone --------------------------------------------------------------------

// The typed raffle table compiled from the IDL (the fast decoder; see the decode benchmark).
const table = createEventDecoderTableFromIdl<EventMapOf<typeof RWA_RAFFLE_EVENTS>>(rwaRaffleIdl);
const decoder = createEventDecoder(table);
function decodeOnlyPerSecond(): number {
    const rounds = Math.ceil(EVENTS / (templates.length * eventsPerTx));
    let n = 0;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
        for (const { logs } of templates) {
            for (const e of extractProgramEvents(logs, f.programAddress).events) {
                if (decoder.decode(e.base64).kind === 'decoded') n++;
            }
        }
    }
    return n / ((performance.now() - t0) / 1000);
}
decodeOnlyPerSecond(); // warm-up
const baseline = decodeOnlyPerSecond();

// -- the worker, per adapter ----------------------------------------------------------------------

const { adapters, cleanup } = await benchAdapters();
const rows: { adapter: string; events: number; seconds: number; perSecond: number }[] = [];
try {
    // Every adapter with the defaults; memory and PostgreSQL also without the decoded fields in the inbox.
    const modes = new Set((process.env.BENCH_MODES ?? 'jobs,raw,projection').split(','));
    const runs = adapters.flatMap(adapter => [
        ...(modes.has('jobs') ? [{ adapter, storeDecodedFields: true, projection: false }] : []),
        ...(modes.has('raw') && (adapter.name === 'memory' || adapter.name === 'postgres') ? [{ adapter, storeDecodedFields: false, projection: false }] : []),
        ...(modes.has('projection') ? [{ adapter, storeDecodedFields: true, projection: true }] : []),
    ]);
    for (const { adapter, storeDecodedFields, projection } of runs) {
        const label = projection ? `${adapter.name}, projection` : storeDecodedFields ? adapter.name : `${adapter.name}, storeDecodedFields: false`;
        const store = adapter.open(projection ? 'ingest_projection' : storeDecodedFields ? 'ingest' : 'ingest_raw');
        await store.ready();
        const worker = createWorker({
            rpc,
            rpcSubscriptions,
            store,
            programAddress: f.programAddress,
            decoder: table,
            role: 'jobs-only',
            concurrency: 1_000,
            pollMs: 5,
            retry: { inProcessRetries: 0 },
            storeDecodedFields,
        });
        let handled = 0;
        let resolveAll!: () => void;
        const all = new Promise<void>(resolve => (resolveAll = resolve));
        const target = Math.ceil(EVENTS / (TX_PER_BATCH * eventsPerTx)) * TX_PER_BATCH * eventsPerTx;
        if (projection) {
            worker.project('tickets-per-fee', {
                events: ['ConfigUpdated'],
                apply: async (batch, state) => {
                    const perFee = new Map<string, number>();
                    for (const e of batch) perFee.set(String(e.data.feeBps), (perFee.get(String(e.data.feeBps)) ?? 0) + 1);
                    const keys = [...perFee.keys()];
                    const current = await state.getMany(keys);
                    keys.forEach((k, i) => state.set(k, ((current[i] as number | null) ?? 0) + perFee.get(k)!));
                    handled += batch.length;
                    if (handled === target) resolveAll();
                },
            });
        } else {
            worker.handle('ConfigUpdated', 'count', () => {
                if (++handled === target) resolveAll();
            });
        }
        const failures: Error[] = [];
        worker.events.on('handler:failed', ({ error }) => failures.push(error));
        worker.events.on('worker:error', ({ error }) => failures.push(error));
        await worker.start();
        const batches: ObservedTransaction[][] = [];
        for (let b = 0; b < target / (TX_PER_BATCH * eventsPerTx); b++) {
            batches.push(Array.from({ length: TX_PER_BATCH }, (_, i) => ({ ...templates[i % templates.length]!, signature: freshSignature(), err: null })));
        }
        const t0 = performance.now();
        let next = 0;
        await Promise.all(
            Array.from({ length: IN_FLIGHT }, async () => {
                while (next < batches.length) await worker.ingestTransactions(batches[next++]!);
            }),
        );
        const timeout = setTimeout(() => failures.push(new Error(`timed out with ${handled}/${target} handled`)), 120_000);
        await Promise.race([all, new Promise<void>(resolve => setInterval(() => failures.length > 0 && resolve(), 100).unref())]);
        clearTimeout(timeout);
        const seconds = (performance.now() - t0) / 1000;
        await worker.stop();
        await store.close();
        if (failures.length > 0) throw new Error(`${label}: ${failures[0]!.message}`);
        rows.push({ adapter: label, events: target, seconds, perSecond: target / seconds });
    }
} finally {
    await cleanup();
    await net.stop();
}

const targets: Record<string, number> = { memory: 100_000, postgres: 15_000 };
const projectionTargets: Record<string, number> = { memory: 150_000, postgres: 25_000 };
const targetOf = (label: string): number | undefined => (label.endsWith(', projection') ? projectionTargets : targets)[label.split(',')[0]!];
console.table([
    { task: 'decode only (baseline)', 'events/s': Math.round(baseline), events: '-', seconds: '-', 'vs decode only': '1.000x', target: '-' },
    ...rows.map(r => ({
        task: `worker, ${r.adapter}`,
        'events/s': Math.round(r.perSecond),
        events: r.events,
        seconds: r.seconds.toFixed(2),
        'vs decode only': `${(r.perSecond / baseline).toFixed(3)}x`,
        target: targetOf(r.adapter) ? `>= ${targetOf(r.adapter)!.toLocaleString('en-US')}: ${r.perSecond >= targetOf(r.adapter)! ? 'met' : 'NOT met'}` : '-',
    })),
]);
process.exit(0);
