/**
 * The ledger: LiteSVM plus what a cluster has and LiteSVM does not — slots and blocks, a window
 * of valid blockhashes, three commitment levels with configurable lag, a transaction history
 * with per-transaction slot, balances and token balances, forks that roll a transaction back,
 * and snapshots.
 *
 * Each transaction opens a new slot (block); a timer owned by the server opens empty ones.
 * `confirmed` trails `processed` by `confirmationLag` blocks and `finalized` trails `confirmed`
 * by `finalizationLag` blocks. Every transaction keeps the pre-images of the accounts it could
 * write, which gives reads at `confirmed`/`finalized` (the newer transactions are undone on the
 * fly) and cheap forks (undo, then replay the others).
 *
 * {@link Ledger} is a facade over the modules that do the work: the clock (`ledger-clock.ts`:
 * slots, time, warps, frontiers), the account view (`ledger-accounts.ts`), the executor
 * (`ledger-executor.ts`: send and simulate on LiteSVM), the history (`ledger-history.ts`) and
 * forks with snapshots (`ledger-forks.ts`). The types live in `ledger-types.ts`.
 */
import type { Address, EncodedAccount } from '@solana/kit';
import { EpochSchedule, type LiteSVM } from 'litesvm';

import { SvmAccess } from './access';
import { computeFee } from './fees';
import { AccountView } from './ledger-accounts';
import { checkLag, genesisState, LedgerClock } from './ledger-clock';
import { configureSvm, createLedgerEmitter, type LedgerCore } from './ledger-core';
import { LedgerExecutor } from './ledger-executor';
import { LedgerForks } from './ledger-forks';
import { LedgerHistory } from './ledger-history';
import type {
    BlockInfo,
    Commitment,
    LedgerEventEmitter,
    LedgerOptions,
    LedgerSnapshot,
    SendOutcome,
    SignatureStatusView,
    SimulationResult,
    TokenBalance,
    TransactionRecord,
} from './ledger-types';
import { SlotHashesSysvar } from './slot-hashes';
import { resolveAccountKeys, tokenBalances } from './transaction-accounts';
import type { ParsedWireTransaction } from './wire';

export { LAMPORTS_PER_SIGNATURE } from './ledger-types';
export type {
    BlockInfo,
    Commitment,
    InnerInstructionsView,
    LedgerEventEmitter,
    LedgerEventListeners,
    LedgerEvents,
    LedgerOptions,
    LedgerSnapshot,
    LedgerState,
    ReturnDataView,
    SendOutcome,
    SignatureStatusView,
    SimulationResult,
    TokenBalance,
    TransactionRecord,
} from './ledger-types';

/**
 * A LiteSVM with the bookkeeping of a cluster. See the module comment for the model.
 *
 * @example
 * ```ts
 * const { svm } = await createRaffleSvm();
 * const ledger = new Ledger(svm, { confirmationLag: 1, finalizationLag: 4 });
 * const outcome = ledger.sendTransaction(wireBytes);
 * if (outcome.kind === 'landed') console.log(outcome.record.slot, ledger.statusOf(outcome.signature)?.confirmationStatus);
 * ```
 */
export class Ledger {
    /** Ledger events (transactions, slots, commitment, forks, out-of-band writes, resets). */
    readonly events: LedgerEventEmitter = createLedgerEmitter();
    private readonly core: LedgerCore;
    private readonly clock: LedgerClock;
    private readonly accounts: AccountView;
    private readonly history: LedgerHistory;
    private readonly executor: LedgerExecutor;
    private readonly forks: LedgerForks;
    private readonly slotsPerEpoch: bigint;

    /**
     * @param svm - the LiteSVM to drive (its current clock slot becomes the genesis slot)
     * @param options - lags, windows and the time source
     */
    constructor(svm: LiteSVM, options: LedgerOptions = {}) {
        const lags = {
            confirmation: checkLag('confirmationLag', options.confirmationLag ?? 1),
            finalization: checkLag('finalizationLag', options.finalizationLag ?? 31),
        };
        const now = options.now ?? Date.now;
        const maxHistory = options.maxTransactionHistory ?? 100_000;
        this.slotsPerEpoch = options.slotsPerEpoch ?? 432_000n;
        configureSvm(svm);
        svm.setEpochSchedule(new EpochSchedule(this.slotsPerEpoch, this.slotsPerEpoch, false, 0n, 0n));
        const { state, genesis } = genesisState(svm, now);
        this.core = { svm, access: new SvmAccess(svm), state, slotHashes: new SlotHashesSysvar(), events: this.events };
        const clockSettings = { blockhashValidity: BigInt(options.blockhashValidity ?? 150), now, slotsPerEpoch: this.slotsPerEpoch, maxHistory };
        this.clock = new LedgerClock(this.core, clockSettings, lags);
        this.accounts = new AccountView(this.core, this.clock);
        this.history = new LedgerHistory(this.core, this.clock, { statusCacheSlots: BigInt(options.statusCacheSlots ?? 300), maxHistory });
        this.executor = new LedgerExecutor(this.core, this.clock, this.history);
        this.forks = new LedgerForks(this.core, this.executor);
        this.clock.applyClock(genesis.slot, genesis.blockTime);
    }

