/**
 * The ledger's history: landed transactions by signature, by address and by block, their
 * statuses at each commitment level, and the bound on how many are kept (the oldest finalized
 * ones go first).
 */
import type { Address } from '@solana/kit';

import type { LedgerClock } from './ledger-clock';
import type { LedgerCore } from './ledger-core';
import type { Commitment, LedgerState, SignatureStatusView, TransactionRecord } from './ledger-types';

/**
 * Forgets the oldest finalized transactions until at most `maxHistory` are kept (transactions
 * that are not finalized yet are always kept).
 *
 * @param state - the ledger's bookkeeping
 * @param maxHistory - how many transactions to keep
 * @example
 * ```ts
 * pruneHistory(core.state, 100_000);
 * ```
 */
export function pruneHistory(state: LedgerState, maxHistory: number): void {
    if (state.history.size <= maxHistory) return;
    for (const [signature, record] of state.history) {
        if (state.history.size <= maxHistory) break;
        if (record.slot > state.frontier.finalized) break;
        state.history.delete(signature);
    }
}

/**
 * Landed transactions and their statuses.
 *
 * @example
 * ```ts
 * const history = new LedgerHistory(core, clock, { statusCacheSlots: 300n, maxHistory: 100_000 });
 * const status = history.statusOf(signature);
 * ```
 */
export class LedgerHistory {
    /**
     * @param core - the shared ledger state
     * @param clock - for the commitment frontiers and the tip
     * @param settings - the status cache window (slots) and the history bound (transactions)
     */
    constructor(
        private readonly core: LedgerCore,
        private readonly clock: LedgerClock,
        private readonly settings: { readonly statusCacheSlots: bigint; readonly maxHistory: number },
    ) {}

    /** Landed transactions so far (minus those a fork dropped). */
    get transactionCount(): bigint {
        return this.core.state.transactionCount;
    }

    /**
     * Whether a signature landed (and was not forked away).
     *
     * @param signature - base58 signature
     * @returns true when it is in history
     */
    has(signature: string): boolean {
        return this.core.state.history.has(signature);
    }

    /**
     * Records a landed transaction: by signature, in its block, under each of its accounts, and
     * among the recent (forkable) ones.
     *
     * @param record - the transaction
     */
    add(record: TransactionRecord): void {
        const s = this.core.state;
        s.history.set(record.signature, record);
        s.recent.push(record);
        s.transactionCount++;
        const list = s.blockSignatures.get(record.slot);
        if (list) list.push(record.signature);
        else s.blockSignatures.set(record.slot, [record.signature]);
        for (const key of new Set(record.accountKeys)) {
            const entries = s.byAddress.get(key);
            if (entries) entries.push(record);
            else s.byAddress.set(key, [record]);
        }
        pruneHistory(s, this.settings.maxHistory);
    }

    /**
     * A transaction from history.
     *
     * @param signature - base58 signature
     * @param commitment - only return it once it reached this level
     * @returns the record, or `undefined`
     */
    getTransaction(signature: string, commitment: Commitment = 'processed'): TransactionRecord | undefined {
        const record = this.core.state.history.get(signature);
        if (!record) return undefined;
        return record.slot <= this.clock.slot(commitment) ? record : undefined;
    }

    /**
     * The status of a signature.
     *
     * @param signature - base58 signature
     * @param searchTransactionHistory - also look beyond the recent status cache
     * @returns the status, or `undefined` when unknown
     */
    statusOf(signature: string, searchTransactionHistory = true): SignatureStatusView | undefined {
        const record = this.core.state.history.get(signature);
        if (!record) return undefined;
        const tip = this.clock.block('processed');
        if (!searchTransactionHistory && tip.slot - record.slot > this.settings.statusCacheSlots) return undefined;
        const confirmationStatus: Commitment =
            record.slot <= this.clock.slot('finalized') ? 'finalized' : record.slot <= this.clock.slot('confirmed') ? 'confirmed' : 'processed';
        return {
            record,
            confirmationStatus,
            confirmations: confirmationStatus === 'finalized' ? null : Number(tip.height - record.blockHeight),
        };
    }

    /**
     * Transactions that mention an address, newest first.
     *
     * @param address - the address
     * @param options - `before`/`until` (exclusive signatures), `limit`, `commitment`
     * @returns the records
     */
    signaturesForAddress(
        address: Address,
        options: { before?: string; until?: string; limit?: number; commitment?: Commitment } = {},
    ): TransactionRecord[] {
        const s = this.core.state;
        const entries = s.byAddress.get(address) ?? [];
        const frontier = this.clock.slot(options.commitment ?? 'finalized');
        const limit = options.limit ?? 1000;
        const out: TransactionRecord[] = [];
        let started = options.before === undefined;
        if (!started && !s.history.has(options.before!)) return [];
        for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
            const r = entries[i]!;
            if (s.history.get(r.signature) !== r) continue;
            if (!started) {
                if (r.signature === options.before) started = true;
                continue;
            }
            if (r.signature === options.until) break;
            if (r.slot > frontier) continue;
            out.push(r);
        }
        return out;
    }

    /**
     * The signatures of a block.
     *
     * @param slot - the slot
     * @returns its signatures in order (empty for unknown or empty blocks)
     */
    blockSignatures(slot: bigint): readonly string[] {
        return this.core.state.blockSignatures.get(slot) ?? [];
    }
}
