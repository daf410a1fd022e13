/**
 * The lease concern: named leases for leader election, with fencing tokens.
 *
 * @packageDocumentation
 */
import type { ClockOptions } from './common';

/**
 * A fencing token proving the writer still holds a lease: a write that carries it is rejected
 * once another owner has acquired the lease (its token is then higher).
 */
export interface FenceToken {
    /** The lease's name. */
    readonly lease: string;
    /** The token returned by {@link LeaseStore.acquireLease} for that lease. */
    readonly token: number;
}

/** A named lease held by one owner until it expires. */
export interface LeaseRecord {
    /** The lease's name, e.g. `leader`. */
    readonly name: string;
    /** The current owner (null after a release). */
    readonly owner: string | null;
    /**
     * The fencing token: increases by one every time the lease changes hands (never reused,
     * also across releases); unchanged while one owner renews it.
     */
    readonly token: number;
    /** When the lease expires (ms). */
    readonly expiresAt: number;
    /** When the current owner acquired it (ms). */
    readonly acquiredAt: number;
}

/** Input of {@link LeaseStore.acquireLease}. */
export interface AcquireLeaseInput extends ClockOptions {
    /** The lease's name. */
    name: string;
    /** Who acquires it. */
    owner: string;
    /** How long it lasts from now, in ms. */
    leaseMs: number;
}

/** Input of {@link LeaseStore.renewLease}. */
export interface RenewLeaseInput extends AcquireLeaseInput {
    /** The token returned at acquisition. */
    token: number;
}

/** Input of {@link LeaseStore.releaseLease}. */
export interface ReleaseLeaseInput {
    /** The lease's name. */
    name: string;
    /** The owner releasing it. */
    owner: string;
    /** The token returned at acquisition. */
    token: number;
}

/**
 * Named leases with fencing tokens: one owner at a time, a token that increases every time the
 * lease changes hands.
 *
 * @example
 * ```ts
 * const lease = await store.acquireLease({ name: 'leader', owner: workerId, leaseMs: 15_000 });
 * if (lease) await store.renewLease({ name: 'leader', owner: workerId, token: lease.token, leaseMs: 15_000 });
 * ```
 */
export interface LeaseStore {
    /**
     * Acquires a lease if it is free, expired or already held by `owner` (then it is renewed
     * and keeps its token).
     * @param input - name, owner and lease length
     * @returns the lease, or null when another owner holds it
     */
    acquireLease(input: AcquireLeaseInput): Promise<LeaseRecord | null>;
    /**
     * Extends a lease still held by `owner` with `token` (also shortly after it expired, if
     * nobody took it over).
     * @param input - name, owner, token and lease length
     * @returns the lease, or null when it was lost
     */
    renewLease(input: RenewLeaseInput): Promise<LeaseRecord | null>;
    /**
     * Releases a lease held by `owner` with `token`; its token stays, so the next owner gets a higher one.
     * @param input - name, owner and token
     * @returns true when released
     */
    releaseLease(input: ReleaseLeaseInput): Promise<boolean>;
    /**
     * Reads a lease.
     * @param name - its name
     * @returns the lease (possibly expired or released), or null when never acquired
     */
    getLease(name: string): Promise<LeaseRecord | null>;
}
