import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { EMBEDDED_TARGETS } from '../../tools/gen-embedded';
import { MIGRATIONS } from '../store/sql/migrations.generated';
import { SQL_QUERIES } from '../store/sql/queries.generated';
import { sqlStatements } from '../store/sql/statements';

describe('embedded SQL and Lua', () => {
    it.each(EMBEDDED_TARGETS.map(t => [t.out, t] as const))('%s matches its source files (run `pnpm --filter @raffle/worker-kit embedded:gen`)', (out, target) => {
        const generated = readFileSync(new URL(`../../${out}`, import.meta.url), 'utf8');
        expect(generated).toBe(target.render());
    });

    it('migrations are numbered from 1 without gaps', () => {
        expect(MIGRATIONS.map(m => m.id)).toEqual(MIGRATIONS.map((_, i) => i + 1));
        expect(MIGRATIONS[0]?.name).toBe('init');
    });

    it('every statement names its tables through the schema placeholder, and binding replaces each one', () => {
        const bound = sqlStatements('"my_schema"');
        for (const [name, text] of Object.entries(SQL_QUERIES)) {
            expect(text, name).toMatch(/:schema\./);
            expect(bound[name as keyof typeof SQL_QUERIES], name).not.toMatch(/(?<!:):schema\b/);
            expect(bound[name as keyof typeof SQL_QUERIES], name).toContain('"my_schema".');
        }
    });
});
