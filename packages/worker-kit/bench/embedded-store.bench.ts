/**
 * The embedded store candidates, side by side in one process: PGlite as the worker uses it today
 * (PostgreSQL's fsync off), PGlite with its write-ahead log written through to disk, and SQLite
 * (better-sqlite3, WAL) with `synchronous=FULL` (durable on power loss) and `NORMAL`. Baseline:
 * the memory store. Every database lives in the OS temp dir.
 *
 *     pnpm bench embedded-store          (BENCH_EVENTS=10000, BENCH_SINGLE=1000)
 *
 * 1. Batches: BENCH_EVENTS events in batches of 100, each batch = `recordEvents` (100 events),
 *    `enqueueJobs` (their 100 jobs), `claimJobs` (100) and `completeJobs`: four store calls. The
 *    table gives events/s, the ratio to memory and to PGlite as today, and the p99 and longest
 *    store call (the time the event loop is blocked: better-sqlite3 and PGlite both run on the
 *    main thread).
 * 2. One at a time: BENCH_SINGLE events, each alone through the same four calls (one commit per
 *    call: what a commit costs).
 *
 * Parts 1 and 2 run in 5 rounds that take the stores in turn (all stay open), and report the
 * median rate, so that a change of load on the machine touches every store alike.
 * 3. Cold start (`ready()` on a new database) and the size on disk after part 1.
 * 4. Full disk, when this user may mount a tmpfs (root; `BENCH_FULL_DISK=0` skips it): each
 *    store in a child process on a 96 MiB tmpfs filled up to its last 2 MiB writes until a call
 *    fails (new rows, or one row rewritten: see {@link FullDiskScenario}), then makes one read and
 *    one write more, each given 30 s before the child is killed. Reports what the failing call
 *    threw, what the next calls did, and whether the event loop still ran (a 200 ms heartbeat).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { isRaffleError } from '@raffle/errors';

import { createPgliteWorkerStore } from '../src/entries/pglite';
import { type WorkerStore, createMemoryWorkerStore } from '../src/index';
import { createSqliteWorkerStore } from '../src/entries/sqlite';

const EVENTS = Math.max(1_000, Math.round(Number(process.env.BENCH_EVENTS ?? 10_000) / 500) * 500);
const SINGLE = Math.max(100, Math.round(Number(process.env.BENCH_SINGLE ?? 1_000) / 5) * 5);
const BATCH = 100;
const ROUNDS = 5;
const FULL_DISK_TIMEOUT_MS = 180_000;
const HANG_TIMEOUT_MS = 30_000;

/** PGlite's start parameters without `-F` (fsync off), the WAL opened with O_DSYNC (PGlite's file system has no fsync). */
const PGLITE_WRITE_THROUGH = [...PGlite.defaultStartParams.filter(p => p !== '-F'), '-c', 'wal_sync_method=open_datasync'];

/** One candidate: opens a store over a fresh database in `dir`. */
interface Candidate {
    readonly name: string;
    /** PGlite's start parameters, for the PGlite candidates. */
    readonly pgliteStartParams?: readonly string[];
    readonly open: (dir: string) => Promise<{ store: WorkerStore; close: () => Promise<void> }>;
}

const owned = (store: WorkerStore) => ({ store, close: () => store.close() });

/** A PGlite candidate: the store over a PGlite started with `startParams` in `dir`. */
function pgliteCandidate(name: string, startParams: readonly string[]): Candidate {
    return {
        name,
        pgliteStartParams: startParams,
        open: async dir => {
            const pglite = await PGlite.create(dir, { startParams: [...startParams] });
            const store = createPgliteWorkerStore({ pglite });
            return {
                store,
                close: async () => {
                    await store.close();
                    await pglite.close();
                },
            };
        },
    };
}

