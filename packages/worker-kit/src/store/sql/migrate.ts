/**
 * Applies the numbered migrations in one transaction, under an advisory lock, recording each
 * in `<schema>.schema_migrations`. Replicas starting together wait for each other; a database
 * migrated by a newer version of this package is refused rather than misread.
 *
 * @internal
 */
import { migrationFailed } from '../errors';
import { num } from '../internal';
import type { SqlDriver } from './driver';
import { MIGRATIONS, type Migration } from './migrations.generated';

/** Valid schema names: lower-case identifiers, so they never need escaping beyond quotes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name and returns it quoted. */
export function quoteSchema(schema: string): string {
    if (!SCHEMA_NAME.test(schema)) {
        throw migrationFailed(String(schema), 'the schema name must match /^[a-z_][a-z0-9_]{0,62}$/');
    }
    return `"${schema}"`;
}

/**
 * Brings `schema` up to date.
 * @returns the ids of the migrations applied by this call
 */
export async function migrate(driver: SqlDriver, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
    const q = quoteSchema(schema);
    try {
        return await driver.transaction(async tx => {
            await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`raffle-worker-kit:migrate:${schema}`]);
            await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${q};
                CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                );`);
            const rows = await tx.query(`SELECT id FROM ${q}.schema_migrations ORDER BY id`);
            const applied = rows.map(r => num(r.id));
            const known = migrations.length;
            const newest = applied.at(-1) ?? 0;
            if (newest > known) {
                throw migrationFailed(
                    schema,
                    `the database is at migration ${newest} but this version of @raffle/worker-kit knows ${known}; upgrade the package`,
                );
            }
            const done: number[] = [];
            for (const m of migrations) {
                if (applied.includes(m.id)) continue;
                await tx.exec(`SET LOCAL search_path TO ${q};\n${m.sql}`);
                await tx.query(`INSERT INTO ${q}.schema_migrations (id, name) VALUES ($1, $2)`, [m.id, m.name]);
                done.push(m.id);
            }
            return done;
        });
    } catch (e) {
        if (e instanceof Error && e.name === 'RaffleError') throw e;
        throw migrationFailed(schema, e instanceof Error ? e.message : String(e), e);
    }
}
