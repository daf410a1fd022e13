/**
 * The transactions the leader's ingestion recorded (or found failed) that the durable cursor has
 * not passed yet: the live subscription skips what the backfill already recorded and the other
 * way round, the backfill advances the cursor over them once they are finalized, and the
 * finality tracker upgrades them without reading their logs again. Kept in memory for one
 * leadership term: after a restart the backfill lists them again from the cursor, and recording
 * them again is a no-op.
 *
 * @packageDocumentation
 */
import type { EventKey } from '../store/types';

/** A transaction ingestion recorded in this term. */
export interface RecentTransaction {
    /** Its slot. */
    readonly slot: bigint;
    /** The commitment its events were recorded (or upgraded) at. */
    readonly commitment: 'confirmed' | 'finalized';
    /** Its events (none for a failed transaction). */
    readonly keys: readonly EventKey[];
}

/**
 * The recent transactions of a leadership term, by signature.
 *
 * @example
 * ```ts
 * const recent = createRecentTransactions();
 * if (!recent.has(signature)) recent.remember(signature, { slot, commitment: 'confirmed', keys });
 * ```
 */
export interface RecentTransactions {
    /** The transaction, when recorded in this term and not behind the cursor yet. */
    get(signature: string): RecentTransaction | undefined;
    /** Whether it was recorded in this term and is not behind the cursor yet. */
    has(signature: string): boolean;
    /** Remembers a recorded transaction. */
    remember(signature: string, transaction: RecentTransaction): void;
    /** Notes that its events are finalized now. */
    markFinalized(signature: string): void;
    /** Forgets what the cursor passed: the given signatures, and every transaction of an older slot than `slot`. */
    forgetBehindCursor(signatures: Iterable<string>, slot: bigint): void;
    /** Forgets everything (the term ended). */
    clear(): void;
    /** How many transactions are remembered. */
    readonly size: number;
}

/**
 * Creates an empty {@link RecentTransactions}.
 *
 * @returns the set
 * @example
 * ```ts
 * const recent = createRecentTransactions();
 * ```
 */
export function createRecentTransactions(): RecentTransactions {
    const bySignature = new Map<string, RecentTransaction>();
    return {
        get: signature => bySignature.get(signature),
        has: signature => bySignature.has(signature),
        remember(signature, transaction) {
            bySignature.set(signature, transaction);
        },
        markFinalized(signature) {
            const known = bySignature.get(signature);
            if (known && known.commitment !== 'finalized') bySignature.set(signature, { ...known, commitment: 'finalized' });
        },
        forgetBehindCursor(signatures, slot) {
            for (const signature of signatures) bySignature.delete(signature);
            for (const [signature, known] of bySignature) if (known.slot < slot) bySignature.delete(signature);
        },
        clear() {
            bySignature.clear();
        },
        get size() {
            return bySignature.size;
        },
    };
}
