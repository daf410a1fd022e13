import { isRaffleError } from '@raffle/errors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MIGRATIONS, createPostgresWorkerStore } from '@raffle/worker-kit/postgres';
import { describeWorkerStoreConformance } from '@raffle/worker-kit/testing';

import type { SqlDriver } from '../store/sql/driver';
import { migrate, quoteSchema } from '../store/sql/migrate';
import { sqlStatements } from '../store/sql/statements';
import { countAndEnqueue, killStepChild, stepEvents } from './fixtures/sql-step';
import { DATABASE_URL, PgAdmin, fileTag, skipPostgres } from './services';

const skip = await skipPostgres();
const tag = `wk_pg_${fileTag()}`;
let admin: PgAdmin;
let counter = 0;

beforeAll(() => {
    if (!skip) admin = new PgAdmin();
});

afterAll(async () => {
    if (skip) return;
    await admin.dropSchemasLike(tag);
    await admin.close();
});

/** A store on a fresh schema; every connection it (and its peers) opens is named after the schema. */
function freshStore(extra: Partial<Parameters<typeof createPostgresWorkerStore>[0]> = {}) {
    const schema = `${tag}_${++counter}`;
    const applicationName = schema.replaceAll('_', '-');
    const open = () =>
        createPostgresWorkerStore({ connectionString: DATABASE_URL, schema, poolConfig: { application_name: applicationName, max: 4 }, ...extra });
    return { schema, applicationName, open };
}

describeWorkerStoreConformance(
    'postgres',
    async () => {
        const { schema, applicationName, open } = freshStore();
        return {
            store: open(),
            connectPeer: async () => open(),
            cleanup: async () => {
                await admin.assertNoConnections(applicationName);
                await admin.dropSchema(schema);
            },
        };
    },
    { skip },
);

