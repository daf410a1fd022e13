/**
 * Real PostgreSQL and Redis for the adapter tests. Each test file gets its own schemas / key
 * prefix (removed afterwards) and never touches any other address than the configured URLs.
 *
 * - `RAFFLE_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
 * - `RAFFLE_TEST_REDIS_URL` (default `redis://127.0.0.1:6379`)
 *
 * When a service is unreachable the tests that need it are skipped with a message, except
 * under `CI=true`, where the test file fails at once with that message.
 */
import { randomBytes } from 'node:crypto';

import { waitFor, WaitForTimeoutError } from '@raffle/test-support';
import { Redis } from 'ioredis';
import pg from 'pg';

export const DATABASE_URL = process.env.RAFFLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.RAFFLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CI = process.env.CI === 'true';

/** A short random tag naming this test file's schemas, keys and connections. */
export function fileTag(): string {
    return randomBytes(4).toString('hex');
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            promise,
            new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
            }),
        ]);
    } finally {
        clearTimeout(timer);
    }
}

function unreachable(service: string, url: string, variable: string, e: unknown): boolean {
    const message =
        `${service} at ${url} is unreachable (${e instanceof Error ? e.message : String(e)}). ` +
        `Start ${service} or set ${variable} to a reachable server.`;
    if (CI) throw new Error(`[worker-kit] CI=true requires ${service}: ${message}`);
    console.warn(`[worker-kit] ${service} tests skipped: ${message} (With CI=true they fail instead of skipping.)`);
    return true;
}

/**
 * Whether PostgreSQL tests should be skipped; prints how to enable them when they are.
 * Under CI=true an unreachable server throws (the test file fails).
 */
export async function skipPostgres(): Promise<boolean> {
    const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
        await withTimeout(client.connect(), 3000);
        await client.query('SELECT 1');
        return false;
    } catch (e) {
        return unreachable('PostgreSQL', DATABASE_URL, 'RAFFLE_TEST_DATABASE_URL', e);
    } finally {
        await client.end().catch(() => undefined);
    }
}

/** Whether Redis tests should be skipped; prints how to enable them when they are. Under CI=true an unreachable server throws. */
export async function skipRedis(): Promise<boolean> {
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
    client.on('error', () => undefined);
    try {
        await withTimeout(client.connect(), 3000);
        await client.ping();
        return false;
    } catch (e) {
        return unreachable('Redis', REDIS_URL, 'RAFFLE_TEST_REDIS_URL', e);
    } finally {
        client.disconnect();
    }
}

/** How long the connections of a closed store may take to go away before they count as a leak. */
const LEAK_GRACE = { timeoutMs: 3_000 };

/** Admin access to the test database: schema cleanup and connection (leak) counts. */
export class PgAdmin {
    readonly pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, application_name: 'raffle-worker-test-admin' });

    /** Connections currently open with this application_name. */
    async connections(applicationName: string): Promise<number> {
        const { rows } = await this.pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
            [applicationName],
        );
        return Number(rows[0]!.n);
    }

    /** Fails when connections named `applicationName` are still open (after a grace period). */
    async assertNoConnections(applicationName: string): Promise<void> {
        await waitFor(`the connections named ${applicationName} to close`, async () => (await this.connections(applicationName)) === 0, LEAK_GRACE).catch(async (e: unknown) => {
            if (!(e instanceof WaitForTimeoutError)) throw e;
            throw new Error(`pg connection leak: ${await this.connections(applicationName)} connection(s) named ${applicationName} still open`);
        });
    }

    async dropSchema(schema: string): Promise<void> {
        await this.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }

    /** Drops every schema whose name starts with `prefix` (leftovers of an interrupted run). */
    async dropSchemasLike(prefix: string): Promise<void> {
        const { rows } = await this.pool.query<{ nspname: string }>(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'",
            [prefix],
        );
        for (const r of rows) await this.dropSchema(r.nspname);
    }

    async close(): Promise<void> {
        await this.pool.end();
    }
}

/** Admin access to the test Redis: key cleanup and client (leak) counts. */
export class RedisAdmin {
    readonly client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectionName: 'raffle-worker-test-admin' });

    /** Open clients with this connection name. */
    async clients(name: string): Promise<number> {
        const list = (await this.client.call('CLIENT', 'LIST')) as string;
        return list.split('\n').filter(line => line.includes(` name=${name} `)).length;
    }

    /** Fails when clients named `name` are still connected (after a grace period). */
    async assertNoClients(name: string): Promise<void> {
        await waitFor(`the clients named ${name} to disconnect`, async () => (await this.clients(name)) === 0, LEAK_GRACE).catch(async (e: unknown) => {
            if (!(e instanceof WaitForTimeoutError)) throw e;
            throw new Error(`redis connection leak: ${await this.clients(name)} client(s) named ${name} still connected`);
        });
    }

    /** Deletes every key starting with `prefix` (bounded SCAN). */
    async deletePrefix(prefix: string): Promise<number> {
        let cursor = '0';
        let deleted = 0;
        for (let i = 0; i < 100_000; i++) {
            const [next, keys] = await this.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
            if (keys.length > 0) deleted += await this.client.del(...keys);
            cursor = next;
            if (cursor === '0') break;
        }
        return deleted;
    }

    async close(): Promise<void> {
        await this.client.quit();
    }
}