const CANDIDATES: readonly Candidate[] = [
    { name: 'memory (baseline)', open: async () => owned(createMemoryWorkerStore()) },
    pgliteCandidate('pglite, as today (fsync off)', PGlite.defaultStartParams),
    pgliteCandidate('pglite, WAL written through', PGLITE_WRITE_THROUGH),
    { name: 'sqlite, synchronous=FULL', open: async dir => owned(createSqliteWorkerStore({ path: join(dir, 'worker.sqlite') })) },
    { name: 'sqlite, synchronous=NORMAL', open: async dir => owned(createSqliteWorkerStore({ path: join(dir, 'worker.sqlite'), synchronous: 'normal' })) },
];

function event(i: number) {
    return { signature: `sig${i}`, instructionIndex: 0, eventIndex: 0, slot: BigInt(i), name: 'TicketsPurchased', data: { raffle: `R${i % 50}`, buyer: `B${i}`, tickets: '3' } };
}

/** The duration of every store call of a run (ms). */
type CallTimes = number[];

async function timed<T>(times: CallTimes, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await call();
    times.push(performance.now() - started);
    return result;
}

/** Records, enqueues, claims and completes `count` events, `size` per call; returns events/s. */
async function run(store: WorkerStore, first: number, count: number, size: number, times: CallTimes): Promise<number> {
    const started = performance.now();
    for (let at = first; at < first + count; at += size) {
        const events = Array.from({ length: size }, (_, k) => event(at + k));
        await timed(times, () => store.recordEvents(events));
        await timed(times, () => store.enqueueJobs(events.map(e => ({ id: `job:${e.signature}`, name: 'handler:index', payload: { signature: e.signature } }))));
        const jobs = await timed(times, () => store.claimJobs({ owner: 'bench', limit: size, leaseMs: 60_000 }));
        if (jobs.length !== size) throw new Error(`claimed ${jobs.length} of ${size}`);
        await timed(times, () => store.completeJobs({ owner: 'bench', ids: jobs.map(j => j.id) }));
    }
    return (count / (performance.now() - started)) * 1000;
}

/** A candidate's open store and what the rounds measured on it. */
interface OpenCandidate {
    readonly candidate: Candidate;
    readonly dir: string;
    readonly coldMs: number;
    readonly store: WorkerStore;
    readonly close: () => Promise<void>;
    /** Events/s of each round, batched and one at a time. */
    readonly batch: number[];
    readonly single: number[];
    /** Every store call's duration, batched and one at a time. */
    readonly batchTimes: CallTimes;
    readonly singleTimes: CallTimes;
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

function quantile(values: readonly number[], q: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

function sizeOnDisk(path: string): number {
    const s = statSync(path);
    if (!s.isDirectory()) return s.size;
    return readdirSync(path).reduce((sum, name) => sum + sizeOnDisk(join(path, name)), 0);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

// ------------------------------------------------------------------------------------------
// Full disk: the child side
// ------------------------------------------------------------------------------------------

/** Fills the file system of `dir` up to its last `leave` bytes. */
function fill(dir: string, leave: number): void {
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - leave)));
}

/**
 * How the full-disk child fills the disk: new rows through the store (`grow`), or one row
 * rewritten over and over so that only the write-ahead log grows (`rewrite`). For PGlite,
 * `rewrite` runs a raw `UPDATE` of a 2 KB value on the same PGlite (through the store, PostgreSQL
 * logs only the changed bytes of an update and its log would take minutes to fill): PGlite
 * then needs a new 16 MiB log segment, which is what a long-running store eventually needs too.
 */
type FullDiskScenario = 'grow' | 'rewrite';

/** The calls of one full-disk run: a write repeated until it fails, then one read and one write. */
interface FullDiskCalls {
    write(i: number): Promise<unknown>;
    read(): Promise<unknown>;
}

