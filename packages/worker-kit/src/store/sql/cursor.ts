/**
 * The cursors of the SQL store: one statement per write (create, monotonic upsert or
 * compare-and-set), each checking the fence in the same statement.
 *
 * @internal
 */
import { checkId, checkOptionalId, checkU64, checkUint } from '../internal';
import type { CursorRecord, CursorStore, SetCursorInput, SetCursorResult } from '../types';
import type { Row, SqlConnection } from './connection';
import { toCursor, toLease } from './rows';

/**
 * The {@link CursorStore} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the cursor operations
 */
export function sqlCursorStore(db: SqlConnection): CursorStore {
    const getCursor = async (name: string): Promise<CursorRecord | null> => {
        const rows = await db.query(db.sql.cursorGet, [checkId('name', name)]);
        return rows[0] ? toCursor(rows[0]) : null;
    };
    return {
        getCursor,

        async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
            const name = checkId('name', input.name);
            const slot = checkU64('slot', input.slot).toString();
            const signature = checkOptionalId('signature', input.signature);
            const expected = input.expectedVersion === undefined ? null : checkUint('expectedVersion', input.expectedVersion);
            const fenceLease = input.fence ? checkId('fence.lease', input.fence.lease) : null;
            const fenceToken = input.fence ? checkUint('fence.token', input.fence.token) : null;
            const params: unknown[] = [name, slot, signature, db.now(input.now), fenceLease, fenceToken];
            let rows: Row[];
            if (expected === null) rows = await db.query(db.sql.cursorUpsert, params);
            else if (expected === 0) rows = await db.query(db.sql.cursorCreate, params);
            else rows = await db.query(db.sql.cursorUpdate, [...params, expected]);
            if (rows[0]) return { applied: true, cursor: toCursor(rows[0]) };
            // Not applied: tell why, from the current state.
            const cursor = await getCursor(name);
            if (fenceLease !== null) {
                const [lease] = await db.query(db.sql.leaseGet, [fenceLease]);
                if ((lease ? toLease(lease).token : null) !== fenceToken) return { applied: false, reason: 'fenced', cursor };
            }
            if (expected !== null && (cursor?.version ?? 0) !== expected) return { applied: false, reason: 'version-mismatch', cursor };
            return { applied: false, reason: 'backwards', cursor };
        },
    };
}
