import { RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER } from '@raffle/errors';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { createPostgresPermitStore } from '../../server/store/postgres';
import { SQL_MIGRATIONS } from '../../server/store/sql/migrations';
import { ENTERPRISE_ID, randomAddress } from './support/fixtures';
import { TEST_DATABASE_URL, postgresAvailable, schemaPool } from './support/postgres';
import { describeStoreConformance } from './support/store-conformance';

const schemas = schemaPool('permit_pg');
const pool = postgresAvailable ? new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 10 }) : undefined;
afterAll(async () => {
    await schemas.dropAll();
    await pool?.end();
});

describeStoreConformance('postgres', async () => createPostgresPermitStore({ pool: pool!, schema: schemas.schema() }), { skip: !postgresAvailable });

describe.skipIf(!postgresAvailable)('createPostgresPermitStore', () => {
    it('applies the migrations once when replicas start together', async () => {
        const schema = schemas.schema();
        const replicas = Array.from({ length: 4 }, () => createPostgresPermitStore({ connectionString: TEST_DATABASE_URL, Pool: pg.Pool, max: 2, schema }));
        try {
            await Promise.all(replicas.map(r => r.ready()));
            const { rows } = await pool!.query(`SELECT version, name FROM "${schema}".permit_schema_migrations ORDER BY version`);
            expect(rows).toEqual(SQL_MIGRATIONS.map(m => ({ version: m.version, name: m.name })));
            // Replicas share raffle ids: 40 reservations across 4 pools, 40 distinct ids.
            const address = randomAddress();
            await replicas[0]!.createOrganizer({ address, enterpriseId: ENTERPRISE_ID, tier: 'enterprise' }, 1000);
            const results = await Promise.all(
                Array.from({ length: 40 }, (_, i) => replicas[i % 4]!.reservePermit({ organizer: address, now: 1000, expiresAt: 9_000_000_000_000, maxActive: i % 2 ? 1000 : null })),
            );
            const ids = results.map(r => (r.ok ? r.raffleId : -1n));
            expect(new Set(ids).size).toBe(40);
            expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
        } finally {
            await Promise.all(replicas.map(r => r.close()));
        }
    });

    it('refuses a schema migrated by a newer version', async () => {
        const schema = schemas.schema();
        const store = createPostgresPermitStore({ pool: pool!, schema });
        await store.ready();
        await pool!.query(`INSERT INTO "${schema}".permit_schema_migrations (version, name) VALUES (999, '999_future.sql')`);
        const again = createPostgresPermitStore({ pool: pool!, schema });
        await expect(again.ready()).rejects.toThrow(/newer than this @raffle\/permit knows/);
        await expect(createPostgresPermitStore({ pool: pool!, schema }).ready()).rejects.toThrow(
            expect.objectContaining({ code: RAFFLE_ERROR__PERMIT__STORE_SCHEMA_NEWER, context: { schema, applied: 999, known: Math.max(...SQL_MIGRATIONS.map(m => m.version)) } }),
        );
    });

    it('ends the pool it created and leaves a given one open', async () => {
        const owned = createPostgresPermitStore({ connectionString: TEST_DATABASE_URL, Pool: pg.Pool, schema: schemas.schema() });
        await owned.ready();
        await owned.close();
        await expect(owned.ping()).rejects.toThrow();
        const shared = createPostgresPermitStore({ pool: pool!, schema: schemas.schema() });
        await shared.close();
        expect((await pool!.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
});
