/**
 * The leases of the Redis store: `lease:<name>` hashes.
 *
 * @internal
 */
import { checkId, checkPositive, checkUint } from '../internal';
import type { AcquireLeaseInput, LeaseRecord, LeaseStore, ReleaseLeaseInput, RenewLeaseInput } from '../types';
import type { RedisConnection } from './connection';
import { fields, toLease } from './fields';

/**
 * The {@link LeaseStore} of a Redis store.
 *
 * @param db - the store's connection
 * @returns the lease operations
 */
export function redisLeaseStore(db: RedisConnection): LeaseStore {
    return {
        async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const reply = (await db.run('leaseAcquire', db.key(`lease:${name}`), [name, owner, leaseMs, db.now(input.now)])) as string[];
            return reply.length > 0 ? toLease(fields(reply)) : null;
        },

        async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const reply = (await db.run('leaseRenew', db.key(`lease:${name}`), [owner, String(token), leaseMs, db.now(input.now)])) as string[];
            return reply.length > 0 ? toLease(fields(reply)) : null;
        },

        async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            return (await db.run('leaseRelease', db.key(`lease:${name}`), [owner, String(token)])) === 1;
        },

        async getLease(name: string): Promise<LeaseRecord | null> {
            const f = await (await db.client()).hgetall(db.key(`lease:${checkId('name', name)}`));
            return f.name ? toLease(f) : null;
        },
    };
}
