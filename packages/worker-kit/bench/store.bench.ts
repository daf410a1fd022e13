/**
 * Worker store throughput for the worker's hot path, per adapter, as ratios against the
 * in-memory adapter measured in the same run.
 *
 *     npx tsx packages/worker-kit/bench/store.bench.ts
 *
 * One iteration = what the worker does for one new chain event: record it in the inbox
 * (insert-if-absent), record it again (the duplicate a backfill delivers), enqueue its job,
 * claim one job, complete it. Five store calls.
 *
 * Adapters: memory; sqlite (the embedded default, `synchronous=FULL`, a file in the OS temp
 * dir); pglite (data directory in the OS temp dir); postgres (RAFFLE_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a
 * throwaway schema) and redis (RAFFLE_TEST_REDIS_URL, default redis://127.0.0.1:6379, under a
 * throwaway key prefix); each is skipped with a message when unreachable.
 */
import { randomBytes } from 'node:crypto';

import { Bench } from 'tinybench';

import { benchAdapters } from './adapters';

const tag = randomBytes(4).toString('hex');
const { adapters, cleanup } = await benchAdapters();
const LABELS: Partial<Record<(typeof adapters)[number]['name'], string>> = { sqlite: 'sqlite (embedded default, synchronous=FULL)', pglite: 'pglite (data dir)' };
const stores = adapters.map(a => ({ name: LABELS[a.name] ?? a.name, store: a.open('store') }));
for (const { store } of stores) await store.ready();

const bench = new Bench({ name: 'worker store: inbox + job mix', time: 2_000, warmup: true, warmupTime: 300 });
for (const { name, store } of stores) {
    let n = 0;
    bench.add(name, async () => {
        const i = n++;
        const event = { signature: `sig-${tag}-${i}`, instructionIndex: 0, eventIndex: 0, slot: BigInt(i), name: 'ThresholdReached', data: { raffle: `R${i}` } };
        await store.recordEvents([event]);
        await store.recordEvents([event]);
        await store.enqueueJob({ id: `draw-${tag}-${i}`, name: 'draw', payload: { raffle: `R${i}` } });
        const [job] = await store.claimJobs({ owner: 'bench', limit: 1, leaseMs: 30_000 });
        if (!job) throw new Error(`${name}: no job claimed`);
        if ((await store.completeJobs({ ids: [job.id], owner: 'bench' })).length !== 1) throw new Error(`${name}: completion lost`);
    });
}

try {
    await bench.run();
    const rows = bench.tasks.map(task => {
        const result = task.result;
        if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
        return { name: task.name, perSecond: result.throughput.mean, meanMicros: result.latency.mean * 1000 };
    });
    const base = rows[0]!.perSecond;
    console.table(
        rows.map(r => ({
            adapter: r.name,
            'mixes/s': Math.round(r.perSecond),
            'store calls/s': Math.round(r.perSecond * 5),
            'mean µs/mix': r.meanMicros.toFixed(0),
            'vs memory': `${(r.perSecond / base).toFixed(4)}x`,
        })),
    );
} finally {
    for (const { store } of stores) await store.close();
    await cleanup();
}
