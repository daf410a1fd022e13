/**
 * The cursors of the Redis store: `cursor:<name>` hashes, written by `commands/cursor-set.lua`.
 *
 * @internal
 */
import { checkId, checkOptionalId, checkU64, checkUint } from '../internal';
import type { CursorRecord, CursorRejection, CursorStore, SetCursorInput, SetCursorResult } from '../types';
import type { RedisConnection } from './connection';
import { fields, toCursor } from './fields';

/**
 * The {@link CursorStore} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the cursor operations
 */
export function redisCursorStore(db: RedisConnection): CursorStore {
    return {
        async getCursor(name: string): Promise<CursorRecord | null> {
            const f = await (await db.client()).hgetall(db.key(`cursor:${checkId('name', name)}`));
            return f.name ? toCursor(f) : null;
        },

        async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
            const name = checkId('name', input.name);
            const slot = checkU64('slot', input.slot).toString();
            const signature = checkOptionalId('signature', input.signature) ?? '';
            const expected = input.expectedVersion === undefined ? '' : String(checkUint('expectedVersion', input.expectedVersion));
            const fenceLease = input.fence ? checkId('fence.lease', input.fence.lease) : '';
            const fenceToken = input.fence ? String(checkUint('fence.token', input.fence.token)) : '';
            const reply = (await db.run('cursorSet', db.key(`cursor:${name}`), [name, slot, signature, expected, fenceLease, fenceToken, db.now(input.now)])) as [
                string,
                string[],
            ];
            const f = fields(reply[1]);
            const cursor = f.name ? toCursor(f) : null;
            if (reply[0] === 'ok' && cursor) return { applied: true, cursor };
            return { applied: false, reason: reply[0] as CursorRejection, cursor };
        },
    };
}
