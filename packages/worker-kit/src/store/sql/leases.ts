/**
 * The leases of the SQL store: acquisition is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE`
 * (free, expired or already ours), renewal and release compare owner and token.
 *
 * @internal
 */
import { checkId, checkPositive, checkUint } from '../internal';
import type { AcquireLeaseInput, LeaseRecord, LeaseStore, ReleaseLeaseInput, RenewLeaseInput } from '../types';
import type { SqlConnection } from './connection';
import { toLease } from './rows';

/**
 * The {@link LeaseStore} of a SQL store.
 *
 * @param db - the store's connection
 * @returns the lease operations
 */
export function sqlLeaseStore(db: SqlConnection): LeaseStore {
    return {
        async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const rows = await db.query(db.sql.leaseAcquire, [name, owner, leaseMs, db.now(input.now)]);
            return rows[0] ? toLease(rows[0]) : null;
        },

        async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const rows = await db.query(db.sql.leaseRenew, [name, owner, token, leaseMs, db.now(input.now)]);
            return rows[0] ? toLease(rows[0]) : null;
        },

        async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const rows = await db.query(db.sql.leaseRelease, [name, owner, token]);
            return rows.length === 1;
        },

        async getLease(name: string): Promise<LeaseRecord | null> {
            const rows = await db.query(db.sql.leaseGet, [checkId('name', name)]);
            return rows[0] ? toLease(rows[0]) : null;
        },
    };
}
