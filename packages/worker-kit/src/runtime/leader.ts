/**
 * Leader election over the store's leases with fencing: one replica holds the lease and runs
 * ingestion; it renews the lease every `renewMs`; when a renewal fails (lost or expired) its
 * ingestion is aborted at once. Followers try to acquire the lease every `renewMs`, or sooner when
 * the current lease expires sooner (a leader that died is replaced about when its lease lapses,
 * not up to `renewMs` later). Cursor writes carry the fencing token, so a deposed leader cannot
 * move it.
 *
 * @packageDocumentation
 */
import type { FenceToken, LeaseRecord, LeaseStore } from '../store/types';
import { asError, emitSafely, type WorkerEmitter } from '../core/events';
import { sleep } from '../core/time';

/** Options of {@link runLeaderElection}. */
export interface LeaderElectionOptions {
    /** The store (leases). With `getLease`, a follower wakes up when the current lease expires. */
    readonly store: Pick<LeaseStore, 'acquireLease' | 'renewLease' | 'releaseLease'> & Partial<Pick<LeaseStore, 'getLease'>>;
    /** The lease's name, e.g. `leader:<program>`. */
    readonly name: string;
    /** This replica's unique id. */
    readonly owner: string;
    /** Lease length (default 15 s). */
    readonly leaseMs?: number;
    /** Renewal / acquisition interval (default a third of the lease length). */
    readonly renewMs?: number;
    /** Where events go. */
    readonly events: WorkerEmitter;
    /** Stops the election (the lease is released). */
    readonly signal: AbortSignal;
    /** Runs while this replica leads; its signal aborts when the lease is lost or on stop. */
    readonly lead: (fence: FenceToken, signal: AbortSignal) => Promise<void>;
    /** Told when leadership changes. */
    readonly onChange?: (lease: LeaseRecord | null) => void;
}

/**
 * Runs the election until `signal` aborts; releases the lease on the way out.
 *
 * @param options - store, lease name, owner, timings and the leader's work
 * @returns when stopped (after the leader's work ended and the lease was released)
 * @example
 * ```ts
 * await runLeaderElection({ store, name: `leader:${program}`, owner, events, signal, lead: (fence, s) => ingest(fence, s) });
 * ```
 */
export async function runLeaderElection(options: LeaderElectionOptions): Promise<void> {
    const leaseMs = Math.max(1_000, options.leaseMs ?? 15_000);
    const renewMs = Math.max(50, Math.min(options.renewMs ?? Math.floor(leaseMs / 3), leaseMs - 1));
    const { store, name, owner, events, signal } = options;
    while (!signal.aborted) {
        let lease: LeaseRecord | null = null;
        let failed = false;
        try {
            lease = await store.acquireLease({ name, owner, leaseMs });
        } catch (e) {
            failed = true;
            emitSafely(events, 'worker:error', { scope: 'lease', error: asError(e) });
        }
        if (lease === null || lease.owner !== owner) {
            await sleep(failed ? renewMs : await followerDelayMs(store, name, renewMs), signal);
            continue;
        }
        if (signal.aborted) {
            // Stopped while the acquisition was in flight: the abort event has fired already, so
            // leading now would never end. Hand the lease back at once instead.
            await store.releaseLease({ name, owner, token: lease.token }).catch(() => false);
            break;
        }
        const token = lease.token;
        emitSafely(events, 'lease:acquired', { name, owner, token });
        options.onChange?.(lease);
        const leading = new AbortController();
        const onStop = () => leading.abort();
        signal.addEventListener('abort', onStop, { once: true });
        let lostReason: 'expired' | 'taken' | 'error' | null = null;
        const work = options.lead({ lease: name, token }, leading.signal).catch(e => {
            if (!leading.signal.aborted) emitSafely(events, 'worker:error', { scope: 'ingestion', error: asError(e) });
        });
        let lastRenewal = Date.now();
        while (!leading.signal.aborted) {
            await sleep(renewMs, leading.signal);
            if (leading.signal.aborted) break;
            try {
                const renewed = await store.renewLease({ name, owner, token, leaseMs });
                if (renewed === null) {
                    lostReason = 'taken';
                    leading.abort();
                } else lastRenewal = Date.now();
            } catch (e) {
                emitSafely(events, 'worker:error', { scope: 'lease', error: asError(e) });
                if (Date.now() - lastRenewal >= leaseMs) {
                    lostReason = 'expired';
                    leading.abort();
                }
            }
        }
        signal.removeEventListener('abort', onStop);
        await work;
        options.onChange?.(null);
        if (lostReason !== null) {
            emitSafely(events, 'lease:lost', { name, owner, token, reason: lostReason });
            continue;
        }
        // Stopping: hand the lease over at once.
        const released = await store.releaseLease({ name, owner, token }).catch(() => false);
        if (released) emitSafely(events, 'lease:released', { name, owner, token });
    }
}

/** Shortest wait of a follower between two attempts (when the lease looks free or expired). */
const MIN_FOLLOWER_DELAY_MS = 20;

/**
 * How long a follower that failed to acquire the lease waits: until the current lease expires
 * (plus a millisecond), at most `renewMs`, at least {@link MIN_FOLLOWER_DELAY_MS}. Without
 * `getLease`, or when it fails, `renewMs`. Bounded by `renewMs`, so clock skew between this
 * process and the store costs at most the plain polling delay.
 */
async function followerDelayMs(store: LeaderElectionOptions['store'], name: string, renewMs: number): Promise<number> {
    if (typeof store.getLease !== 'function') return renewMs;
    try {
        const current = await store.getLease(name);
        if (current === null) return Math.min(renewMs, MIN_FOLLOWER_DELAY_MS);
        return Math.min(renewMs, Math.max(MIN_FOLLOWER_DELAY_MS, current.expiresAt - Date.now() + 1));
    } catch {
        return renewMs;
    }
}
