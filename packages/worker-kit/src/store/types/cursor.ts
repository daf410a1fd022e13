/**
 * The cursor concern: durable ingestion positions, moved by compare-and-set and fenced by a
 * lease token.
 *
 * @packageDocumentation
 */
import type { ClockOptions } from './common';
import type { FenceToken, LeaseStore } from './leases';

/** A durable ingestion position: the last fully processed slot (and signature within it). */
export interface CursorRecord {
    /** The cursor's name, e.g. `ingest:<programId>`. */
    readonly name: string;
    /** The slot the cursor points at. A cursor never moves to a lower slot. */
    readonly slot: bigint;
    /** The last processed transaction signature in that slot, if the writer tracks one. */
    readonly signature: string | null;
    /** Incremented on every successful write; 1 after the first write. Used for compare-and-set. */
    readonly version: number;
    /** When the cursor was last written (ms). */
    readonly updatedAt: number;
}

/** Input of {@link CursorStore.setCursor}. */
export interface SetCursorInput extends ClockOptions {
    /** The cursor's name. */
    name: string;
    /** The new slot; must be greater than or equal to the stored slot. */
    slot: bigint;
    /** The last processed signature in that slot. */
    signature?: string | null;
    /**
     * Compare-and-set: the version the writer read (0 when it read no cursor). The write is
     * rejected when the stored version differs. Omit for a monotonic upsert.
     */
    expectedVersion?: number;
    /** Reject the write unless this fencing token is still the lease's current token. */
    fence?: FenceToken;
}

/** Why a cursor write was rejected. */
export type CursorRejection = 'version-mismatch' | 'backwards' | 'fenced';

/** Result of {@link CursorStore.setCursor}. */
export type SetCursorResult =
    | {
          /** The write happened. */
          readonly applied: true;
          /** The cursor as written. */
          readonly cursor: CursorRecord;
      }
    | {
          /** The write was rejected; nothing changed. */
          readonly applied: false;
          /** Why the write was rejected. */
          readonly reason: CursorRejection;
          /** The cursor as stored, or null when there is none. */
          readonly cursor: CursorRecord | null;
      };

/**
 * Durable ingestion cursors. A fenced write reads the lease it names, so an adapter of this
 * concern shares its storage with the {@link LeaseStore} of the same store.
 *
 * @example
 * ```ts
 * const cursor = await store.getCursor('ingest');
 * await store.setCursor({ name: 'ingest', slot: 120n, expectedVersion: cursor?.version ?? 0, fence });
 * ```
 */
export interface CursorStore {
    /**
     * Reads a cursor.
     * @param name - the cursor's name
     * @returns the cursor, or null when it was never written
     */
    getCursor(name: string): Promise<CursorRecord | null>;
    /**
     * Moves a cursor, atomically checking that it does not go backwards, that the stored
     * version is `expectedVersion` (when given) and that the `fence` token is still current
     * (when given).
     * @param input - the new position and the checks
     * @returns whether the write was applied, and the cursor
     */
    setCursor(input: SetCursorInput): Promise<SetCursorResult>;
}