describe.skipIf(skip)('postgres store specifics', () => {
    it('migrates once even when several replicas start together, and records the migrations', async () => {
        const { schema, applicationName, open } = freshStore();
        const stores = Array.from({ length: 5 }, open);
        await Promise.all(stores.map(s => s.ready()));
        const { rows } = await admin.pool.query(`SELECT id, name FROM "${schema}".schema_migrations ORDER BY id`);
        expect(rows).toEqual(MIGRATIONS.map(m => ({ id: m.id, name: m.name })));
        await Promise.all(stores.map(s => s.close()));
        await admin.assertNoConnections(applicationName);
    });

    it('refuses a database migrated by a newer version of the package; ready() can be retried', async () => {
        const { schema, applicationName, open } = freshStore();
        const first = open();
        await first.ready();
        await first.close();
        await admin.pool.query(`INSERT INTO "${schema}".schema_migrations (id, name) VALUES (999, 'from_the_future')`);
        const second = open();
        const error = await second.ready().catch((e: unknown) => e);
        expect(isRaffleError(error)).toBe(true);
        expect(String((error as Error).message)).toMatch(/at migration 999.*upgrade the package/);
        // a failed ready() leaves no connection behind and can be retried
        await admin.assertNoConnections(applicationName);
        await admin.pool.query(`DELETE FROM "${schema}".schema_migrations WHERE id = 999`);
        await second.ready();
        expect(await second.getCursor('c')).toBeNull();
        await second.close();
        await admin.assertNoConnections(applicationName);
    });

    it('rolls a failing migration back entirely', async () => {
        const { schema } = freshStore();
        const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
        const driver: SqlDriver = {
            query: async (text, params = []) => (await pool.query(text, params as unknown[])).rows,
            async transaction(fn) {
                const client = await pool.connect();
                try {
                    await client.query('BEGIN');
                    const out = await fn({
                        query: async (t, p = []) => (await client.query(t, p as unknown[])).rows,
                        exec: async s => void (await client.query(s)),
                    });
                    await client.query('COMMIT');
                    return out;
                } catch (e) {
                    await client.query('ROLLBACK');
                    throw e;
                } finally {
                    client.release();
                }
            },
            close: async () => undefined,
        };
        const broken = [...MIGRATIONS, { id: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE ok_table (x int); SELECT no_such_column FROM jobs;' }];
        await expect(migrate(driver, schema, broken)).rejects.toThrow(/no_such_column/);
        const { rows } = await pool.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schema]);
        expect(rows[0].n).toBe(0); // nothing at all was applied, not even the schema
        expect(await migrate(driver, schema)).toEqual(MIGRATIONS.map(m => m.id));
        expect(await migrate(driver, schema)).toEqual([]);
        await pool.end();
        await admin.dropSchema(schema);
    });

    it('uses a pool it is given without ending it, and does not migrate when told not to', async () => {
        const { schema } = freshStore();
        const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
        const migrating = createPostgresWorkerStore({ pool, schema });
        await migrating.enqueueJob({ id: 'j', name: 'n' }); // the first operation calls ready()
        await migrating.close();
        expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
        const plain = createPostgresWorkerStore({ pool, schema, migrate: false });
        expect((await plain.getJob('j'))?.name).toBe('n');
        await plain.close();
        const unmigrated = createPostgresWorkerStore({ pool, schema: `${schema}_none`, migrate: false });
        await expect(unmigrated.getJob('j')).rejects.toThrow(/does not exist/);
        await unmigrated.close();
        await pool.end();
        expect(pool.totalCount).toBe(0);
    });

    it('fails ready() with a typed error and no open connection when the database is unreachable', async () => {
        const store = createPostgresWorkerStore({
            connectionString: 'postgres://postgres@127.0.0.1:1/none',
            poolConfig: { connectionTimeoutMillis: 1000 },
        });
        const error = await store.ready().catch((e: unknown) => e);
        expect(isRaffleError(error)).toBe(true);
        expect((error as Error).message).toMatch(/cannot connect/);
        await store.close();
    });

    it('rejects a schema name that would need escaping', () => {
        expect(() => createPostgresWorkerStore({ connectionString: DATABASE_URL, schema: 'bad"; DROP' })).toThrow(/schema name/);
    });

    it('claims from the partial indexes in order: a backlog is never scanned or sorted whole', async () => {
        const { schema, open } = freshStore();
        const store = open();
        const queue = 'events:backlog';
        for (let b = 0; b < 10; b++) {
            await store.enqueueJobs(Array.from({ length: 1000 }, (_, i) => ({ id: `job-${b}-${String(i).padStart(4, '0')}`, queue, name: 'n', runAt: b * 1000 + i })));
        }
        await admin.pool.query(`ANALYZE "${schema}".jobs`);
        const { rows } = await admin.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sqlStatements(quoteSchema(schema)).jobsClaim}`, ['w', queue, 10, 30_000, 1_000_000]);
        const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number }[] = [];
        const walk = (node: Record<string, unknown>) => {
            nodes.push(node as (typeof nodes)[number]);
            for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
        };
        walk((rows[0]!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
        expect(nodes.filter(n => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'jobs')).toEqual([]);
        const pending = nodes.find(n => n['Index Name'] === 'jobs_pending');
        expect(pending?.['Actual Rows']).toBeLessThanOrEqual(10); // stopped at the limit, in index order
        // (The plan ran inside EXPLAIN ANALYZE: those 10 jobs are claimed now.)
        const next = await store.claimJobs({ owner: 'w2', queue, limit: 3, leaseMs: 30_000, now: 1_000_000 });
        expect(next.map(j => j.id)).toEqual(['job-0-0010', 'job-0-0011', 'job-0-0012']);
        await store.close();
        await admin.dropSchema(schema);
    });

    it.each([
        ['in its plan, after a read', 'plan'],
        ['before COMMIT, its every statement run', 'commit'],
    ] as const)(
        'an atomic step killed (SIGKILL) %s leaves neither its events nor its writes nor its jobs; re-running it projects once',
        async (_, point) => {
            const { schema, open } = freshStore();
            await killStepChild([point, 'postgres', DATABASE_URL, schema], 30_000);
            const store = open();
            const killed = stepEvents(1, 5);
            // The first step committed; nothing of the killed one did (the server rolled it back and released the lock).
            expect((await store.getEvents(killed)).every(e => e === null)).toBe(true);
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([1]);
            expect(await store.countJobs()).toBe(1);
            const again = await store.recordEventsWith(killed, countAndEnqueue);
            expect(again.results.map(r => r.inserted)).toEqual([true, true, true, true, true]);
            await store.recordEventsWith(killed, countAndEnqueue);
            expect(await store.getProjectionValues('count', ['Joined'])).toEqual([6]);
            expect(await store.countJobs()).toBe(6);
            await store.close();
            await admin.dropSchema(schema);
        },
        60_000,
    );

    it('reads the database clock when no `now` is given', async () => {
        const { schema, open } = freshStore();
        const store = open();
        const { rows } = await admin.pool.query<{ ms: string }>('SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS ms');
        const lease = await store.acquireLease({ name: 'l', owner: 'a', leaseMs: 1000 });
        expect(Math.abs(lease!.acquiredAt - Number(rows[0]!.ms))).toBeLessThan(5_000);
        await store.close();
        await admin.dropSchema(schema);
    });
});
