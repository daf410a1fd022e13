/**
 * The SQLite store: the conformance suite on a file per case, then what is its own: the file
 * survives close and kill -9 with everything acknowledged, one process owns the file, a full disk
 * is a typed error (a real ENOSPC on a tmpfs when this user may mount one), migrations and options.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
    RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED,
    RAFFLE_ERROR__WORKER__STORE_FULL,
    RAFFLE_ERROR__WORKER__STORE_LOCKED,
    RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED,
    isRaffleError,
} from '@raffle/errors';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

import { createSqliteWorkerStore } from '@raffle/worker-kit/sqlite';
import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

import { toStoreError } from '../store/sqlite/errors';
import { migrateSqlite } from '../store/sqlite/migrations';
import { SQLITE_MIGRATIONS } from '../store/sqlite/migrations.generated';
import type { WorkerStore } from '../store/types';

const root = mkdtempSync(join(tmpdir(), 'raffle-sqlite-'));
let counter = 0;
const CHILD = new URL('./fixtures/sqlite-child.ts', import.meta.url).pathname;

afterAll(() => rmSync(root, { recursive: true, force: true }));

function tempPath(name: string): string {
    return join(root, `${name}-${++counter}`, 'worker.sqlite');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
        await promise;
    } catch (e) {
        return e;
    }
    throw new Error('expected a rejection');
}

/** Runs the child fixture until it prints a line matching `until` (or exits); bounded by `timeoutMs`. */
function runChild(args: string[], until: (output: string) => boolean, timeoutMs: number): Promise<{ output: string; kill: () => Promise<void> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
    let output = '';
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`child ${args[0]} did not finish within ${timeoutMs} ms: ${output.slice(-200)}`));
        }, timeoutMs);
        const done = () => {
            clearTimeout(timer);
            resolve({
                output,
                kill: async () => {
                    child.kill('SIGKILL');
                    await exited;
                },
            });
        };
        child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (until(output)) done();
        });
        child.once('exit', code => {
            if (until(output)) done();
            else {
                clearTimeout(timer);
                reject(new Error(`child ${args[0]} exited (${code}) early: ${output.slice(-200)}`));
            }
        });
    });
}

describeWorkerStoreConformance('sqlite', async () => {
    const path = tempPath('conformance');
    return { store: createSqliteWorkerStore({ path }), cleanup: async () => rmSync(path, { force: true }) };
});

