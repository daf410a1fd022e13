/**
 * Real PostgreSQL for tests: `RAFFLE_TEST_DATABASE_URL` (default the local test database).
 * Each test file gets fresh schemas and drops them afterwards. Unreachable: the tests are
 * skipped with a message, except on CI (`CI=true`), where they fail.
 */
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.RAFFLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ON_CI = process.env.CI === 'true';

async function probe(): Promise<string | undefined> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
        await client.connect();
        await client.query('SELECT 1');
        return undefined;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    } finally {
        await client.end().catch(() => undefined);
    }
}

const failure = await probe();
if (failure !== undefined) {
    if (ON_CI) throw new Error(`PostgreSQL tests must run on CI, but ${TEST_DATABASE_URL} is unreachable: ${failure}`);
    console.warn(
        `[permit server] skipping PostgreSQL tests: ${TEST_DATABASE_URL} is unreachable (${failure}). ` +
            'Start PostgreSQL or set RAFFLE_TEST_DATABASE_URL=postgres://user@host:5432/db to run them.',
    );
}

/** True when the PostgreSQL tests run. */
export const postgresAvailable = failure === undefined;

/** A schema name unique to this run. */
export function freshSchemaName(prefix: string): string {
    return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Creates schemas on demand and drops every one of them at the end.
 *
 * @returns `schema()` and `dropAll()`
 */
export function schemaPool(prefix: string): { schema(): string; dropAll(): Promise<void> } {
    const made: string[] = [];
    return {
        schema() {
            const name = freshSchemaName(prefix);
            made.push(name);
            return name;
        },
        async dropAll() {
            if (!postgresAvailable || made.length === 0) return;
            const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
            await client.connect();
            try {
                for (const name of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
            } finally {
                await client.end();
            }
        },
    };
}
