import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPgliteWorkerStore } from '@raffle/worker-kit/pglite';
import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

import { countAndEnqueue, killStepChild, stepEvents } from './fixtures/sql-step';

// One in-memory PGlite for the conformance suite (starting PGlite takes seconds); each test
// gets its own schema in it, dropped afterwards.
let shared: PGlite;
let counter = 0;
const dirs: string[] = [];

function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'raffle-pglite-'));
    dirs.push(dir);
    return dir;
}

beforeAll(async () => {
    shared = await PGlite.create();
});

afterAll(async () => {
    await shared.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeWorkerStoreConformance('pglite', async () => {
    const schema = `conformance_${++counter}`;
    return {
        store: createPgliteWorkerStore({ pglite: shared, schema }),
        cleanup: async () => {
            await shared.exec(`DROP SCHEMA "${schema}" CASCADE`);
        },
    };
});

describe('pglite store specifics', () => {
    it('persists to its data directory across close and reopen, and closes the PGlite it owns', async () => {
        const dataDir = tempDir();
        const first = createPgliteWorkerStore({ dataDir });
        await first.ready();
        await first.setCursor({ name: 'ingest', slot: 42n, signature: 'sig42', expectedVersion: 0 });
        await first.enqueueJob({ id: 'draw:R1', name: 'draw', payload: { raffle: 'R1' } });
        await first.beginEffect({ key: 'draw:R1', intent: { raffle: 'R1' } });
        await first.close();
        // a second PGlite may open the directory only once the first is closed
        const second = createPgliteWorkerStore({ dataDir });
        expect(await second.getCursor('ingest')).toMatchObject({ slot: 42n, signature: 'sig42', version: 1 });
        expect((await second.getJob('draw:R1'))?.payload).toEqual({ raffle: 'R1' });
        expect((await second.getEffect('draw:R1'))?.status).toBe('pending');
        await second.close();
    });

    it('loses nothing acknowledged when the process is killed (kill -9) mid-write', async () => {
        const dataDir = tempDir();
        const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/pglite-crash-child.ts', import.meta.url).pathname, dataDir], {
            stdio: ['ignore', 'pipe', 'inherit'],
        });
        let lastAck = -1;
        let buffer = '';
        const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('child did not acknowledge 200 writes within 45 s')), 45_000);
            child.stdout.on('data', (chunk: Buffer) => {
                buffer += chunk.toString();
                for (const m of buffer.matchAll(/ack (\d+)\n/g)) lastAck = Math.max(lastAck, Number(m[1]));
                buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
                if (lastAck >= 200) {
                    clearTimeout(timer);
                    child.kill('SIGKILL');
                    resolve();
                }
            });
            child.once('exit', code => {
                if (lastAck < 200) {
                    clearTimeout(timer);
                    reject(new Error(`child exited early (${code})`));
                }
            });
        });
        await exited;
        const store = createPgliteWorkerStore({ dataDir });
        const cursor = await store.getCursor('ingest');
        expect(cursor!.slot >= BigInt(lastAck)).toBe(true);
        const events = await store.listEvents({ maxSlot: BigInt(lastAck), limit: 1000 });
        expect(events.map(e => e.signature)).toEqual(Array.from({ length: lastAck + 1 }, (_, i) => `sig${i}`));
        await store.close();
    });

    // Killed once its every statement ran, before COMMIT (the PostgreSQL tests also kill one in its plan;
    // two PGlite starts per case cost seconds).
    it(
        'an atomic step killed (SIGKILL) before COMMIT leaves neither its events nor its writes nor its jobs; re-running it projects once',
        async () => {
            const dataDir = tempDir();
            await killStepChild(['commit', 'pglite', dataDir], 45_000);
            const store = createPgliteWorkerStore({ dataDir });
            const killed = stepEvents(1, 5);
            expect((await store.getEvents(killed)).every(e => e === null)).toBe(true);
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([1]);
            expect(await store.countJobs()).toBe(1);
            const again = await store.recordEventsWith(killed, countAndEnqueue);
            expect(again.results.map(r => r.inserted)).toEqual([true, true, true, true, true]);
            await store.recordEventsWith(killed, countAndEnqueue);
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([6]);
            expect(await store.countJobs()).toBe(6);
            await store.close();
        },
        90_000,
    );

    it('shares the PostgreSQL migrations: its schema has the same tables', async () => {
        const store = createPgliteWorkerStore({ pglite: shared, schema: 'tables_check' });
        await store.ready();
        const { rows } = await shared.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tables_check' ORDER BY table_name",
        );
        expect(rows.map(r => r.table_name)).toEqual(['audit_log', 'cursors', 'effects', 'inbox_events', 'inbox_watermark', 'jobs', 'leases', 'projection_values', 'schema_migrations']);
        await store.close();
        expect(shared.closed).toBe(false);
        await shared.exec('DROP SCHEMA tables_check CASCADE');
    });
});
