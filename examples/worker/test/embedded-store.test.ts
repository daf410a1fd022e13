/**
 * The example worker's embedded store (`createStore` with neither DATABASE_URL nor REDIS_URL):
 * SQLite in `<WORKER_DATA_DIR>/worker.sqlite` by default, its data kept across restarts; PGlite
 * with `WORKER_EMBEDDED_STORE=pglite`; and a data directory that holds the PGlite store of an
 * earlier version refused, rather than shadowed by a new, empty SQLite store.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createStore } from '../src/assemble';
import { loadConfig } from '../src/config';

const BASE = { SOLANA_RPC_URL: 'http://127.0.0.1:8899', RWA_RAFFLE_PROGRAM_ID: 'HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9', WORKER_KEYPAIR_PATH: '/keys/worker.json' };
const dirs: string[] = [];
const noBackendErrors = (error: Error) => {
    throw error;
};

function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'example-worker-embedded-'));
    dirs.push(dir);
    return dir;
}

afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded store of the example worker', () => {
    it('is SQLite in WORKER_DATA_DIR by default, and keeps its data across restarts', async () => {
        const dir = dataDir();
        const config = loadConfig({ ...BASE, WORKER_DATA_DIR: dir }).store;
        const first = await createStore(config, noBackendErrors);
        expect(first.kind).toBe('sqlite');
        await first.ready();
        await first.setCursor({ name: 'ingest', slot: 42n, expectedVersion: 0 });
        await first.close();
        expect(existsSync(join(dir, 'worker.sqlite'))).toBe(true);

        const second = await createStore(config, noBackendErrors);
        await second.ready();
        expect(await second.getCursor('ingest')).toMatchObject({ slot: 42n, version: 1 });
        await second.close();
    });

    it('refuses a directory that holds a PGlite store of an earlier version, which stays usable with WORKER_EMBEDDED_STORE=pglite', async () => {
        const dir = dataDir();
        const pgliteConfig = loadConfig({ ...BASE, WORKER_DATA_DIR: dir, WORKER_EMBEDDED_STORE: 'pglite' }).store;
        const earlier = await createStore(pgliteConfig, noBackendErrors);
        expect(earlier.kind).toBe('pglite');
        await earlier.ready();
        await earlier.setCursor({ name: 'ingest', slot: 7n, expectedVersion: 0 });
        await earlier.close();

        await expect(createStore(loadConfig({ ...BASE, WORKER_DATA_DIR: dir }).store, noBackendErrors)).rejects.toThrow(
            `${dir} holds a PGlite store (the embedded default of earlier versions): set WORKER_EMBEDDED_STORE=pglite to keep using it`,
        );
        expect(existsSync(join(dir, 'worker.sqlite'))).toBe(false);

        const kept = await createStore(pgliteConfig, noBackendErrors);
        await kept.ready();
        expect(await kept.getCursor('ingest')).toMatchObject({ slot: 7n });
        await kept.close();
    });
});
