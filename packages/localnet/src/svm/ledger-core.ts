/**
 * What the ledger's modules (clock, account view, executor, history, forks) share: the current
 * LiteSVM, its accessor, the bookkeeping, the SlotHashes sysvar and the event emitter. A
 * snapshot restore replaces `svm`, `access` and `state` in place, so every module sees the
 * restored ledger at once.
 */
import { type Address, type EncodedAccount, lamports } from '@solana/kit';
import { EventEmitter } from 'eventemitter3';
import type { LiteSVM } from 'litesvm';

import type { SvmAccess } from './access';
import { SYSTEM_PROGRAM_ADDRESS } from './addresses';
import type { LedgerEventEmitter, LedgerEvents, LedgerState } from './ledger-types';
import type { SlotHashesSysvar } from './slot-hashes';

/**
 * The mutable heart of a ledger, shared by its modules.
 *
 * @example
 * ```ts
 * const core: LedgerCore = { svm, access: new SvmAccess(svm), state, slotHashes: new SlotHashesSysvar(), events: createLedgerEmitter() };
 * ```
 */
export interface LedgerCore {
    /** The LiteSVM holding the current (processed) state; replaced by a restore. */
    svm: LiteSVM;
    /** Reads and sends on {@link LedgerCore.svm}; replaced with it. */
    access: SvmAccess;
    /** Blocks, blockhashes, history, frontiers and clock bookkeeping; replaced by a restore. */
    state: LedgerState;
    /** The SlotHashes sysvar, kept in step with the blocks. */
    readonly slotHashes: SlotHashesSysvar;
    /** Where the modules announce transactions, slots, commitment, forks and writes. */
    readonly events: LedgerEventEmitter;
}

/**
 * Creates the ledger's event emitter.
 *
 * @returns an eventemitter3 emitter typed by the ledger's events
 * @example
 * ```ts
 * const events = createLedgerEmitter();
 * events.on('slot', ({ slot }) => console.log(slot));
 * ```
 */
export function createLedgerEmitter(): LedgerEventEmitter {
    return new EventEmitter() as LedgerEventEmitter;
}

/**
 * Emits a ledger event. A listener that throws never breaks the ledger: its error is reported
 * on the console and the ledger goes on.
 *
 * @param events - the emitter
 * @param name - the event
 * @param payload - its payload
 * @example
 * ```ts
 * emitLedgerEvent(core.events, 'accounts', [address]);
 * ```
 */
export function emitLedgerEvent<K extends keyof LedgerEvents>(events: LedgerEventEmitter, name: K, payload: LedgerEvents[K]): void {
    try {
        (events.emit as (event: K, payload: LedgerEvents[K]) => boolean)(name, payload);
    } catch (e) {
        // A listener's bug must not break the ledger; report it and go on.
        console.error(`[@raffle/localnet] listener of ${name} threw:`, e);
    }
}

/**
 * Sets the LiteSVM options the ledger relies on: signatures are verified, while blockhashes
 * (a window, not just the latest) and duplicates are checked by the ledger itself.
 *
 * @param svm - a new or restored LiteSVM
 * @example
 * ```ts
 * configureSvm(LiteSVM.fromBytes(snapshot.svm));
 * ```
 */
export function configureSvm(svm: LiteSVM): void {
    svm.withSigverify(true).withBlockhashCheck(false).withTransactionHistory(0n);
}

/**
 * The value that deletes an account when written (no lamports, no data).
 *
 * @param address - the account
 * @returns an empty system-owned account
 * @example
 * ```ts
 * core.svm.setAccount(preImage ?? deletedAccount(address));
 * ```
 */
export function deletedAccount(address: Address): EncodedAccount {
    return { address, lamports: lamports(0n), data: new Uint8Array(), executable: false, programAddress: SYSTEM_PROGRAM_ADDRESS, space: 0n };
}
