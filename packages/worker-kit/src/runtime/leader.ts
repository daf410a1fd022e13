/**
 * Leader election over the store's leases with fencing: one replica holds the lease and runs
 * ingestion; it renews the lease every `renewMs`; when a renewal fails (lost or expired) its
 * ingestion is aborted at once. Followers try to acquire the lease every `renewMs` and take over
 * when it lapses. Cursor writes carry the fencing token, so a deposed leader cannot move it.
 *
 * @packageDocumentation
 */
import type { FenceToken, LeaseRecord, WorkerStore } from '../store/types';
import { asError, emitSafely, type WorkerEmitter } from './events';
import { sleep } from './time';

/** Options of {@link runLeaderElection}. */
export interface LeaderElectionOptions {
    /** The store (leases). */
    readonly store: Pick<WorkerStore, 'acquireLease' | 'renewLease' | 'releaseLease'>;
    /** The lease's name, e.g. `leader:<program>`. */
    readonly name: string;
    /** This replica's unique id. */
    readonly owner: string;
    /** Lease length (default 15 s). */
    readonly ttlMs?: number;
    /** Renewal / acquisition interval (default a third of the ttl). */
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
    const ttlMs = Math.max(1_000, options.ttlMs ?? 15_000);
    const renewMs = Math.max(50, Math.min(options.renewMs ?? Math.floor(ttlMs / 3), ttlMs - 1));
    const { store, name, owner, events, signal } = options;
    while (!signal.aborted) {
        let lease: LeaseRecord | null = null;
        try {
            lease = await store.acquireLease({ name, owner, ttlMs });
        } catch (e) {
            emitSafely(events, 'worker:error', { scope: 'lease', error: asError(e) });
        }
        if (lease === null || lease.owner !== owner) {
            await sleep(renewMs, signal);
            continue;
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
                const renewed = await store.renewLease({ name, owner, token, ttlMs });
                if (renewed === null) {
                    lostReason = 'taken';
                    leading.abort();
                } else lastRenewal = Date.now();
            } catch (e) {
                emitSafely(events, 'worker:error', { scope: 'lease', error: asError(e) });
                if (Date.now() - lastRenewal >= ttlMs) {
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
