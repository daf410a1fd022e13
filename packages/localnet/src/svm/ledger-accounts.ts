/**
 * The ledger's account view: accounts as seen at a commitment level, and out-of-band writes.
 *
 * LiteSVM holds the `processed` state. A read at `confirmed` or `finalized` undoes, on the fly,
 * the transactions newer than that frontier: every transaction keeps the pre-images of the
 * accounts it could write, and the oldest pre-image of an account wins.
 */
import type { Address, EncodedAccount } from '@solana/kit';

import type { LedgerClock } from './ledger-clock';
import { emitLedgerEvent, type LedgerCore } from './ledger-core';
import type { Commitment } from './ledger-types';
import { SLOT_HASHES_ADDRESS } from './slot-hashes';

/**
 * Reads and out-of-band writes of accounts.
 *
 * @example
 * ```ts
 * const accounts = new AccountView(core, clock);
 * const confirmed = accounts.getAccount(address, 'confirmed');
 * ```
 */
export class AccountView {
    /**
     * @param core - the shared ledger state
     * @param clock - for the commitment frontiers
     */
    constructor(
        private readonly core: LedgerCore,
        private readonly clock: LedgerClock,
    ) {}

    /** Whether reads and sends use LiteSVM's native binding directly (the fast path). */
    get fastPath(): boolean {
        return this.core.access.fast;
    }

    /**
     * An account as seen at a commitment level.
     *
     * @param address - the account
     * @param commitment - the level (default `processed`)
     * @returns the account, or `null` when it does not exist at that level
     */
    getAccount(address: Address, commitment: Commitment = 'processed'): EncodedAccount | null {
        if (address === SLOT_HASHES_ADDRESS) this.core.slotHashes.flush(this.core.access);
        if (commitment !== 'processed') {
            const overlay = this.overlay(commitment, address);
            if (overlay.has(address)) return overlay.get(address) ?? null;
        }
        return this.core.access.getAccount(address);
    }

    /**
     * Every account owned by `program` at a commitment level.
     *
     * @param program - the owner program
     * @param commitment - the level (default `processed`)
     * @returns the accounts
     */
    getProgramAccounts(program: Address, commitment: Commitment = 'processed'): EncodedAccount[] {
        this.core.slotHashes.flush(this.core.access);
        const current = this.core.svm.getProgramAccounts(program);
        if (commitment === 'processed') return current;
        const overlay = this.overlay(commitment);
        if (overlay.size === 0) return current;
        const byAddress = new Map(current.map((a) => [a.address, a]));
        for (const [address, pre] of overlay) {
            byAddress.delete(address);
            if (pre && pre.programAddress === program) byAddress.set(address, pre);
        }
        return [...byAddress.values()];
    }

    /**
     * Writes an account out of band (control methods, fixtures) and emits `accounts`.
     *
     * @param account - the account; lamports 0 deletes it
     */
    setAccount(account: EncodedAccount): void {
        this.core.svm.setAccount(account);
        emitLedgerEvent(this.core.events, 'accounts', [account.address]);
    }

    /** Pre-images of the transactions newer than a commitment frontier (oldest image wins). */
    private overlay(commitment: Commitment, only?: Address): Map<Address, EncodedAccount | null> {
        const frontier = this.clock.slot(commitment);
        const out = new Map<Address, EncodedAccount | null>();
        const { recent } = this.core.state;
        for (let i = recent.length - 1; i >= 0; i--) {
            const r = recent[i]!;
            if (r.slot <= frontier) break;
            if (only !== undefined) {
                if (r.preImages.has(only)) out.set(only, r.preImages.get(only) ?? null);
            } else {
                for (const [address, pre] of r.preImages) out.set(address, pre);
            }
        }
        return out;
    }
}
