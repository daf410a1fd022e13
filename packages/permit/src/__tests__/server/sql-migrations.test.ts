/**
 * The migrations embedded in `store/sql/migrations.ts` match the `.sql` files. To refresh
 * after editing or adding a file: `RAFFLE_UPDATE_EMBEDDED_SQL=1 npx vitest run
 * packages/permit/src/__tests__/server/sql-migrations.test.ts`.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { SQL_MIGRATIONS } from '../../server/store/sql/migrations';

const dir = fileURLToPath(new URL('../../server/store/sql/', import.meta.url));

function render(files: { name: string; sql: string }[]): string {
    const header = readFileSync(`${dir}migrations.ts`, 'utf8').split('export const SQL_MIGRATIONS')[0]!;
    let out = `${header}export const SQL_MIGRATIONS: readonly SqlMigration[] = [\n`;
    for (const f of files) {
        out += `    {\n        version: ${Number(f.name.slice(0, 3))},\n        name: ${JSON.stringify(f.name)},\n        sql: ${JSON.stringify(f.sql)},\n    },\n`;
    }
    return `${out}];\n`;
}

describe('SQL migrations', () => {
    const files = readdirSync(dir)
        .filter(f => f.endsWith('.sql'))
        .sort()
        .map(name => ({ name, sql: readFileSync(`${dir}${name}`, 'utf8') }));

    it('are numbered 001, 002, ... without gaps', () => {
        expect(files.map(f => f.name)).toEqual(files.map((f, i) => expect.stringMatching(new RegExp(`^${String(i + 1).padStart(3, '0')}_[a-z0-9_]+\\.sql$`))));
    });

    it('are embedded byte for byte', () => {
        if (process.env.RAFFLE_UPDATE_EMBEDDED_SQL === '1') writeFileSync(`${dir}migrations.ts`, render(files));
        expect(SQL_MIGRATIONS.map(m => ({ name: m.name, sql: m.sql }))).toEqual(files);
        expect(readFileSync(`${dir}migrations.ts`, 'utf8')).toBe(render(files));
    });
});
