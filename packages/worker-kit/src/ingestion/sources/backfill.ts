/**
 * The signature backfill source: lists the program's history since the durable cursor (oldest
 * first), records every transaction it has not recorded yet in this term, and advances the
 * cursor over the contiguous processed and finalized prefix: the only path that moves the
 * cursor, so nothing is ever skipped. It runs on start, whenever the live source wakes it, and
 * at least every `intervalMs`.
 *
 * @packageDocumentation
 */
import type { Address, GetSignaturesForAddressApi, GetSlotApi, GetTransactionApi, Rpc } from '@solana/kit';

import { emitSafely, type WorkerEmitter } from '../../core/events';
import { type BackoffPolicy, createWakeup } from '../../core/time';
import { FencedError, type IngestionCursor } from '../cursor';
import type { FinalityTracker } from '../finality';
import { contiguousFinalizedPrefix, type HistoryEntry, listHistorySince } from '../history';
import { runPassLoop } from '../pass-loop';
import type { RecentTransactions } from '../recent';
import { fetchObservedTransaction } from './fetch-transaction';
import type { EventSink, EventSource } from './types';

/** The context of {@link createBackfillSource}. */
export interface BackfillSourceContext {
    readonly rpc: Rpc<GetSignaturesForAddressApi & GetTransactionApi & GetSlotApi>;
    readonly programAddress: Address;
    /** The cursor of this leadership term. */
    readonly cursor: IngestionCursor;
    /** The transactions recorded in this term. */
    readonly recent: RecentTransactions;
    /** Upgrades transactions recorded at `confirmed` that the listing shows finalized. */
    readonly finality: Pick<FinalityTracker, 'finalizeRecent'>;
    /** Backfill at least this often (ms). */
    readonly intervalMs: number;
    /** `getSignaturesForAddress` page size. */
    readonly pageSize?: number;
    /** Refuse a gap longer than this many signatures. */
    readonly maxSignatures?: number;
    /** Backoff after a failed pass. */
    readonly backoff: BackoffPolicy;
    readonly events: WorkerEmitter;
    /** Told the slot of every listed transaction. */
    readonly onSlot: (slot: bigint) => void;
    /** Told when a pass ended (ms). */
    readonly onPassEnd: (at: number) => void;
}

/**
 * The backfill source. Its `run` throws a `FencedError` when a cursor write was refused (another
 * replica leads now).
 *
 * @example
 * ```ts
 * const backfill = createBackfillSource(ctx);
 * live = createLiveLogsSource({ ..., onActivity: () => backfill.wake() });
 * ```
 */
export interface BackfillSource extends EventSource {
    /** Runs a pass soon (the live source saw activity or reconnected). */
    wake(): void;
}

/**
 * Creates the backfill source of a leadership term.
 *
 * @param ctx - RPC, program, cursor, recent transactions, finality and timings
 * @returns the source
 * @example
 * ```ts
 * const backfill = createBackfillSource({ rpc, programAddress, cursor, recent, finality, intervalMs: 5_000, backoff, events, onSlot, onPassEnd });
 * await backfill.run(sink, leaderSignal);
 * ```
 */
export function createBackfillSource(ctx: BackfillSourceContext): BackfillSource {
    const wakeup = createWakeup();
    /** Signatures passes processed, failed passes included (their backoff restarts when they progressed). */
    let processed = 0;

    /** The finalized slot now, or null (a failing or partial RPC only delays the caught-up mark). */
    async function finalizedSlot(): Promise<bigint | null> {
        try {
            return BigInt(await ctx.rpc.getSlot({ commitment: 'finalized' }).send());
        } catch {
            return null;
        }
    }

    /** Records one listed transaction unless this term did already; false when the node cannot serve it yet. */
    async function processEntry(sink: EventSink, entry: HistoryEntry, signal: AbortSignal): Promise<boolean> {
        const commitment = entry.confirmationStatus === 'finalized' ? 'finalized' : 'confirmed';
        if (ctx.recent.has(entry.signature)) {
            if (commitment === 'finalized') await ctx.finality.finalizeRecent(entry.signature);
            return true;
        }
        if (entry.failed) {
            ctx.recent.remember(entry.signature, { slot: entry.slot, commitment, keys: [] });
            return true;
        }
        const tx = await fetchObservedTransaction(ctx.rpc, entry.signature, signal);
        if (tx === null) return false;
        const {
            keys: [keys],
        } = await sink.record([{ ...tx, commitment }], { origin: 'backfill' });
        ctx.recent.remember(entry.signature, { slot: tx.slot, commitment, keys: keys ?? [] });
        return true;
    }

    async function pass(sink: EventSink, signal: AbortSignal): Promise<void> {
        const until = await ctx.cursor.start();
        // Read before listing: every finalized transaction up to this slot is in the listing.
        const finalizedBefore = await finalizedSlot();
        const history = await listHistorySince({
            rpc: ctx.rpc,
            programAddress: ctx.programAddress,
            until,
            ...(ctx.pageSize === undefined ? {} : { pageSize: ctx.pageSize }),
            ...(ctx.maxSignatures === undefined ? {} : { maxSignatures: ctx.maxSignatures }),
            signal,
        });
        let signatures = 0;
        let events = 0;
        for (const entry of history) {
            if (signal.aborted) break;
            ctx.onSlot(entry.slot);
            const known = ctx.recent.has(entry.signature);
            // Oldest first; stop at the first transaction the node cannot serve yet (no gaps).
            if (!(await processEntry(sink, entry, signal))) break;
            if (!known) {
                signatures++;
                processed++;
                events += ctx.recent.get(entry.signature)?.keys.length ?? 0;
            }
        }
        const last = contiguousFinalizedPrefix(history, e => ctx.recent.has(e.signature));
        let cursorSlot: bigint | null = null;
        if (last >= 0) {
            const entry = history[last]!;
            if (await ctx.cursor.advance(entry)) {
                cursorSlot = entry.slot;
                ctx.recent.forgetBehindCursor(
                    history.slice(0, last + 1).map(e => e.signature),
                    entry.slot,
                );
            }
        }
        // Caught up through `finalizedBefore` when every listed transaction up to it is behind
        // the cursor: recorded as the `:checked` cursor, so the lag of an idle program stays flat.
        if (finalizedBefore !== null && !signal.aborted && history.every((entry, i) => i <= last || entry.slot > finalizedBefore)) {
            await ctx.cursor.markChecked(finalizedBefore);
        }
        ctx.onPassEnd(Date.now());
        emitSafely(ctx.events, 'ingest:backfilled', { signatures, events, cursorSlot });
    }

    return {
        name: 'backfill',
        wake: () => wakeup.notify(),
        run: (sink, signal) =>
            runPassLoop(
                {
                    pass: s => pass(sink, s),
                    idle: s => wakeup.wait(ctx.intervalMs, s),
                    progress: () => processed,
                    isFatal: e => e instanceof FencedError,
                    backoff: ctx.backoff,
                    events: ctx.events,
                    scope: 'ingestion',
                },
                signal,
            ),
    };
}
