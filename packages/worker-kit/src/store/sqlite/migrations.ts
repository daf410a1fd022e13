/**
 * The runner that applies the SQLite store's schema in `ready()`. The schema is the numbered
 * migrations `migrations/NNN_name.sql`, embedded into `migrations.generated.ts` by
 * `tools/gen-embedded.ts` (`pnpm --filter @raffle/worker-kit embedded:gen`).
 *
 * @internal
 */
import { isRaffleError } from '@raffle/errors';
import type BetterSqlite3 from 'better-sqlite3';

import { migrationFailed } from '../errors';
import { num } from '../internal';
import { isSqliteBusy, sqliteCode } from './errors';
import { SQLITE_MIGRATIONS, type SqliteMigration } from './migrations.generated';

/**
 * Brings the database up to date in one transaction, recording each migration in
 * `schema_migrations`. A database migrated by a newer version of this package is refused
 * rather than misread.
 *
 * @param db - the open database (owned by this process)
 * @param migrations - the migrations to apply (default {@link SQLITE_MIGRATIONS})
 * @returns the ids of the migrations applied by this call
 * @throws RaffleError `RAFFLE_ERROR__WORKER__STORE_MIGRATION_FAILED`; SQLite's own error when the
 *   disk is full or another process holds the database (the caller reports those)
 */
export function migrateSqlite(db: BetterSqlite3.Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
    const apply = db.transaction((): number[] => {
        db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
        const applied = db
            .prepare('SELECT id FROM schema_migrations ORDER BY id')
            .all()
            .map(r => num((r as { id: unknown }).id));
        const newest = applied.at(-1) ?? 0;
        if (newest > migrations.length) {
            throw migrationFailed('main', `the database is at migration ${newest} but this version of @raffle/worker-kit knows ${migrations.length}; upgrade the package`);
        }
        const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
        const done: number[] = [];
        for (const m of migrations) {
            if (applied.includes(m.id)) continue;
            db.exec(m.sql);
            record.run(m.id, m.name, Date.now());
            done.push(m.id);
        }
        return done;
    });
    try {
        return apply.immediate();
    } catch (e) {
        if (isRaffleError(e) || sqliteCode(e) === 'SQLITE_FULL' || isSqliteBusy(e)) throw e;
        throw migrationFailed('main', e instanceof Error ? e.message : String(e), e);
    }
}