async function fullDiskCalls(candidate: Candidate, scenario: FullDiskScenario, dir: string): Promise<FullDiskCalls> {
    const payload = 'x'.repeat(2000);
    if (scenario === 'rewrite' && candidate.pgliteStartParams) {
        const pglite = await PGlite.create(dir, { startParams: [...candidate.pgliteStartParams] });
        await pglite.exec("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, '')");
        return { write: i => pglite.query('UPDATE t SET v = $1 WHERE id = 1', [`${i}${payload}`]), read: () => pglite.query('SELECT count(*) FROM t') };
    }
    const { store } = await candidate.open(dir);
    await store.ready();
    const intent = { text: payload };
    await store.beginEffect({ key: 'e', intent });
    return {
        write: i =>
            scenario === 'rewrite'
                ? store.markEffectSent({ key: 'e', signature: `sig${i}`, lastValidBlockHeight: BigInt(i) })
                : store.enqueueJobs(Array.from({ length: 20 }, (_, k) => ({ id: `j${i}-${k}`, name: 'n', payload: intent }))),
        read: () => store.getEffect('e'),
    };
}

/**
 * Child: opens candidate `name` in `dir`, fills the disk, writes until a call fails, then makes
 * one read and one write more. Prints `failed <ms> <error>`, then `next-read` and `next-write` with
 * what they did (nothing when they hang), and heartbeats.
 */
async function fullDiskChild(name: string, scenario: FullDiskScenario, dir: string): Promise<void> {
    let beats = 0;
    setInterval(() => process.stdout.write(`beat ${++beats}\n`), 200).unref();
    const calls = await fullDiskCalls(CANDIDATES.find(c => c.name === name)!, scenario, join(dir, 'db'));
    fill(dir, 2 * 1024 * 1024);
    const started = Date.now();
    let i = 0;
    try {
        for (; i < 10_000_000; i++) await calls.write(i);
    } catch (e) {
        process.stdout.write(`failed ${Date.now() - started} ${describeError(e)}\n`);
    }
    process.stdout.write(`next-call beats=${beats}\n`);
    for (const [what, call] of [
        ['read', () => calls.read()],
        ['write', () => calls.write(i + 1)],
    ] as const) {
        try {
            await call();
            process.stdout.write(`next-${what} returned\n`);
        } catch (e) {
            process.stdout.write(`next-${what} threw ${describeError(e)}\n`);
        }
    }
    process.exit(0);
}

function describeError(e: unknown): string {
    const code = (e as { code?: unknown } | null)?.code;
    const what = isRaffleError(e) ? `RaffleError ${e.code}` : `not a RaffleError: [${String(code)}] ${String((e as Error | null)?.message ?? e)}`;
    return what.slice(0, 160).replaceAll('\n', ' ');
}

/** Parent: runs the child for one candidate on a fresh tmpfs; returns a row of the table. */
async function fullDisk(name: string, scenario: FullDiskScenario, mountPoint: string): Promise<Record<string, string>> {
    mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', mountPoint]);
    let output = '';
    let killed = false;
    try {
        const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--full-disk-child', name, scenario, mountPoint], {
            stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
        const kill = () => {
            killed = true;
            child.kill('SIGKILL');
        };
        // The calls after the failure get HANG_TIMEOUT_MS; the whole run FULL_DISK_TIMEOUT_MS.
        const timers = [setTimeout(kill, FULL_DISK_TIMEOUT_MS)];
        child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (timers.length === 1 && output.includes('next-call')) timers.push(setTimeout(kill, HANG_TIMEOUT_MS));
        });
        await exited;
        for (const timer of timers) clearTimeout(timer);
    } finally {
        execFileSync('umount', ['-l', mountPoint]);
    }
    const failed = /failed (\d+) (.*)\n/.exec(output);
    const next = (what: string) => /next-(?:read|write) (returned|threw .*)\n/.exec(output.slice(output.indexOf(`next-${what}`)))?.[1];
    const beatsBefore = Number(/next-call beats=(\d+)/.exec(output)?.[1] ?? NaN);
    const beatsTotal = (output.match(/beat \d+/g) ?? []).length;
    const hung = killed ? `no answer in ${HANG_TIMEOUT_MS / 1000} s (killed), ${beatsTotal - beatsBefore} heartbeats meanwhile: event loop blocked` : null;
    return {
        store: name,
        writes: scenario === 'grow' ? 'new rows' : 'one row rewritten',
        'failing call': failed ? `${failed[2]} (after ${failed[1]} ms of writes)` : 'no failure seen',
        'next read': (output.includes('next-read') ? next('read') : null) ?? hung ?? 'child exited',
        'next write': (output.includes('next-write') ? next('write') : null) ?? hung ?? 'child exited',
    };
}

