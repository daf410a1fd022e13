/**
 * The finality tracker: every event not final yet (recorded by any source, on any replica) is
 * checked against its transaction's signature status; it is upgraded to `finalized` once its
 * transaction is, and retracted when its transaction failed or is still unknown to the node a
 * fork window after its slot (a fork dropped it). Each move enqueues the jobs that follow
 * (finalized-only handlers, `onFinalized` and `onRetracted` notices).
 *
 * @packageDocumentation
 */
import type { GetSignatureStatusesApi, GetSlotApi, Rpc, Signature } from '@solana/kit';

import type { EventInbox, InboxEvent } from '../store/types';
import type { WorkerEmitter } from '../core/events';
import { type BackoffPolicy, sleep } from '../core/time';
import { type InboxContext, transitionEvent } from './inbox';
import { runPassLoop } from './pass-loop';
import type { RecentTransactions } from './recent';

/** Events listed per pass (the oldest unfinalized first). */
const EVENTS_PER_PASS = 1000;
/** Signatures per `getSignatureStatuses` call (the RPC's limit). */
const SIGNATURES_PER_STATUS_CALL = 256;

/** The context of {@link createFinalityTracker}. */
export interface FinalityTrackerContext {
    readonly rpc: Rpc<GetSignatureStatusesApi & GetSlotApi>;
    /** The inbox, with `listEvents` to find the events not final yet. */
    readonly inbox: InboxContext & { readonly store: InboxContext['store'] & Pick<EventInbox, 'listEvents'> };
    /** The transactions recorded in this term (finalizing one is noted there). */
    readonly recent: RecentTransactions;
    /** A confirmed signature the node does not know this many slots after its slot is retracted. */
    readonly forkWindowSlots: bigint;
    /** Pause between passes (ms). */
    readonly intervalMs: number;
    /** Backoff after a failed pass. */
    readonly backoff: BackoffPolicy;
    readonly events: WorkerEmitter;
    /** Told the chain's confirmed slot each pass reads. */
    readonly onSlot: (slot: bigint) => void;
}

/**
 * The finality tracker.
 *
 * @example
 * ```ts
 * const finality = createFinalityTracker(ctx);
 * await finality.run(leaderSignal);
 * ```
 */
export interface FinalityTracker {
    /** Checks the events not final yet every `intervalMs` until `signal` aborts. */
    run(signal: AbortSignal): Promise<void>;
    /** Upgrades the events of a transaction recorded at `confirmed` in this term to `finalized` (the backfill listed it as finalized). */
    finalizeRecent(signature: string): Promise<void>;
}

/**
 * Creates the finality tracker.
 *
 * @param ctx - RPC, inbox, recent transactions, fork window and timings
 * @returns the tracker
 * @example
 * ```ts
 * const finality = createFinalityTracker({ rpc, inbox, recent, forkWindowSlots: 150n, intervalMs: 5_000, backoff, events, onSlot });
 * ```
 */
export function createFinalityTracker(ctx: FinalityTrackerContext): FinalityTracker {
    /** Signatures passes settled, failed passes included (their backoff restarts when they progressed). */
    let settled = 0;

    /** Where a transaction's events go given its status now; null while undecided. */
    function decide(status: { err: unknown; confirmationStatus: string | null } | null, slot: bigint, chainSlot: bigint): 'finalized' | 'retracted' | null {
        if (status === null) return slot + ctx.forkWindowSlots < chainSlot ? 'retracted' : null;
        if (status.err !== null) return 'retracted';
        return status.confirmationStatus === 'finalized' ? 'finalized' : null;
    }

    async function trackOnce(signal: AbortSignal): Promise<number> {
        const open = await ctx.inbox.store.listEvents({ commitments: ['seen', 'confirmed'], limit: EVENTS_PER_PASS });
        if (open.length === 0) return 0;
        const bySignature = new Map<string, InboxEvent[]>();
        for (const e of open) bySignature.set(e.signature, [...(bySignature.get(e.signature) ?? []), e]);
        const signatures = [...bySignature.keys()];
        const chainSlot = BigInt(await ctx.rpc.getSlot({ commitment: 'confirmed' }).send());
        ctx.onSlot(chainSlot);
        let changed = 0;
        for (let i = 0; i < signatures.length && !signal.aborted; i += SIGNATURES_PER_STATUS_CALL) {
            const chunk = signatures.slice(i, i + SIGNATURES_PER_STATUS_CALL);
            const { value } = await ctx.rpc.getSignatureStatuses(chunk as Signature[], { searchTransactionHistory: true }).send({ abortSignal: signal });
            for (let j = 0; j < chunk.length && !signal.aborted; j++) {
                const events = bySignature.get(chunk[j]!)!;
                const target = decide(value[j] ?? null, events[0]!.slot, chainSlot);
                if (target === null) continue;
                for (const moved of await Promise.all(events.map(event => transitionEvent(ctx.inbox, event, target)))) if (moved) changed++;
                settled++;
                if (target === 'finalized') ctx.recent.markFinalized(chunk[j]!);
            }
        }
        return changed;
    }

    return {
        run: signal =>
            runPassLoop(
                { pass: trackOnce, idle: s => sleep(ctx.intervalMs, s), progress: () => settled, backoff: ctx.backoff, events: ctx.events, scope: 'finality' },
                signal,
            ),
        async finalizeRecent(signature) {
            const known = ctx.recent.get(signature);
            if (!known || known.commitment !== 'confirmed') return;
            // The events of one transaction are independent: one round of store calls, not one per event.
            await Promise.all(known.keys.map(key => transitionEvent(ctx.inbox, key, 'finalized')));
            ctx.recent.markFinalized(signature);
        },
    };
}
