/**
 * Gap-free history: listing a program's signatures since the durable cursor (newest-first pages
 * of `getSignaturesForAddress`, paginated with `before`, stopped at `until` = the cursor
 * signature) and deciding how far the cursor may advance.
 *
 * The cursor advances only over a contiguous, processed and **finalized** prefix of that
 * history: a finalized signature cannot be retracted by a fork, so the cursor signature always
 * exists as the `until` of the next backfill. Confirmed signatures after it are processed (their
 * events are delivered at `confirmed`) and listed again by the next backfill, where the
 * in-memory set of processed signatures skips them.
 *
 * @packageDocumentation
 */
import type { Address, GetSignaturesForAddressApi, Rpc, Signature } from '@solana/kit';

import { backfillTooLarge } from '../core/errors';

/**
 * One signature of the program's history, as the ingestion uses it.
 *
 * @example
 * ```ts
 * const [oldest]: HistoryEntry[] = await listHistorySince({ rpc, programAddress, until: null });
 * ```
 */
export interface HistoryEntry {
    /** The transaction signature. */
    readonly signature: string;
    /** Its slot. */
    readonly slot: bigint;
    /** True when the transaction failed (its events did not happen). */
    readonly failed: boolean;
    /** Its commitment when listed. */
    readonly confirmationStatus: 'processed' | 'confirmed' | 'finalized' | null;
    /** Its position in the listing, oldest first (used to order events of one slot). */
    readonly position: number;
}

/**
 * Input of {@link listHistorySince}.
 *
 * @example
 * ```ts
 * const input: ListHistoryInput = { rpc, programAddress, until: cursor.signature, pageSize: 500 };
 * ```
 */
export interface ListHistoryInput {
    /** The RPC client. */
    readonly rpc: Rpc<GetSignaturesForAddressApi>;
    /** The program whose history to list. */
    readonly programAddress: Address;
    /** Stop at this signature (exclusive): the cursor. The whole history when null. */
    readonly until: string | null;
    /** Page size (1..1000, default 1000). */
    readonly pageSize?: number;
    /** Refuse gaps longer than this (default 100 000 signatures). */
    readonly maxSignatures?: number;
    /** Stops the listing. */
    readonly signal?: AbortSignal;
}

/**
 * Lists every signature of the program after `until`, oldest first. Pages newest-first with
 * `before` until a page is shorter than the page size.
 *
 * @param input - RPC, program, cursor signature and bounds
 * @returns the history, oldest first (empty when nothing happened since the cursor)
 * @throws a RaffleError when the gap exceeds `maxSignatures`
 * @example
 * ```ts
 * const history = await listHistorySince({ rpc, programAddress, until: cursor?.signature ?? null });
 * for (const entry of history) await processSignature(entry);
 * ```
 */
export async function listHistorySince(input: ListHistoryInput): Promise<HistoryEntry[]> {
    const pageSize = Math.min(Math.max(input.pageSize ?? 1000, 1), 1000);
    const maxSignatures = input.maxSignatures ?? 100_000;
    const newestFirst: Omit<HistoryEntry, 'position'>[] = [];
    let before: string | undefined;
    for (;;) {
        if (input.signal?.aborted) throw input.signal.reason ?? new Error('aborted');
        const page = await input.rpc
            .getSignaturesForAddress(input.programAddress, {
                commitment: 'confirmed',
                limit: pageSize,
                ...(before === undefined ? {} : { before: before as Signature }),
                ...(input.until === null ? {} : { until: input.until as Signature }),
            })
            .send(input.signal ? { abortSignal: input.signal } : undefined);
        for (const item of page) {
            newestFirst.push({
                signature: item.signature,
                slot: BigInt(item.slot),
                failed: item.err !== null && item.err !== undefined,
                confirmationStatus: item.confirmationStatus ?? null,
            });
        }
        if (newestFirst.length > maxSignatures) throw backfillTooLarge(maxSignatures);
        if (page.length < pageSize) break;
        before = page[page.length - 1]!.signature;
    }
    return orderOldestFirst(newestFirst);
}

/**
 * Turns a newest-first listing into an oldest-first one with positions, dropping duplicates
 * (a signature repeated across pages when new transactions arrived while paginating).
 *
 * @param newestFirst - entries as `getSignaturesForAddress` returns them
 * @returns the entries oldest first, by slot then reverse listing order
 * @example
 * ```ts
 * const history = orderOldestFirst(pages.flat());
 * ```
 */
export function orderOldestFirst(newestFirst: readonly Omit<HistoryEntry, 'position'>[]): HistoryEntry[] {
    const seen = new Set<string>();
    const out: Omit<HistoryEntry, 'position'>[] = [];
    for (let i = newestFirst.length - 1; i >= 0; i--) {
        const entry = newestFirst[i]!;
        if (seen.has(entry.signature)) continue;
        seen.add(entry.signature);
        out.push(entry);
    }
    // Stable sort by slot: pages fetched while the chain moved may overlap out of order.
    const indexed = out.map((entry, i) => ({ entry, i }));
    indexed.sort((a, b) => (a.entry.slot === b.entry.slot ? a.i - b.i : a.entry.slot < b.entry.slot ? -1 : 1));
    return indexed.map(({ entry }, position) => ({ ...entry, position }));
}

/**
 * Finds how far the cursor may move: the last entry of the longest prefix of `history` (oldest
 * first) whose entries are all processed and finalized.
 *
 * @param history - entries oldest first
 * @param isProcessed - whether an entry's events were recorded (failed transactions count as processed)
 * @returns the index of the last entry of that prefix, or -1 when the first entry blocks it
 * @example
 * ```ts
 * const last = contiguousFinalizedPrefix(history, e => processed.has(e.signature));
 * if (last >= 0) await store.setCursor({ name, slot: history[last].slot, signature: history[last].signature });
 * ```
 */
export function contiguousFinalizedPrefix(history: readonly HistoryEntry[], isProcessed: (entry: HistoryEntry) => boolean): number {
    let last = -1;
    for (let i = 0; i < history.length; i++) {
        const entry = history[i]!;
        if (entry.confirmationStatus !== 'finalized' || !isProcessed(entry)) break;
        last = i;
    }
    return last;
}
