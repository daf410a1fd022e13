import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { renderMigrations } from '../../tools/gen-migrations';
import { MIGRATIONS } from '../store/postgres/migrations.generated';

describe('SQL migrations', () => {
    it('migrations.generated.ts matches the .sql files (run `pnpm --filter @raffle/worker-kit migrations:gen`)', () => {
        const generated = readFileSync(new URL('../store/postgres/migrations.generated.ts', import.meta.url), 'utf8');
        expect(generated).toBe(renderMigrations());
    });

    it('are numbered from 1 without gaps', () => {
        expect(MIGRATIONS.map(m => m.id)).toEqual(MIGRATIONS.map((_, i) => i + 1));
        expect(MIGRATIONS[0]?.name).toBe('init');
    });
});
