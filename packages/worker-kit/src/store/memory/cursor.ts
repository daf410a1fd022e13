/**
 * The cursors of the in-memory store.
 *
 * @internal
 */
import { checkId, checkOptionalId, checkU64, checkUint } from '../internal';
import type { CursorRecord, CursorStore, SetCursorInput, SetCursorResult } from '../types';
import { type MemoryState, assertOpen, nowOf } from './state';

/**
 * The {@link CursorStore} over the store's data (a fenced write reads its leases).
 *
 * @param state - the store's data
 * @returns the cursor operations
 */
export function memoryCursorStore(state: MemoryState): CursorStore {
    return {
        async getCursor(name: string): Promise<CursorRecord | null> {
            assertOpen(state);
            const c = state.cursors.get(checkId('name', name));
            return c ? { ...c } : null;
        },

        async setCursor(input: SetCursorInput): Promise<SetCursorResult> {
            assertOpen(state);
            const name = checkId('name', input.name);
            const slot = checkU64('slot', input.slot);
            const signature = checkOptionalId('signature', input.signature);
            const expected = input.expectedVersion === undefined ? null : checkUint('expectedVersion', input.expectedVersion);
            const now = nowOf(state, input.now);
            if (input.fence) {
                checkId('fence.lease', input.fence.lease);
                checkUint('fence.token', input.fence.token);
            }
            const current = state.cursors.get(name) ?? null;
            const copy = current ? { ...current } : null;
            if (input.fence && state.leases.get(input.fence.lease)?.token !== input.fence.token) {
                return { applied: false, reason: 'fenced', cursor: copy };
            }
            if (expected !== null && (current?.version ?? 0) !== expected) {
                return { applied: false, reason: 'version-mismatch', cursor: copy };
            }
            if (current && slot < current.slot) return { applied: false, reason: 'backwards', cursor: copy };
            const next = { name, slot, signature, version: (current?.version ?? 0) + 1, updatedAt: now };
            state.cursors.set(name, next);
            return { applied: true, cursor: { ...next } };
        },
    };
}