    /** The blocks kept, oldest first (the last 8,192 at least); each block's parent precedes it. */
    get blocks(): readonly BlockInfo[] {
        return this.core.state.blocks;
    }

    /** The LiteSVM holding the current (processed) state. Replaced by {@link Ledger.restore}. */
    get svm(): LiteSVM {
        this.core.slotHashes.flush(this.core.access);
        return this.core.svm;
    }

    // ---------------------------------------------------------------- slots and commitment

    /** The current commitment lags (blocks). */
    get commitmentLags(): { confirmation: number; finalization: number } {
        return this.clock.commitmentLags;
    }

    /**
     * Changes the commitment lags at run time (e.g. stall finality in a chaos test).
     *
     * @param lags - new lags; omitted ones stay
     */
    setCommitmentLags(lags: { confirmation?: number; finalization?: number }): void {
        this.clock.setCommitmentLags(lags);
    }

    /**
     * The block at the frontier of a commitment level.
     *
     * @param commitment - the level (default `finalized`, the RPC default)
     * @returns the block
     */
    block(commitment: Commitment = 'finalized'): BlockInfo {
        return this.clock.block(commitment);
    }

    /**
     * The slot at a commitment level.
     *
     * @param commitment - the level
     * @returns the slot
     */
    slot(commitment: Commitment = 'finalized'): bigint {
        return this.clock.slot(commitment);
    }

    /** Landed transactions so far. */
    get transactionCount(): bigint {
        return this.history.transactionCount;
    }

    /** The epoch schedule in use. */
    get epochSchedule(): { slotsPerEpoch: bigint } {
        return { slotsPerEpoch: this.slotsPerEpoch };
    }

    /**
     * The latest blockhash at a commitment level and the last block height at which it is valid.
     *
     * @param commitment - the level
     * @returns the blockhash and `lastValidBlockHeight`
     */
    latestBlockhash(commitment: Commitment = 'finalized'): { blockhash: string; lastValidBlockHeight: bigint } {
        return this.clock.latestBlockhash(commitment);
    }

    /**
     * Whether a blockhash is still valid for new transactions.
     *
     * @param blockhash - base58 blockhash
     * @returns true when a transaction using it can land
     */
    isBlockhashValid(blockhash: string): boolean {
        return this.clock.isBlockhashValid(blockhash);
    }

    /**
     * Produces `count` empty blocks (what the slot timer calls).
     *
     * @param count - number of blocks (default 1)
     */
    advanceSlots(count = 1): void {
        this.clock.advanceSlots(count);
    }

    /**
     * Jumps to a future slot: the next block has that slot number (the slots in between are
     * skipped, as after a leader outage). The block height grows by one.
     *
     * @param slot - the new tip slot, greater than the current one
     */
    warpToSlot(slot: bigint): void {
        this.clock.warpToSlot(slot);
    }

    /**
     * Moves the cluster clock forward to `unixTimestamp` (seconds) and keeps it ticking from
     * there; produces one block so that the new time is visible at once.
     *
     * @param unixTimestamp - the new time; not before the current one
     */
    warpClock(unixTimestamp: bigint): void {
        this.clock.warpClock(unixTimestamp);
    }

    /** The current cluster time (unix seconds) of the tip. */
    get unixTimestamp(): bigint {
        return this.clock.unixTimestamp;
    }

    // ---------------------------------------------------------------- accounts

    /**
     * An account as seen at a commitment level.
     *
     * @param address - the account
     * @param commitment - the level (default `processed`)
     * @returns the account, or `null` when it does not exist at that level
     */
    getAccount(address: Address, commitment: Commitment = 'processed'): EncodedAccount | null {
        return this.accounts.getAccount(address, commitment);
    }

    /** Whether reads and sends use LiteSVM's native binding directly (the fast path). */
    get fastPath(): boolean {
        return this.accounts.fastPath;
    }

