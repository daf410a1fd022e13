/**
 * Retention over a long run, per adapter: the worker ingests BENCH_EVENTS events (default
 * 1,000,000) and runs a handler job for each, while retention prunes behind it; the benchmark
 * reports the throughput (against the same worker without retention, on the first 10% of the
 * events, and against decoding alone), the process RSS over the run, and the store's size at
 * the end: with retention it stays at the retained window, without it grows with every event.
 *
 *     pnpm bench retention     (BENCH_EVENTS=200000 for a shorter run; BENCH_ADAPTERS=memory,postgres;
 *                               BENCH_NODE_FLAGS="--max-old-space-size=128" for the worker's node flags)
 *
 * The logs are the real ones of the ingest benchmark (100 `update_config` transactions of 10
 * events each, handed over under fresh signatures, 100 transactions per batch). Each batch has
 * its own slot and arrives `finalized`; after each batch the benchmark moves the ingestion
 * cursor to it, as the backfill would, and every 20 batches runs a retention pass
 * (`worker.prune()`, what the leader runs on its timer) with completed jobs and final events
 * pruned at once (`afterMs: 0`) and a fork window of 10 slots (10,000 events). PostgreSQL runs
 * `VACUUM` on the store's tables after each pass, as autovacuum would (it is off on this machine).
 *
 * Each run is its own child process with the worker and its store only, so the RSS is the
 * worker's (the localnet that made the logs stays in this process): `retention-run.ts` bundled
 * with esbuild (the packages it imports stay external) and run by plain `node`, as a deployed
 * worker runs, without the TypeScript loader's own memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'esbuild';

import type { RetentionRunResult } from './retention-run';
import { makeTemplates } from './templates';

const EVENTS = Math.max(10_000, Number(process.env.BENCH_EVENTS ?? 1_000_000));
const ADAPTERS = (process.env.BENCH_ADAPTERS ?? 'memory,sqlite,postgres,redis').split(',').map(a => a.trim());
const MB = 1024 * 1024;

const { net, templates } = await makeTemplates();
const dir = mkdtempSync(join(tmpdir(), 'raffle-bench-retention-'));
const templatesPath = join(dir, 'templates.json');
writeFileSync(templatesPath, JSON.stringify({ programAddress: net.fixtures!.programAddress, templates: templates.map(t => ({ logs: t.logs, slot: t.slot.toString() })) }));
await net.stop();
// Inside the package, so that the bundle's external imports resolve from its node_modules.
const outDir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'raffle-bench');
mkdirSync(outDir, { recursive: true });
const runner = join(outDir, 'retention-run.mjs');
await build({ entryPoints: [join(import.meta.dirname, 'retention-run.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: runner, logLevel: 'warning' });

/** Runs one child; null when its adapter is not reachable here. */
function child(adapter: string, events: number, retention: boolean): RetentionRunResult | null {
    const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const result = spawnSync(process.execPath, ['--expose-gc', ...flags, runner], {
        env: { ...process.env, BENCH_ADAPTERS: adapter, RUN_EVENTS: String(events), RUN_RETENTION: retention ? '1' : '0', RUN_TEMPLATES: templatesPath },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 * MB,
    });
    if (result.status !== 0) throw new Error(`${adapter}: the run failed (exit ${result.status})`);
    const line = result.stdout.split('\n').find(l => l.startsWith('{'));
    return line ? (JSON.parse(line) as RetentionRunResult) : null;
}

const rows: Record<string, string | number>[] = [];
try {
    for (const adapter of ADAPTERS) {
        const on = child(adapter, EVENTS, true);
        if (!on) continue;
        const sample = Math.max(20_000, Math.round(EVENTS / 10 / 1000) * 1000);
        const off = child(adapter, sample, false)!;
        const perMillion = (bytes: number | null, events: number) => (bytes === null ? '-' : `${(((bytes / events) * 1_000_000) / MB).toFixed(1)} MB`);
        rows.push({
            adapter,
            'off: events': off.events,
            'off: events/s': Math.round(off.perSecond),
            'off: storage per 1M events': perMillion(off.storageBytes, off.events),
            'on: events': on.events,
            'on: events/s': Math.round(on.perSecond),
            'on vs off': `${(on.perSecond / off.perSecond).toFixed(3)}x`,
            'on: storage at the end': on.storageBytes === null ? '-' : `${(on.storageBytes / MB).toFixed(1)} MB`,
            'on: jobs left': on.jobs,
            'on: RSS at start': `${on.startRssMb.toFixed(0)} MB`,
            'on: peak RSS': `${on.peakRssMb.toFixed(0)} MB`,
            'on: RSS after 10% / 50% / 100%': on.rssAtMb.map(r => r.toFixed(0)).join(' / ') + ' MB',
            'on: heap after GC, same points': on.heapAtMb.map(r => r.toFixed(0)).join(' / ') + ' MB',
        });
        console.log(JSON.stringify(rows[rows.length - 1]));
    }
} finally {
    rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
process.exit(0);
