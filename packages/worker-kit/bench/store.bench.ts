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
 * Adapters: memory; pglite (embedded default, data directory in the OS temp dir);
 * postgres (RAFFLE_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a
 * throwaway schema) and redis (RAFFLE_TEST_REDIS_URL, default redis://127.0.0.1:6379, under a
 * throwaway key prefix); each is skipped with a message when unreachable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';
import { Bench } from 'tinybench';

import {
    type WorkerStore,
    createMemoryWorkerStore,
    createPgliteWorkerStore,
    createPostgresWorkerStore,
    createRedisWorkerStore,
} from '../src/index';

const DATABASE_URL = process.env.RAFFLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.RAFFLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const schema = `wk_bench_${tag}`;
const keyPrefix = `raffle-bench:${tag}:`;
const dataDir = mkdtempSync(join(tmpdir(), 'raffle-bench-pglite-'));

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
    try {
        await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
        return true;
    } catch (e) {
        console.warn(`skipped: ${e instanceof Error ? e.message : String(e)}`);
        return false;
    }
}

const stores: { name: string; store: WorkerStore }[] = [
    { name: 'memory', store: createMemoryWorkerStore() },
    { name: 'pglite (embedded, data dir)', store: createPgliteWorkerStore({ dataDir }) },
];
if (await reachable(async () => {
    const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
    await c.connect();
    await c.end();
})) {
    stores.push({ name: 'postgres', store: createPostgresWorkerStore({ connectionString: DATABASE_URL, schema }) });
}
if (await reachable(async () => {
    const c = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
        await c.connect();
    } finally {
        c.disconnect();
    }
})) {
    stores.push({ name: 'redis', store: createRedisWorkerStore({ url: REDIS_URL, keyPrefix }) });
}

for (const { store } of stores) await store.ready();

const bench = new Bench({ name: 'worker store: inbox + job mix', time: 2_000, warmup: true, warmupTime: 300 });
for (const { name, store } of stores) {
    let n = 0;
    bench.add(name, async () => {
        const i = n++;
        const event = { signature: `sig-${tag}-${i}`, instructionIndex: 0, eventIndex: 0, slot: BigInt(i), name: 'ThresholdReached', data: { raffle: `R${i}` } };
        await store.recordEvent(event);
        await store.recordEvent(event);
        await store.enqueueJob({ id: `draw-${tag}-${i}`, name: 'draw', payload: { raffle: `R${i}` } });
        const [job] = await store.claimJobs({ owner: 'bench', limit: 1, leaseMs: 30_000 });
        if (!job) throw new Error(`${name}: no job claimed`);
        if (!(await store.completeJob({ id: job.id, owner: 'bench' }))) throw new Error(`${name}: completion lost`);
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
    if (stores.some(s => s.name === 'postgres')) {
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
    }
    if (stores.some(s => s.name === 'redis')) {
        const c = new Redis(REDIS_URL);
        let cursor = '0';
        for (let i = 0; i < 100_000; i++) {
            const [next, keys] = await c.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
            if (keys.length > 0) await c.del(...keys);
            cursor = next;
            if (cursor === '0') break;
        }
        await c.quit();
    }
    rmSync(dataDir, { recursive: true, force: true });
}
