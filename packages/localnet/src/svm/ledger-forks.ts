/**
 * The ledger's forks and snapshots: dropping a landed but not finalized transaction as if its
 * fork was abandoned (undo from pre-images, then replay the later ones), and capturing or
 * restoring the whole state.
 */
import { LiteSVM } from 'litesvm';

import { invariant, transactionFinalized, transactionNotFound } from '../errors';
import { SvmAccess } from './access';
import { configureSvm, deletedAccount, emitLedgerEvent, type LedgerCore } from './ledger-core';
import type { LedgerExecutor } from './ledger-executor';
import type { LedgerSnapshot, LedgerState, SendOutcome, TransactionRecord } from './ledger-types';

/**
 * A deep enough copy of the bookkeeping for a snapshot: collections are copied, records (which
 * never change once landed) are shared.
 *
 * @param s - the state
 * @returns an independent copy
 * @example
 * ```ts
 * const frozen = copyState(core.state);
 * ```
 */
export function copyState(s: LedgerState): LedgerState {
    return {
        blocks: [...s.blocks],
        blockSignatures: new Map([...s.blockSignatures].map(([k, v]) => [k, [...v]])),
        blockhashes: new Map(s.blockhashes),
        history: new Map(s.history),
        byAddress: new Map([...s.byAddress].map(([k, v]) => [k, [...v]])),
        recent: [...s.recent],
        frontier: { ...s.frontier },
        emittedSeq: { ...s.emittedSeq },
        clockOffsetMs: s.clockOffsetMs,
        lastUnix: s.lastUnix,
        seq: s.seq,
        transactionCount: s.transactionCount,
        epochStartTimestamp: s.epochStartTimestamp,
    };
}

/**
 * Forks, snapshots and restores.
 *
 * @example
 * ```ts
 * const forks = new LedgerForks(core, executor);
 * const snap = forks.snapshot();
 * forks.fork(signature);
 * forks.restore(snap);
 * ```
 */
export class LedgerForks {
    /**
     * @param core - the shared ledger state (a restore replaces its SVM and bookkeeping)
     * @param executor - replays the transactions that landed after a dropped one
     */
    constructor(
        private readonly core: LedgerCore,
        private readonly executor: LedgerExecutor,
    ) {}

    /**
     * Makes a landed but not yet finalized transaction disappear, as if its fork was abandoned:
     * the state goes back to before it, the transactions that landed after it are replayed in new
     * slots (unless `replay` is false), and the dropped one is gone from statuses and history.
     *
     * @param signature - the transaction to drop
     * @param options - `replay` the later transactions (default true)
     * @returns the dropped records and the outcomes of the replays
     */
    fork(signature: string, options: { replay?: boolean } = {}): { dropped: TransactionRecord[]; replayed: SendOutcome[] } {
        const s = this.core.state;
        const target = s.history.get(signature);
        if (!target) throw transactionNotFound(signature);
        if (target.slot <= s.frontier.finalized) throw transactionFinalized(signature, target.slot, s.frontier.finalized);
        const index = s.recent.indexOf(target);
        // Only finalized transactions leave the recent list without leaving history.
        if (index < 0) throw invariant(`transaction ${signature} is in history, not finalized, yet not among the recent ones`);
        const dropped = s.recent.slice(index);
        for (let i = dropped.length - 1; i >= 0; i--) {
            for (const [address, pre] of dropped[i]!.preImages) {
                this.core.svm.setAccount(pre ?? deletedAccount(address));
            }
        }
        s.recent.length = index;
        for (const r of dropped) {
            s.history.delete(r.signature);
            s.transactionCount--;
            const list = s.blockSignatures.get(r.slot);
            if (list) s.blockSignatures.set(r.slot, list.filter((sig) => sig !== r.signature));
            for (const key of new Set(r.accountKeys)) {
                const entries = s.byAddress.get(key);
                if (entries) s.byAddress.set(key, entries.filter((e) => e !== r));
            }
        }
        emitLedgerEvent(this.core.events, 'fork', { dropped, confirmedSlot: s.frontier.confirmed });
        const replayed: SendOutcome[] = [];
        if (options.replay !== false) {
            for (const r of dropped) {
                if (r === target) continue;
                replayed.push(this.executor.sendTransaction(r.transaction.bytes, { skipPreflight: true, replay: true }));
            }
        }
        return { dropped, replayed };
    }

    /**
     * Captures the whole state (SVM bytes and ledger bookkeeping).
     *
     * @returns a snapshot for {@link LedgerForks.restore}
     */
    snapshot(): LedgerSnapshot {
        this.core.slotHashes.flush(this.core.access);
        return { svm: this.core.svm.toBytes(), state: copyState(this.core.state) };
    }

    /**
     * Puts a snapshot back: accounts, slots, blockhashes, history and clock as they were; emits
     * `reset`.
     *
     * @param snapshot - from {@link LedgerForks.snapshot}
     */
    restore(snapshot: LedgerSnapshot): void {
        const svm = LiteSVM.fromBytes(snapshot.svm);
        configureSvm(svm);
        this.core.svm = svm;
        this.core.access = new SvmAccess(svm);
        this.core.slotHashes.reset();
        this.core.state = copyState(snapshot.state);
        emitLedgerEvent(this.core.events, 'reset', undefined);
    }
}
