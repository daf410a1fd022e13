/**
 * The leases of the SQLite store: an acquisition reads the lease and decides in one
 * transaction; the fencing token grows by one every time the lease changes hands.
 *
 * @internal
 */
import { checkId, checkPositive, checkUint, num } from '../internal';
import type { AcquireLeaseInput, LeaseRecord, LeaseStore, ReleaseLeaseInput, RenewLeaseInput } from '../types';
import type { Row, SqliteConnection, SqliteQueries } from './connection';

const LEASE_COLS = 'name, owner, token, expires_at, acquired_at';
const SELECT_LEASE = `SELECT ${LEASE_COLS} FROM leases WHERE name = ?`;
const UPSERT_LEASE = `INSERT INTO leases (${LEASE_COLS}) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at, acquired_at = excluded.acquired_at`;
const RENEW_LEASE = `UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ? AND token = ? RETURNING ${LEASE_COLS}`;
const RELEASE_LEASE = 'UPDATE leases SET owner = NULL WHERE name = ? AND owner = ? AND token = ?';

function toLease(r: Row): LeaseRecord {
    return { name: String(r.name), owner: (r.owner as string | null) ?? null, token: num(r.token), expiresAt: num(r.expires_at), acquiredAt: num(r.acquired_at) };
}

function readLease(q: SqliteQueries, name: string): LeaseRecord | null {
    const row = q.get(SELECT_LEASE, name);
    return row ? toLease(row) : null;
}

/**
 * The {@link LeaseStore} over the store's database.
 *
 * @param db - the store's connection
 * @returns the lease operations
 */
export function sqliteLeaseStore(db: SqliteConnection): LeaseStore {
    return {
        async acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = db.now(input.now);
            return db.write(q => {
                const current = readLease(q, name);
                let next: LeaseRecord;
                if (!current) next = { name, owner, token: 1, expiresAt: now + leaseMs, acquiredAt: now };
                else if (current.owner === owner && current.expiresAt > now) next = { ...current, expiresAt: now + leaseMs }; // renewed: same term
                else if (current.owner !== null && current.expiresAt > now) return null; // held by another owner
                else next = { name, owner, token: current.token + 1, expiresAt: now + leaseMs, acquiredAt: now }; // free or expired: a new term
                q.run(UPSERT_LEASE, next.name, next.owner, next.token, next.expiresAt, next.acquiredAt);
                return next;
            });
        },

        async renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            const leaseMs = checkPositive('leaseMs', input.leaseMs);
            const now = db.now(input.now);
            return db.write(q => {
                const row = q.get(RENEW_LEASE, now + leaseMs, name, owner, token);
                return row ? toLease(row) : null;
            });
        },

        async releaseLease(input: ReleaseLeaseInput): Promise<boolean> {
            const name = checkId('name', input.name);
            const owner = checkId('owner', input.owner);
            const token = checkUint('token', input.token);
            return db.write(q => q.run(RELEASE_LEASE, name, owner, token) === 1);
        },

        async getLease(name: string): Promise<LeaseRecord | null> {
            const checked = checkId('name', name);
            return db.read(q => readLease(q, checked));
        },
    };
}
