/**
 * The ingestion pipeline's entry: the {@link EventSink} every source feeds. It finds the
 * program's events in the logs of observed transactions, dead-letters transactions whose logs
 * were truncated, and hands the events to {@link recordObservedEvents}, the single step that
 * records them in the inbox and enqueues their handlers' jobs.
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { EventKey } from '../store/types';
import { emitSafely } from '../core/events';
import { extractProgramEvents } from './decoder';
import { type InboxContext, type ObservedPayload, recordObservedEvents, recordTruncatedTransaction } from './inbox';
import type { EventSink, ObservedTransaction } from './sources/types';

/** The context of {@link createEventSink}. */
export interface EventSinkContext extends InboxContext {
    /** The program whose events to record. */
    readonly programAddress: Address;
    /** Told the slot of every successful transaction recorded (for status reports). */
    readonly onSlot?: (slot: bigint) => void;
}

/**
 * Tells whether an observed transaction succeeded (a failed transaction's events were rolled back).
 *
 * @param tx - the transaction
 * @returns true when its `err` is null or absent
 * @example
 * ```ts
 * if (!succeeded(tx)) return;
 * ```
 */
export function succeeded(tx: Pick<ObservedTransaction, 'err'>): boolean {
    return tx.err === null || tx.err === undefined;
}

/**
 * Creates the sink of the ingestion pipeline.
 *
 * @param ctx - the inbox context and the program
 * @returns the sink
 * @example
 * ```ts
 * const sink = createEventSink({ ...inbox, programAddress });
 * await sink.record([{ signature, slot, logs, err: null }], { origin: 'backfill' });
 * ```
 */
export function createEventSink(ctx: EventSinkContext): EventSink {
    return {
        async record(transactions, options) {
            const origin = options?.origin ?? 'live';
            const keys: EventKey[][] = transactions.map(() => []);
            let events = 0;
            let truncated = 0;
            for (const commitment of ['confirmed', 'finalized'] as const) {
                const payloads: ObservedPayload[] = [];
                for (const [i, tx] of transactions.entries()) {
                    if ((tx.commitment ?? 'confirmed') !== commitment || !succeeded(tx)) continue;
                    ctx.onSlot?.(tx.slot);
                    const extracted = extractProgramEvents(tx.logs, ctx.programAddress);
                    if (extracted.truncated) {
                        // Even the node's copy lost lines: record what is there (the numbering of a prefix is
                        // stable) and dead-letter the transaction, so that nobody silently misses its tail.
                        truncated++;
                        emitSafely(ctx.events, 'ingest:truncated', { signature: tx.signature });
                        await recordTruncatedTransaction(ctx, { signature: tx.signature, slot: tx.slot });
                    }
                    for (const e of extracted.events) {
                        keys[i]!.push({ signature: tx.signature, instructionIndex: e.instructionIndex, eventIndex: e.eventIndex });
                        payloads.push({ signature: tx.signature, instructionIndex: e.instructionIndex, eventIndex: e.eventIndex, slot: tx.slot, raw: e.base64 });
                    }
                    events += extracted.events.length;
                }
                if (payloads.length > 0) await recordObservedEvents(ctx, payloads, commitment, origin);
            }
            return { events, truncated, keys };
        },
    };
}