    /**
     * Every account owned by `program` at a commitment level.
     *
     * @param program - the owner program
     * @param commitment - the level
     * @returns the accounts
     */
    getProgramAccounts(program: Address, commitment: Commitment = 'processed'): EncodedAccount[] {
        return this.accounts.getProgramAccounts(program, commitment);
    }

    /**
     * Writes an account out of band (control methods, fixtures) and tells subscribers.
     *
     * @param account - the account; lamports 0 deletes it
     */
    setAccount(account: EncodedAccount): void {
        this.accounts.setAccount(account);
    }

    /**
     * Token balances of a list of accounts (one entry per initialized token account).
     *
     * @param accounts - accounts by account index (`null`: missing or not read)
     * @returns the balances
     */
    tokenBalances(accounts: readonly (EncodedAccount | null)[]): TokenBalance[] {
        return tokenBalances(this.core.access, accounts);
    }

    // ---------------------------------------------------------------- transactions

    /**
     * The fee a message pays: 5000 lamports per signature (transaction and precompile
     * signatures) plus the priority fee of its compute-budget instructions.
     *
     * @param tx - the parsed transaction
     * @returns the fee in lamports
     */
    computeFee(tx: ParsedWireTransaction): bigint {
        return computeFee(tx);
    }

    /**
     * Sends a wire transaction: sanitize, duplicate and blockhash checks, optional preflight
     * simulation, then execution in a new slot.
     *
     * @param bytes - the serialized transaction
     * @param options - `skipPreflight` as on the RPC; `replay` (internal) bypasses age checks
     * @returns what happened
     */
    sendTransaction(bytes: Uint8Array, options: { skipPreflight?: boolean; replay?: boolean } = {}): SendOutcome {
        return this.executor.sendTransaction(bytes, options);
    }

    /**
     * Simulates a wire transaction against the processed state.
     *
     * @param bytes - the serialized transaction
     * @param options - `sigVerify` (default false, as on the RPC) and `replaceRecentBlockhash`
     * @returns the simulation, or a malformed/signature failure outcome
     */
    simulateTransaction(
        bytes: Uint8Array,
        options: { sigVerify?: boolean; replaceRecentBlockhash?: boolean } = {},
    ): { kind: 'simulated'; simulation: SimulationResult; replacementBlockhash?: { blockhash: string; lastValidBlockHeight: bigint } } | Extract<SendOutcome, { kind: 'malformed' | 'signature-failed' }> {
        return this.executor.simulateTransaction(bytes, options);
    }

    /**
     * The full account key list of a transaction (static keys, then the keys its address lookup
     * tables load) and which of them are writable.
     *
     * @param parsed - the parsed transaction
     * @returns keys, writability and loaded addresses
     */
    resolveAccountKeys(parsed: ParsedWireTransaction): {
        accountKeys: Address[];
        writable: boolean[];
        loaded: { writable: Address[]; readonly: Address[] };
    } {
        return resolveAccountKeys(this.core.access, parsed);
    }

    // ---------------------------------------------------------------- history

    /**
     * A transaction from history.
     *
     * @param signature - base58 signature
     * @param commitment - only return it once it reached this level
     * @returns the record, or `undefined`
     */
    getTransaction(signature: string, commitment: Commitment = 'processed'): TransactionRecord | undefined {
        return this.history.getTransaction(signature, commitment);
    }

    /**
     * The status of a signature.
     *
     * @param signature - base58 signature
     * @param searchTransactionHistory - also look beyond the recent status cache
     * @returns the status, or `undefined` when unknown
     */
    statusOf(signature: string, searchTransactionHistory = true): SignatureStatusView | undefined {
        return this.history.statusOf(signature, searchTransactionHistory);
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
        return this.history.signaturesForAddress(address, options);
    }

    /**
     * The signatures of a block.
     *
     * @param slot - the slot
     * @returns its signatures in order (empty for unknown or empty blocks)
     */
    blockSignatures(slot: bigint): readonly string[] {
        return this.history.blockSignatures(slot);
    }

    // ---------------------------------------------------------------- forks and snapshots

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
        return this.forks.fork(signature, options);
    }

    /**
     * Captures the whole state (SVM bytes and ledger bookkeeping).
     *
     * @returns a snapshot for {@link Ledger.restore}
     */
    snapshot(): LedgerSnapshot {
        return this.forks.snapshot();
    }

    /**
     * Puts a snapshot back: accounts, slots, blockhashes, history and clock as they were.
     *
     * @param snapshot - from {@link Ledger.snapshot}
     */
    restore(snapshot: LedgerSnapshot): void {
        this.forks.restore(snapshot);
    }
}
