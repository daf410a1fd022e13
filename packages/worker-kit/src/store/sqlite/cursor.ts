/**
 * The cursors of the SQLite store: a compare-and-set write reads the cursor (and the fencing
 * lease) and writes it in one transaction.
 *
 * @internal
 */
import { big, checkId, checkOptionalId, checkU64, checkUint, num } from '../internal';
import type { CursorRecord, CursorStore, SetCursorInput, SetCursorResult } from '../types';
import type { Row, SqliteConnection, SqliteQueries } from './connection';

const SELECT_CURSOR = 'SELECT name, slot, signature, version, updated_at FROM cursors WHERE name = ?';
const SELECT_LEASE_TOKEN = 'SELECT token FROM leases WHERE name = ?';
const UPSERT_CURSOR = `INSERT INTO cursors (name, slot, signature, version, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET slot = excluded.slot, signature = excluded.signature, version = excluded.version, updated_at = excluded.updated_at`;

function toCursor(r: Row): CursorRecord {
    return { name: String(r.name), slot: big(r.slot), signature: (r.signature as string | null) ?? null, version: num(r.version), updatedAt: num(r.updated_at) };
}

function readCursor(q: SqliteQueries, name: string): CursorRecord | null {
    const row = q.get(SELECT_CURSOR, name);
    return row ? toCursor(row) : null;
}

/**
 * The {@link CursorStore} over the store's database.
 *
 * @param db - the store's connection
 * @returns the cursor operations
 */
export function sqliteCursorStore(db: SqliteConnection): CursorStore {
    return {
        async getCursor(name: string): Promise<CursorRecord | null> {
            const checked = checkId('name', name);
            return db.read(q => readCursor(q, checked));
        },

        async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
            const name = checkId('name', input.name);
            const slot = checkU64('slot', input.slot);
            const signature = checkOptionalId('signature', input.signature);
            const expected = input.expectedVersion === undefined ? null : checkUint('expectedVersion', input.expectedVersion);
            const fence = input.fence ? { lease: checkId('fence.lease', input.fence.lease), token: checkUint('fence.token', input.fence.token) } : null;
            const now = db.now(input.now);
            return db.write(q => {
                const current = readCursor(q, name);
                if (fence) {
                    const lease = q.get(SELECT_LEASE_TOKEN, fence.lease);
                    if (!lease || num(lease.token) !== fence.token) return { applied: false, reason: 'fenced', cursor: current };
                }
                if (expected !== null && (current?.version ?? 0) !== expected) return { applied: false, reason: 'version-mismatch', cursor: current };
                if (current && slot < current.slot) return { applied: false, reason: 'backwards', cursor: current };
                const next: CursorRecord = { name, slot, signature, version: (current?.version ?? 0) + 1, updatedAt: now };
                q.run(UPSERT_CURSOR, name, slot, signature, next.version, now);
                return { applied: true, cursor: next };
            });
        },
    };
}
