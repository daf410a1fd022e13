/**
 * The store adapters for the worker benchmarks, each over throwaway data: memory; SQLite (the
 * embedded default, `synchronous=FULL`, a file in the OS temp dir); PGlite (data directory in the
 * OS temp dir); PostgreSQL (RAFFLE_TEST_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/test, in a throwaway schema); Redis
 * (RAFFLE_TEST_REDIS_URL, default redis://127.0.0.1:6379, under a throwaway key prefix).
 * PostgreSQL and Redis are skipped with a message when unreachable. `BENCH_ADAPTERS=memory,postgres`
 * limits a run to some of them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';

import { createPgliteWorkerStore } from '../src/entries/pglite';
import { createPostgresWorkerStore } from '../src/entries/postgres';
import { createRedisWorkerStore } from '../src/entries/redis';
import { createSqliteWorkerStore } from '../src/entries/sqlite';
import { type WorkerStore, createMemoryWorkerStore } from '../src/index';

const DATABASE_URL = process.env.RAFFLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.RAFFLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One adapter under benchmark. */
export interface BenchAdapter {
    readonly name: 'memory' | 'sqlite' | 'pglite' | 'postgres' | 'redis';
    /** A fresh store over empty data (call `ready()`); `label` tells runs of one adapter apart. */
    open(label: string): WorkerStore;
    /** Bytes the store opened under `label` takes (files, relations with indexes, or key memory); absent for memory. */
    storage?(label: string): Promise<number>;
    /** What the database would do on its own meanwhile (PostgreSQL: VACUUM, since autovacuum is off here). */
    maintain?(label: string): Promise<void>;
}

/** Bytes of the files under `path` (a file or a directory), 0 when missing. */
function diskBytes(path: string): number {
    let st;
    try {
        st = statSync(path);
    } catch {
        return 0;
    }
    if (!st.isDirectory()) return st.size;
    return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), 0);
}

async function reachable(what: string, check: () => Promise<unknown>): Promise<boolean> {
    try {
        await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
        return true;
    } catch (e) {
        console.warn(`${what} skipped: ${e instanceof Error ? e.message : String(e)}`);
        return false;
    }
}

/**
 * The adapters reachable on this machine, and a cleanup that removes every schema, key and
 * directory they created.
 */
export async function benchAdapters(): Promise<{ adapters: BenchAdapter[]; cleanup: () => Promise<void> }> {
    const tag = randomBytes(4).toString('hex');
    const schemas: string[] = [];
    const dirs: string[] = [];
    const prefixes: string[] = [];
    const paths = new Map<string, string>();
    const schemaOf = (label: string) => `wk_bench_${tag}_${label.replace(/[^a-z0-9_]/gi, '_')}`;
    const adapters: BenchAdapter[] = [
        { name: 'memory', open: () => createMemoryWorkerStore() },
        {
            name: 'sqlite',
            open: label => {
                const dir = mkdtempSync(join(tmpdir(), 'raffle-bench-sqlite-'));
                dirs.push(dir);
                paths.set(`sqlite:${label}`, dir);
                return createSqliteWorkerStore({ path: join(dir, 'worker.sqlite') });
            },
            storage: async label => diskBytes(paths.get(`sqlite:${label}`) ?? ''),
        },
        {
            name: 'pglite',
            open: label => {
                const dataDir = mkdtempSync(join(tmpdir(), 'raffle-bench-pglite-'));
                dirs.push(dataDir);
                paths.set(`pglite:${label}`, dataDir);
                return createPgliteWorkerStore({ dataDir });
            },
            storage: async label => diskBytes(paths.get(`pglite:${label}`) ?? ''),
        },
    ];
    const pgUp = await reachable('postgres', async () => {
        const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
        await c.connect();
        await c.end();
    });
    if (pgUp) {
        adapters.push({
            name: 'postgres',
            open: label => {
                const schema = schemaOf(label);
                schemas.push(schema);
                return createPostgresWorkerStore({ connectionString: DATABASE_URL, schema });
            },
            storage: label =>
                withPg(async c => {
                    const { rows } = await c.query(
                        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
                        [schemaOf(label)],
                    );
                    return Number(rows[0].bytes);
                }),
            maintain: label =>
                withPg(async c => {
                    const { rows } = await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, [schemaOf(label)]);
                    for (const r of rows) await c.query(`VACUUM "${schemaOf(label)}"."${String(r.tablename)}"`);
                }),
        });
    }
    const redisUp = await reachable('redis', async () => {
        const c = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        try {
            await c.connect();
        } finally {
            c.disconnect();
        }
    });
    if (redisUp) {
        adapters.push({
            name: 'redis',
            open: label => {
                const keyPrefix = `raffle-bench:${tag}:${label}:`;
                prefixes.push(keyPrefix);
                return createRedisWorkerStore({ url: REDIS_URL, keyPrefix });
            },
            storage: async label => {
                const c = new Redis(REDIS_URL);
                let bytes = 0;
                let cursor = '0';
                for (let i = 0; i < 1_000_000; i++) {
                    const [next, keys] = await c.scan(cursor, 'MATCH', `raffle-bench:${tag}:${label}:*`, 'COUNT', 1000);
                    for (const key of keys) bytes += Number((await c.memory('USAGE', key)) ?? 0);
                    cursor = next;
                    if (cursor === '0') break;
                }
                await c.quit();
                return bytes;
            },
        });
    }
    async function withPg<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        try {
            return await run(c);
        } finally {
            await c.end();
        }
    }
    async function cleanup(): Promise<void> {
        if (schemas.length > 0) {
            const c = new pg.Client({ connectionString: DATABASE_URL });
            await c.connect();
            for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            await c.end();
        }
        if (prefixes.length > 0) {
            const c = new Redis(REDIS_URL);
            for (const prefix of prefixes) {
                let cursor = '0';
                for (let i = 0; i < 100_000; i++) {
                    const [next, keys] = await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
                    if (keys.length > 0) await c.del(...keys);
                    cursor = next;
                    if (cursor === '0') break;
                }
            }
            await c.quit();
        }
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
    const only = process.env.BENCH_ADAPTERS?.split(',').map(a => a.trim());
    return { adapters: only ? adapters.filter(a => only.includes(a.name)) : adapters, cleanup };
}