// ------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------

if (process.argv[2] === '--full-disk-child') {
    await fullDiskChild(process.argv[3]!, process.argv[4] as FullDiskScenario, process.argv[5]!);
} else {
    const root = mkdtempSync(join(tmpdir(), 'raffle-bench-embedded-'));
    try {
        // Every store stays open; the rounds run them in turn, so that a change of load on the
        // machine touches all of them alike. Rates are the median over the rounds.
        const open: OpenCandidate[] = [];
        const starts: Record<string, string | number>[] = [];
        for (const [i, candidate] of CANDIDATES.entries()) {
            const dir = join(root, String(i));
            const t0 = performance.now();
            const opened = await candidate.open(dir);
            await opened.store.ready();
            const coldMs = performance.now() - t0;
            await run(opened.store, 10_000_000, 1_000, BATCH, []); // warm-up: plans, caches
            open.push({ candidate, dir, coldMs, ...opened, batch: [], single: [], batchTimes: [], singleTimes: [] });
        }
        for (let round = 0; round < ROUNDS; round++) {
            for (const o of open) o.batch.push(await run(o.store, round * EVENTS, EVENTS / ROUNDS, BATCH, o.batchTimes));
            for (const o of open) o.single.push(await run(o.store, 20_000_000 + round * SINGLE, SINGLE / ROUNDS, 1, o.singleTimes));
        }
        for (const o of open) {
            await o.close();
            if (o !== open[0]) starts.push({ store: o.candidate.name, 'ready() on a new database (ms)': o.coldMs.toFixed(0), 'size on disk after the run': mib(sizeOnDisk(o.dir)) });
        }
        const table = (rates: (o: OpenCandidate) => number[], times: (o: OpenCandidate) => CallTimes) =>
            open.map(o => ({
                store: o.candidate.name,
                'events/s (median)': Math.round(median(rates(o))),
                'vs memory': `${(median(rates(o)) / median(rates(open[0]!))).toFixed(4)}x`,
                'vs pglite as today': `${(median(rates(o)) / median(rates(open[1]!))).toFixed(4)}x`,
                'p99 call (ms)': quantile(times(o), 0.99).toFixed(1),
                'longest call (ms)': Math.max(...times(o)).toFixed(1),
            }));
        console.log(`\n1. Batches of ${BATCH}: ${EVENTS.toLocaleString('en-US')} events recorded, enqueued, claimed and completed (${ROUNDS} rounds)`);
        console.table(table(o => o.batch, o => o.batchTimes));
        console.log(`\n2. One at a time: ${SINGLE.toLocaleString('en-US')} events, one commit per call (${ROUNDS} rounds)`);
        console.table(table(o => o.single, o => o.singleTimes));
        console.log('\n3. Cold start and disk');
        console.table(starts);

        const mountPoint = join(root, 'tmpfs');
        let mayMount = false;
        if (process.env.BENCH_FULL_DISK === '0') console.log('\n4. Full disk: skipped (BENCH_FULL_DISK=0)');
        else try {
            mkdirSync(mountPoint, { recursive: true });
            execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
            execFileSync('umount', [mountPoint]);
            mayMount = true;
        } catch {
            console.log('\n4. Full disk: skipped (mounting a tmpfs needs root)');
        }
        if (mayMount) {
            const rows: Record<string, string>[] = [];
            for (const candidate of CANDIDATES.slice(1)) for (const scenario of ['grow', 'rewrite'] as const) rows.push(await fullDisk(candidate.name, scenario, mountPoint));
            console.log('\n4. Full disk (96 MiB tmpfs, 2 MiB left)');
            console.table(rows);
        }
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
}
