/**
 * The PostgreSQL store when the server drops its connections (restart, failover, idle
 * timeout): the test terminates the store's backends with pg_terminate_backend while the
 * handler is under load, and while they sit idle in the pool. Without an 'error' listener the
 * process would die (the test run would fail with an uncaught error); the handler must keep
 * answering, no 5xx may persist after the pool reconnected, and nothing reported may hold the
 * password or a connection's cancel key.
 */
import { inspect } from 'node:util';

import { waitFor } from '@raffle/test-support';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { type PostgresConnectionError, createPostgresPermitStore } from '../../server/store/postgres';
import { permitBody, signIn } from './support/fixtures';
import { type Harness, postJson, startHarness } from './support/harness';
import { TEST_DATABASE_URL, postgresAvailable, schemaPool } from './support/postgres';

const schemas = schemaPool('permit_drop');
const admin = postgresAvailable ? new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 }) : undefined;
let harness: Harness | undefined;
afterEach(async () => {
    await harness?.close();
    harness = undefined;
});
afterAll(async () => {
    await schemas.dropAll();
    await admin?.end();
});

const DUMMY_PASSWORD = 'hunter2-not-a-real-password-5b1e';

/**
 * The test database URL with an application name to find the store's backends by, and a
 * password to look for in what is reported (a dummy one when the URL has none and the server
 * does not ask for one).
 */
async function storeUrl(appName: string): Promise<{ url: string; password: string | undefined }> {
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('application_name', appName);
    if (url.password !== '') return { url: url.href, password: decodeURIComponent(url.password) };
    url.password = DUMMY_PASSWORD;
    const probe = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 3000 });
    try {
        await probe.connect();
        return { url: url.href, password: DUMMY_PASSWORD };
    } catch {
        url.password = '';
        return { url: url.href, password: undefined };
    } finally {
        await probe.end().catch(() => undefined);
    }
}

async function terminate(appName: string): Promise<number> {
    const { rows } = await admin!.query(`SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) t`, [appName]);
    return Number(rows[0].n);
}

describe.skipIf(!postgresAvailable)('PostgreSQL store: dropped connections', () => {
    it('keeps serving while its backends are terminated mid-load and idle, reconnects, and reports without secrets', async () => {
        const appName = `permit_drop_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        const { url, password } = await storeUrl(appName);
        const cancelKeys: string[] = [];
        let connects = 0;
        class RecordingPool extends pg.Pool {
            constructor(config: pg.PoolConfig) {
                super(config);
                this.on('connect', client => {
                    connects++;
                    cancelKeys.push(String((client as unknown as { secretKey: number }).secretKey));
                });
            }
        }
        const reported: PostgresConnectionError[] = [];
        const handlerErrors: unknown[] = [];
        const h = (harness = await startHarness({
            store: createPostgresPermitStore({ connectionString: url, Pool: RecordingPool, max: 6, schema: schemas.schema(), onError: e => reported.push(e) }),
            policy: { requirePrizeCollection: false, tiers: { pro: { maxActivePermits: 100_000 } } },
            sessionTtlSeconds: 86_400,
            onError: e => handlerErrors.push(e),
        }));
        const wallet = await h.organizer({ tier: 'pro' });
        const token = await signIn(h.url, wallet);
        const auth = { authorization: `Bearer ${token}` };
        const round = (): Promise<number>[] => [
            postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token).then(r => r.status),
            postJson(`${h.url}/permits`, permitBody({}, Math.floor(h.clock.now / 1000)), token).then(r => r.status),
            fetch(`${h.url}/organizers/me`, { headers: auth }).then(r => r.status),
            fetch(`${h.url}/permits?limit=5`, { headers: auth }).then(r => r.status),
            fetch(`${h.url}/health`).then(r => r.status),
        ];

        const statuses: number[][] = [];
        const killed: number[] = [];
        for (let i = 0; i < 40; i++) {
            if (i === 10 || i === 22) {
                // Mid-load: the round's requests hold connections while their backends die.
                const requests = round();
                killed.push(await terminate(appName));
                statuses.push(await Promise.all(requests));
            } else if (i === 30) {
                // Idle: nothing holds the pooled connections; the pool itself gets 'error'.
                killed.push(await terminate(appName));
                expect(await waitFor('the pool to report the idle connection loss', () => reported.some(e => e.source === 'idle'), { timeoutMs: 2_000 })).toBe(true);
                statuses.push(await Promise.all(round()));
            } else {
                statuses.push(await Promise.all(round()));
            }
        }

        expect(killed.every(n => n > 0)).toBe(true);
        // Only the round that lost its connections (and the next, which may still pick a
        // connection whose termination notice is in flight) may see a 5xx; none persists.
        const disturbed = new Set([10, 11, 22, 23, 30, 31]);
        statuses.forEach((codes, i) => {
            if (!disturbed.has(i)) expect(codes, `round ${i}`).toEqual([201, 201, 200, 200, 200]);
        });
        expect(statuses.slice(32).flat().every(s => s < 500)).toBe(true);
        expect(statuses.flat().every(s => s === 200 || s === 201 || s === 500 || s === 503)).toBe(true);
        expect(connects).toBeGreaterThan(killed[0]!); // the pool opened new connections
        expect((await fetch(`${h.url}/health`)).status).toBe(200);

        // What was reported: a summary, no secrets.
        expect(reported.length).toBeGreaterThan(0);
        expect(reported.some(e => e.code === '57P01')).toBe(true);
        for (const e of reported) expect(Object.keys(e).sort()).toEqual(['code', 'message', 'source']);
        const secrets = [...cancelKeys, ...(password === undefined ? [] : [password])];
        expect(secrets.length).toBeGreaterThan(1);
        const leaked = [JSON.stringify(reported), ...handlerErrors.map(e => inspect(e, { depth: 6, showHidden: true }))].join('\n');
        for (const secret of secrets) expect(leaked.includes(secret), 'a secret was reported').toBe(false);
        for (const e of handlerErrors) expect(Object.prototype.hasOwnProperty.call(e, 'client')).toBe(false);
    });

    it('listens on a pool it is given, and stops listening at close()', async () => {
        const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
        try {
            const before = pool.listenerCount('error');
            const reported: PostgresConnectionError[] = [];
            const store = createPostgresPermitStore({ pool, schema: schemas.schema(), onError: e => reported.push(e) });
            expect(pool.listenerCount('error')).toBe(before + 1);
            await store.ready();
            const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
            await admin!.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
            expect(await waitFor('the store to report the terminated backend', () => reported.length > 0, { timeoutMs: 2_000 })).toBe(true);
            expect(reported[0]).toMatchObject({ source: 'idle', code: '57P01' });
            await store.ping();
            await store.close();
            expect(pool.listenerCount('error')).toBe(before);
        } finally {
            await pool.end();
        }
    });
});
