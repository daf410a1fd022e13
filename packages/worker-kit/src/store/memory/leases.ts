/**
 * The leases of the in-memory store.
 *
 * @internal
 */
import { checkId, checkPositive, checkUint } from '../internal';
import type { AcquireLeaseInput, LeaseRecord, LeaseStore, ReleaseLeaseInput, RenewLeaseInput } from '../types';
import { type MemoryState, assertOpen, nowOf } from './state';

/**
 * The {@link LeaseStore} over the store's data.
 *
 * @param state - the store's data
 * @returns the lease operations
 */
export function memoryLeaseStore(state: MemoryState): LeaseStore {
    return {
        async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
            assertOpen(state);
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = nowOf(state, input.now);
            const l = state.leases.get(name);
            if (!l) {
                const next = { name, owner, token: 1, expiresAt: now + leaseMs, acquiredAt: now };
                state.leases.set(name, next);
                return { ...next };
            }
            if (l.owner === owner && l.expiresAt > now) {
                l.expiresAt = now + leaseMs;
                return { ...l };
            }
            if (l.owner !== null && l.expiresAt > now) return null;
            Object.assign(l, { owner, token: l.token + 1, expiresAt: now + leaseMs, acquiredAt: now });
            return { ...l };
        },

        async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
            assertOpen(state);
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = nowOf(state, input.now);
            const l = state.leases.get(name);
            if (!l || l.owner !== owner || l.token !== token) return null;
            l.expiresAt = now + leaseMs;
            return { ...l };
        },

        async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
            assertOpen(state);
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const l = state.leases.get(name);
            if (!l || l.owner !== owner || l.token !== token) return false;
            l.owner = null;
            return true;
        },

        async getLease(name: string): Promise<LeaseRecord | null> {
            assertOpen(state);
            const l = state.leases.get(checkId('name', name));
            return l ? { ...l } : null;
        },
    };
}