describe('sqlite store specifics', () => {
    it('persists to its file across close and reopen', async () => {
        const path = tempPath('reopen');
        const first = createSqliteWorkerStore({ path });
        await first.setCursor({ name: 'ingest', slot: 2n ** 63n - 1n, signature: 'sig', expectedVersion: 0 });
        await first.enqueueJob({ id: 'draw:R1', name: 'draw', payload: { raffle: 'R1' } });
        await first.beginEffect({ key: 'draw:R1', intent: { raffle: 'R1' } });
        await first.close();
        const second = createSqliteWorkerStore({ path, synchronous: 'normal' });
        expect(await second.getCursor('ingest')).toMatchObject({ slot: 2n ** 63n - 1n, signature: 'sig', version: 1 });
        expect((await second.getJob('draw:R1'))?.payload).toEqual({ raffle: 'R1' });
        expect((await second.getEffect('draw:R1'))?.status).toBe('pending');
        await second.close();
    });

    it('loses nothing acknowledged when the process is killed (kill -9) mid-write, and the file opens again', async () => {
        const path = tempPath('crash');
        const lastAck = (output: string) => Math.max(-1, ...[...output.matchAll(/ack (\d+)\n/g)].map(m => Number(m[1])));
        const child = await runChild(['write', path], output => lastAck(output) >= 150, 60_000);
        await child.kill(); // SIGKILL while it keeps writing
        const acked = lastAck(child.output);
        const store = createSqliteWorkerStore({ path, lockTimeoutMs: 0 }); // the lock died with the process
        expect((await store.getCursor('ingest'))!.slot >= BigInt(acked)).toBe(true);
        const keys = Array.from({ length: (acked + 1) * 10 }, (_, i) => ({ signature: `sig${i}`, instructionIndex: 0, eventIndex: 0 }));
        for (let i = 0; i < keys.length; i += 1000) expect((await store.getEvents(keys.slice(i, i + 1000))).every(e => e !== null)).toBe(true);
        const jobs = await store.countJobs({ statuses: ['pending'] });
        expect(jobs).toBeGreaterThanOrEqual((acked + 1) * 10);
        await store.close();
        const raw = new Database(path, { readonly: true });
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
        raw.close();
    });

    describe('one owner per file', () => {
        it('a second store waits up to lockTimeoutMs without blocking the event loop, then fails with STORE_LOCKED', async () => {
            const path = tempPath('lock');
            const owner = createSqliteWorkerStore({ path });
            await owner.ready();
            const second = createSqliteWorkerStore({ path, lockTimeoutMs: 300 });
            let ticks = 0;
            const timer = setInterval(() => ticks++, 20);
            const started = Date.now();
            const error = await rejection(second.ready());
            const waited = Date.now() - started;
            clearInterval(timer);
            expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STORE_LOCKED), String(error)).toBe(true);
            expect(waited).toBeGreaterThanOrEqual(300);
            expect(ticks).toBeGreaterThan(3); // timers ran while it waited
            // The owner is unaffected; once it closes, the file is free.
            await owner.setCursor({ name: 'c', slot: 1n });
            await owner.close();
            expect((await second.getCursor('c'))?.slot).toBe(1n); // ready() is retryable
            await second.close();
        });

        it('a store waiting for the file gets it when the owner closes within lockTimeoutMs', async () => {
            const path = tempPath('handover');
            const owner = createSqliteWorkerStore({ path });
            await owner.ready();
            const next = createSqliteWorkerStore({ path, lockTimeoutMs: 10_000 });
            const opening = next.ready();
            setTimeout(() => void owner.close(), 200);
            await opening;
            await next.close();
        });

        it('another process cannot open the file while it is owned', async () => {
            const path = tempPath('process-lock');
            const owner = createSqliteWorkerStore({ path });
            await owner.ready();
            const { output } = await runChild(['open', path, '0'], out => out.includes('\n'), 30_000);
            expect(output).toMatch(new RegExp(`^error ${RAFFLE_ERROR__WORKER__STORE_LOCKED} `));
            await owner.close();
            const again = await runChild(['open', path, '0'], out => out.includes('\n'), 30_000);
            expect(again.output).toBe('opened\n');
        });
    });

    describe('full disk', () => {
        it('reports SQLITE_FULL as STORE_FULL, and other SQLite errors as STORE_BACKEND_FAILED', () => {
            // The mapping, on an error SQLite really throws: a database at its page limit.
            const db = new Database(':memory:');
            db.pragma('max_page_count = 2');
            db.exec('CREATE TABLE t (v TEXT)');
            let full: unknown;
            try {
                for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(4000));
            } catch (e) {
                full = e;
            }
            expect(isRaffleError(toStoreError(full), RAFFLE_ERROR__WORKER__STORE_FULL), String(full)).toBe(true);
            let other: unknown;
            try {
                db.exec('SELECT * FROM missing');
            } catch (e) {
                other = e;
            }
            expect(isRaffleError(toStoreError(other), RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED), String(other)).toBe(true);
            db.close();
        });

        it('on a full file system a write fails at once with STORE_FULL; the store stays usable and writes again once space is freed', async ctx => {
            // A real ENOSPC needs a small file system: a tmpfs, which only a privileged user may mount.
            const mountPoint = join(root, `tmpfs-${++counter}`);
            mkdirSync(mountPoint, { recursive: true });
            try {
                execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
            } catch {
                ctx.skip('mounting a tmpfs needs root');
            }
            try {
                const store: WorkerStore = createSqliteWorkerStore({ path: join(mountPoint, 'worker.sqlite') });
                await store.ready();
                await store.setCursor({ name: 'ingest', slot: 1n });
                // Fill the file system, leaving 64 KiB.
                const filler = join(mountPoint, 'filler');
                const { bavail, bsize } = statfsSync(mountPoint);
                writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));
                const batch = (n: number) => Array.from({ length: 100 }, (_, i) => ({ id: `job-${n}-${i}`, name: 'n', payload: { text: 'x'.repeat(2000) } }));
                let error: unknown;
                let written = 0;
                const started = Date.now();
                for (let n = 0; n < 100 && error === undefined; n++) {
                    try {
                        await store.enqueueJobs(batch(n));
                        written++;
                    } catch (e) {
                        error = e;
                    }
                }
                expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STORE_FULL), String(error)).toBe(true);
                expect(Date.now() - started).toBeLessThan(10_000);
                // The failed batch wrote nothing; what was acknowledged is there; reads work.
                expect(await store.countJobs()).toBe(written * 100);
                expect((await store.getCursor('ingest'))?.slot).toBe(1n);
                rmSync(filler);
                await store.enqueueJobs(batch(1000));
                expect(await store.countJobs()).toBe((written + 1) * 100);
                await store.close();
            } finally {
                execFileSync('umount', ['-l', mountPoint]);
            }
        });
    });

    it('refuses a database migrated by a newer version', async () => {
        const path = tempPath('newer');
        const store = createSqliteWorkerStore({ path });
        await store.ready();
        await store.close();
        const raw = new Database(path);
        raw.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (99, ?, 0)').run('future');
        raw.close();
        const error = await rejection(createSqliteWorkerStore({ path }).ready());
        expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED), String(error)).toBe(true);
    });

    it('has one table per concern', async () => {
        const path = tempPath('tables');
        const store = createSqliteWorkerStore({ path });
        await store.ready();
        await store.close();
        const raw = new Database(path, { readonly: true });
        const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
        raw.close();
        expect(tables).toEqual(['audit_log', 'cursors', 'effects', 'inbox_events', 'inbox_watermark', 'jobs', 'leases', 'projection_values', 'schema_migrations']);
    });

    describe('retention', () => {
        it('upgrades a database of migration 1; the watermark survives a reopen', async () => {
            const path = tempPath('upgrade');
            mkdirSync(join(path, '..'), { recursive: true });
            const raw = new Database(path);
            expect(migrateSqlite(raw, SQLITE_MIGRATIONS.slice(0, 1))).toEqual([1]);
            raw.prepare(`INSERT INTO inbox_events (signature, instruction_index, event_index, slot, name, data, commitment, received_at, updated_at)
                VALUES ('old', 0, 0, 5, 'Joined', '{}', 'finalized', 0, 0)`).run();
            raw.close();
            const store = createSqliteWorkerStore({ path });
            expect(await store.getPrunedThroughSlot()).toBeNull();
            const key = { signature: 'old', instructionIndex: 0, eventIndex: 0 };
            expect(await store.pruneEvents({ throughSlot: 10n, events: [{ key, jobIds: [] }] })).toEqual({ deleted: 1, kept: 0, prunedThroughSlot: 10n });
            await store.close();
            const reopened = createSqliteWorkerStore({ path });
            expect(await reopened.getPrunedThroughSlot()).toBe(10n);
            const [again] = await reopened.recordEvents([{ ...key, slot: 5n, name: 'Joined', data: {}, commitment: 'finalized' }]);
            expect(again).toMatchObject({ inserted: false, pruned: true });
            expect(await reopened.getEvent(key)).toBeNull();
            await reopened.close();
        });

        it('kept prefixes match literally: no LIKE wildcard, no case folding, a NUL does not end them', async () => {
            const store = createSqliteWorkerStore({ path: tempPath('prefixes') });
            const keys = ['%x', 'a_b', 'aXb', 'a\u0000b:1', 'a\u0000c', 'Abc'];
            for (const key of keys) {
                await store.beginEffect({ key, intent: {}, now: 1 });
                await store.markEffectConfirmed({ key, signature: `sig-${keys.indexOf(key)}`, now: 1 });
            }
            expect(await store.pruneEffects({ updatedBefore: 2, keepKeyPrefixes: ['%', 'a_', 'a\u0000b', 'a'] })).toEqual({ deleted: 1 });
            expect(await store.pruneEffects({ updatedBefore: 2, keepKeyPrefixes: ['%', 'a_', 'a\u0000b'] })).toEqual({ deleted: 2 });
            const left = await Promise.all(keys.map(k => store.getEffect(k)));
            expect(left.map(e => e?.key ?? null)).toEqual(['%x', 'a_b', null, 'a\u0000b:1', null, null]);
            await store.close();
        });
    });

    it('reports a file that is not a SQLite database as STORE_BACKEND_FAILED; `:memory:` keeps nothing', async () => {
        const path = tempPath('not-a-database');
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, 'x'.repeat(4096));
        const error = await rejection(createSqliteWorkerStore({ path }).ready());
        expect(isRaffleError(error, RAFFLE_ERROR__WORKER__STORE_BACKEND_FAILED), String(error)).toBe(true);
        const memory = createSqliteWorkerStore({ path: ':memory:' });
        await memory.setCursor({ name: 'c', slot: 3n });
        expect((await memory.getCursor('c'))?.slot).toBe(3n);
        await memory.close();
    });

    it('rejects invalid options', () => {
        expect(() => createSqliteWorkerStore({ path: '' })).toThrow(/path/);
        expect(() => createSqliteWorkerStore({ path: 'x', synchronous: 'off' as never })).toThrow(/synchronous/);
        expect(() => createSqliteWorkerStore({ path: 'x', lockTimeoutMs: -1 })).toThrow(/lockTimeoutMs/);
    });
});
