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
 */
import { type Address, type EncodedAccount, type Transaction, getAddressDecoder, getAddressEncoder, lamports } from '@solana/kit';
import { Clock, EpochSchedule, FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';

import { invalidArgument } from '../errors';
import {
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    SYSTEM_PROGRAM_ADDRESS,
} from './addresses';
import { SvmAccess } from './access';
import { TypedEmitter } from './emitter';
import { SLOT_HASHES_ADDRESS, SlotHashesSysvar } from './slot-hashes';
import { checkWarpSlot, checkWarpUnixTimestamp } from './time-limits';
import { parseMint, parseTokenAccount, toUiTokenAmount, type UiTokenAmount } from './token';
import { isCommittedError, toTransactionErrorJson, type TransactionErrorJson } from './transaction-error';
import { type ParsedWireTransaction, parseWireTransaction, sanitizeTransaction, WireFormatError } from './wire';

/**
 * A commitment level.
 *
 * @example
 * ```ts
 * const commitment: Commitment = 'confirmed';
 * ledger.slot(commitment);
 * ```
 */
export type Commitment = 'processed' | 'confirmed' | 'finalized';

/**
 * Lamports per signature, as on every public cluster.
 *
 * @example
 * ```ts
 * const fee = LAMPORTS_PER_SIGNATURE * 2n; // two signers, no priority fee
 * ```
 */
export const LAMPORTS_PER_SIGNATURE = 5000n;

/**
 * One entry of `preTokenBalances` / `postTokenBalances`.
 *
 * @example
 * ```ts
 * const balances: readonly TokenBalance[] = record.postTokenBalances;
 * console.log(balances[0]?.uiTokenAmount.uiAmountString);
 * ```
 */
export interface TokenBalance {
    readonly accountIndex: number;
    readonly mint: Address;
    readonly owner: Address;
    readonly programId: Address;
    readonly uiTokenAmount: UiTokenAmount;
}

/**
 * The inner instructions of one top-level instruction.
 *
 * @example
 * ```ts
 * const inner: readonly InnerInstructionsView[] = record.innerInstructions;
 * console.log(inner[0]?.instructions.length);
 * ```
 */
export interface InnerInstructionsView {
    readonly index: number;
    readonly instructions: readonly {
        readonly programIdIndex: number;
        readonly accounts: readonly number[];
        readonly data: Uint8Array;
        readonly stackHeight: number;
    }[];
}

/**
 * Return data of a transaction.
 *
 * @example
 * ```ts
 * const rd: ReturnDataView | null = record.returnData;
 * ```
 */
export interface ReturnDataView {
    readonly programId: Address;
    readonly data: Uint8Array;
}

/**
 * Everything the ledger remembers about one landed transaction.
 *
 * @example
 * ```ts
 * const record: TransactionRecord | undefined = ledger.getTransaction(signature, 'confirmed');
 * console.log(record?.slot, record?.logs);
 * ```
 */
export interface TransactionRecord {
    readonly signature: string;
    /** Global landing order (also breaks ties in a slot). */
    readonly seq: number;
    readonly slot: bigint;
    readonly blockHeight: bigint;
    readonly blockTime: bigint;
    readonly transaction: ParsedWireTransaction;
    /** Static keys, then loaded writable, then loaded readonly. */
    readonly accountKeys: readonly Address[];
    readonly writable: readonly boolean[];
    readonly loadedAddresses: { readonly writable: readonly Address[]; readonly readonly: readonly Address[] };
    readonly err: TransactionErrorJson | null;
    readonly fee: bigint;
    readonly logs: readonly string[];
    readonly preBalances: readonly bigint[];
    readonly postBalances: readonly bigint[];
    readonly preTokenBalances: readonly TokenBalance[];
    readonly postTokenBalances: readonly TokenBalance[];
    readonly innerInstructions: readonly InnerInstructionsView[];
    readonly computeUnitsConsumed: bigint;
    readonly returnData: ReturnDataView | null;
    /** The writable accounts before the transaction (`null`: did not exist). */
    readonly preImages: ReadonlyMap<Address, EncodedAccount | null>;
}

/**
 * What happened to a transaction handed to {@link Ledger.sendTransaction}.
 *
 * @example
 * ```ts
 * const outcome: SendOutcome = ledger.sendTransaction(bytes);
 * if (outcome.kind === 'preflight-failed') console.log(outcome.simulation.err);
 * ```
 */
export type SendOutcome =
    | { readonly kind: 'landed'; readonly signature: string; readonly record: TransactionRecord }
    | { readonly kind: 'dropped'; readonly signature: string; readonly err: TransactionErrorJson }
    | {
          readonly kind: 'preflight-failed';
          readonly signature: string;
          readonly simulation: SimulationResult;
      }
    | { readonly kind: 'signature-failed'; readonly signature: string }
    | { readonly kind: 'malformed'; readonly stage: 'decode' | 'sanitize'; readonly reason: string };

/**
 * The result of a simulation.
 *
 * @example
 * ```ts
 * const result = ledger.simulateTransaction(bytes);
 * if (result.kind === 'simulated') console.log(result.simulation.logs);
 * ```
 */
export interface SimulationResult {
    readonly err: TransactionErrorJson | null;
    readonly logs: readonly string[];
    readonly unitsConsumed: bigint;
    readonly returnData: ReturnDataView | null;
    readonly innerInstructions: readonly InnerInstructionsView[];
    /** Accounts after the simulated transaction (only when it succeeded). */
    readonly postAccounts: ReadonlyMap<Address, EncodedAccount>;
    readonly fee: bigint;
    readonly accountKeys: readonly Address[];
}

/**
 * A produced block.
 *
 * @example
 * ```ts
 * const tip: BlockInfo = ledger.block('processed');
 * console.log(tip.slot, tip.height, tip.blockhash);
 * ```
 */
export interface BlockInfo {
    readonly slot: bigint;
    readonly parent: bigint;
    readonly height: bigint;
    readonly blockhash: string;
    readonly blockTime: bigint;
}

/**
 * The status of a signature, as `getSignatureStatuses` needs it.
 *
 * @example
 * ```ts
 * const status: SignatureStatusView | undefined = ledger.statusOf(signature);
 * console.log(status?.confirmationStatus);
 * ```
 */
export interface SignatureStatusView {
    readonly record: TransactionRecord;
    readonly confirmationStatus: Commitment;
    /** Blocks since the transaction's block; `null` once finalized. */
    readonly confirmations: number | null;
}

/**
 * Events of the ledger (the PubSub server listens to them).
 *
 * @example
 * ```ts
 * ledger.events.on('commitment', (e: LedgerEvents['commitment']) => console.log(e.commitment, e.records.length));
 * ```
 */
export interface LedgerEvents extends Record<string, unknown> {
    /** A transaction landed (commitment `processed`). */
    transaction: TransactionRecord;
    /** A block was produced. */
    slot: { slot: bigint; parent: bigint; root: bigint };
    /** The `confirmed` or `finalized` frontier moved over these transactions. */
    commitment: { commitment: 'confirmed' | 'finalized'; slot: bigint; records: readonly TransactionRecord[] };
    /** A fork dropped these transactions (before any replay). */
    fork: { dropped: readonly TransactionRecord[]; confirmedSlot: bigint };
    /** Accounts were written out of band (control methods, fixtures). */
    accounts: readonly Address[];
    /** The whole state was replaced (snapshot restore). */
    reset: undefined;
}

/**
 * Options of a {@link Ledger}.
 *
 * @example
 * ```ts
 * const ledger = new Ledger(svm, { confirmationLag: 1, finalizationLag: 4 } satisfies LedgerOptions);
 * ```
 */
export interface LedgerOptions {
    /** Blocks by which `confirmed` trails `processed` (default 1). */
    confirmationLag?: number;
    /** Blocks by which `finalized` trails `confirmed` (default 31, as on a real cluster). */
    finalizationLag?: number;
    /** Blocks for which a blockhash stays valid (default 150). */
    blockhashValidity?: number;
    /** Slots during which statuses are found without `searchTransactionHistory` (default 300). */
    statusCacheSlots?: number;
    /** Transactions kept in history (default 100,000; the oldest finalized ones go first). */
    maxTransactionHistory?: number;
    /** Milliseconds since the epoch (default `Date.now`); the clock sysvar follows it. */
    now?: () => number;
    /** Slots per epoch (default 432,000, no warmup). */
    slotsPerEpoch?: bigint;
}

/**
 * A frozen copy of the ledger and the SVM state.
 *
 * @example
 * ```ts
 * const snap: LedgerSnapshot = ledger.snapshot();
 * ledger.restore(snap);
 * ```
 */
export interface LedgerSnapshot {
    readonly svm: Uint8Array;
    readonly state: LedgerState;
}

/**
 * The bookkeeping of a ledger, as kept in a snapshot (treat as opaque).
 *
 * @example
 * ```ts
 * const { state }: LedgerSnapshot = ledger.snapshot();
 * void (state satisfies LedgerState);
 * ```
 */
export interface LedgerState {
    blocks: BlockInfo[];
    blockSignatures: Map<bigint, string[]>;
    blockhashes: Map<string, bigint>;
    history: Map<string, TransactionRecord>;
    byAddress: Map<Address, TransactionRecord[]>;
    recent: TransactionRecord[];
    frontier: { confirmed: bigint; finalized: bigint };
    emittedSeq: { confirmed: number; finalized: number };
    clockOffsetMs: number;
    lastUnix: bigint;
    seq: number;
    transactionCount: bigint;
    epochStartTimestamp: bigint;
}

const SYSVAR_PREFIX = 'Sysvar';
const NATIVE_PROGRAMS = new Set<string>([
    SYSTEM_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
]);
const BUILTIN_PROGRAMS = new Set<string>([
    ...NATIVE_PROGRAMS,
    'Vote111111111111111111111111111111111111111',
    'Stake11111111111111111111111111111111111111',
    'Config1111111111111111111111111111111111111',
    'BPFLoader1111111111111111111111111111111111',
    'BPFLoader2111111111111111111111111111111111',
    'BPFLoaderUpgradeab1e11111111111111111111111',
    'LoaderV411111111111111111111111111111111111',
    'ZkE1Gama1Proof11111111111111111111111111111',
]);
const LOOKUP_TABLE_META_SIZE = 56;
const MAX_KEPT_BLOCKS = 8192;

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
    /** Ledger events (transactions, slots, commitment, forks, out-of-band writes). */
    readonly events = new TypedEmitter<LedgerEvents>();
    private svmInstance: LiteSVM;
    private access: SvmAccess;
    private state: LedgerState;
    private lags: { confirmation: number; finalization: number };
    private readonly blockhashValidity: bigint;
    private readonly statusCacheSlots: bigint;
    private readonly maxHistory: number;
    private readonly now: () => number;
    private readonly slotsPerEpoch: bigint;
    private readonly slotHashes = new SlotHashesSysvar();

    /**
     * @param svm - the LiteSVM to drive (its current clock slot becomes the genesis slot)
     * @param options - lags, windows and the time source
     */
    constructor(svm: LiteSVM, options: LedgerOptions = {}) {
        this.svmInstance = svm;
        this.access = new SvmAccess(svm);
        this.lags = {
            confirmation: checkLag('confirmationLag', options.confirmationLag ?? 1),
            finalization: checkLag('finalizationLag', options.finalizationLag ?? 31),
        };
        this.blockhashValidity = BigInt(options.blockhashValidity ?? 150);
        this.statusCacheSlots = BigInt(options.statusCacheSlots ?? 300);
        this.maxHistory = options.maxTransactionHistory ?? 100_000;
        this.now = options.now ?? Date.now;
        this.slotsPerEpoch = options.slotsPerEpoch ?? 432_000n;
        configureSvm(svm);
        svm.setEpochSchedule(new EpochSchedule(this.slotsPerEpoch, this.slotsPerEpoch, false, 0n, 0n));
        const clock = svm.getClock();
        const slot = clock.slot;
        const nowUnix = BigInt(Math.floor(this.now() / 1000));
        const unix = clock.unixTimestamp > 0n ? clock.unixTimestamp : nowUnix;
        const blockhash = svm.latestBlockhash();
        const genesis: BlockInfo = { slot, parent: slot === 0n ? 0n : slot - 1n, height: slot, blockhash, blockTime: unix };
        this.state = {
            blocks: [genesis],
            blockSignatures: new Map(),
            blockhashes: new Map([[blockhash, genesis.height]]),
            history: new Map(),
            byAddress: new Map(),
            recent: [],
            frontier: { confirmed: slot, finalized: slot },
            emittedSeq: { confirmed: -1, finalized: -1 },
            clockOffsetMs: Number(unix) * 1000 - this.now(),
            lastUnix: unix,
            seq: 0,
            transactionCount: 0n,
            epochStartTimestamp: unix,
        };
        this.applyClock(genesis.slot, unix);
    }

    /** The blocks kept, oldest first (the last 8,192 at least); each block's parent precedes it. */
    get blocks(): readonly BlockInfo[] {
        return this.state.blocks;
    }

    /** The LiteSVM holding the current (processed) state. Replaced by {@link Ledger.restore}. */
    get svm(): LiteSVM {
        this.slotHashes.flush(this.access);
        return this.svmInstance;
    }

    // ---------------------------------------------------------------- slots and commitment

    /** The current commitment lags (blocks). */
    get commitmentLags(): { confirmation: number; finalization: number } {
        return { ...this.lags };
    }

    /**
     * Changes the commitment lags at run time (e.g. stall finality in a chaos test).
     *
     * @param lags - new lags; omitted ones stay
     */
    setCommitmentLags(lags: { confirmation?: number; finalization?: number }): void {
        this.lags = {
            confirmation: checkLag('confirmationLag', lags.confirmation ?? this.lags.confirmation),
            finalization: checkLag('finalizationLag', lags.finalization ?? this.lags.finalization),
        };
        this.advanceFrontiers();
    }

    /**
     * The block at the frontier of a commitment level.
     *
     * @param commitment - the level (default `finalized`, the RPC default)
     * @returns the block
     */
    block(commitment: Commitment = 'finalized'): BlockInfo {
        const { blocks } = this.state;
        const lag = commitment === 'processed' ? 0 : commitment === 'confirmed' ? this.lags.confirmation : this.lags.confirmation + this.lags.finalization;
        const frontier = blocks[Math.max(0, blocks.length - 1 - lag)]!;
        if (commitment === 'processed') return frontier;
        // A frontier never moves backwards, even if the lag grows.
        const recorded = this.state.frontier[commitment];
        if (frontier.slot >= recorded) return frontier;
        return this.findBlock(recorded) ?? frontier;
    }

    /**
     * The slot at a commitment level.
     *
     * @param commitment - the level
     * @returns the slot
     */
    slot(commitment: Commitment = 'finalized'): bigint {
        return this.block(commitment).slot;
    }

    /** Landed transactions so far. */
    get transactionCount(): bigint {
        return this.state.transactionCount;
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
        const block = this.block(commitment);
        return { blockhash: block.blockhash, lastValidBlockHeight: block.height + this.blockhashValidity };
    }

    /**
     * Whether a blockhash is still valid for new transactions.
     *
     * @param blockhash - base58 blockhash
     * @returns true when a transaction using it can land
     */
    isBlockhashValid(blockhash: string): boolean {
        const height = this.state.blockhashes.get(blockhash);
        return height !== undefined && this.block('processed').height <= height + this.blockhashValidity;
    }

    /**
     * Produces `count` empty blocks (what the slot timer calls).
     *
     * @param count - number of blocks (default 1)
     */
    advanceSlots(count = 1): void {
        if (!Number.isInteger(count) || count < 1 || count > 100_000) throw invalidArgument('count', 'must be an integer in [1, 100000]');
        for (let i = 0; i < count; i++) this.produceBlock();
    }

    /**
     * Jumps to a future slot: the next block has that slot number (the slots in between are
     * skipped, as after a leader outage). The block height grows by one.
     *
     * @param slot - the new tip slot, greater than the current one
     */
    warpToSlot(slot: bigint): void {
        const tip = this.block('processed').slot;
        if (slot <= tip) throw invalidArgument('slot', `must be greater than the current slot ${tip}`);
        checkWarpSlot(slot);
        this.produceBlock(slot);
    }

    /**
     * Moves the cluster clock forward to `unixTimestamp` (seconds) and keeps it ticking from
     * there; produces one block so that the new time is visible at once.
     *
     * @param unixTimestamp - the new time; not before the current one
     */
    warpClock(unixTimestamp: bigint): void {
        if (unixTimestamp < this.state.lastUnix) {
            throw invalidArgument('unixTimestamp', `the clock only moves forward (now ${this.state.lastUnix})`);
        }
        checkWarpUnixTimestamp(unixTimestamp);
        this.state.clockOffsetMs = Number(unixTimestamp) * 1000 - this.now();
        this.produceBlock();
    }

    /** The current cluster time (unix seconds) of the tip. */
    get unixTimestamp(): bigint {
        return this.state.lastUnix;
    }

    private findBlock(slot: bigint): BlockInfo | undefined {
        const { blocks } = this.state;
        for (let i = blocks.length - 1; i >= 0; i--) {
            const b = blocks[i]!;
            if (b.slot === slot) return b;
            if (b.slot < slot) return undefined;
        }
        return undefined;
    }

    private nextUnix(): bigint {
        const s = this.state;
        const computed = BigInt(Math.floor((this.now() + s.clockOffsetMs) / 1000));
        return computed > s.lastUnix ? computed : s.lastUnix;
    }

    private produceBlock(targetSlot?: bigint, time?: bigint): BlockInfo {
        const s = this.state;
        const tip = s.blocks[s.blocks.length - 1]!;
        const slot = targetSlot ?? tip.slot + 1n;
        this.svmInstance.expireBlockhash();
        const blockhash = this.svmInstance.latestBlockhash();
        const unix = time ?? this.nextUnix();
        const block: BlockInfo = { slot, parent: tip.slot, height: tip.height + 1n, blockhash, blockTime: unix };
        s.blocks.push(block);
        if (s.blocks.length > MAX_KEPT_BLOCKS * 2) s.blocks.splice(0, s.blocks.length - MAX_KEPT_BLOCKS);
        s.blockhashes.set(blockhash, block.height);
        if (s.blockhashes.size > Number(this.blockhashValidity) * 4 + 64) {
            for (const [hash, height] of s.blockhashes) {
                if (height + this.blockhashValidity < block.height) s.blockhashes.delete(hash);
                else break;
            }
        }
        this.applyClock(slot, unix);
        this.advanceFrontiers();
        this.events.emit('slot', { slot, parent: tip.slot, root: s.frontier.finalized });
        return block;
    }

    private applyClock(slot: bigint, unix: bigint): void {
        const s = this.state;
        const epoch = slot / this.slotsPerEpoch;
        const previous = this.svmInstance.getClock();
        if (previous.epoch !== epoch) s.epochStartTimestamp = unix;
        s.lastUnix = unix;
        this.svmInstance.setClock(new Clock(slot, s.epochStartTimestamp, epoch, epoch + 1n, unix));
        this.slotHashes.update(slot, s.blocks);
    }

    private advanceFrontiers(): void {
        const s = this.state;
        for (const level of ['confirmed', 'finalized'] as const) {
            const slot = this.block(level).slot;
            const previous = s.frontier[level];
            const emitted = s.emittedSeq[level];
            // By sequence, not slot: with a zero lag a transaction is at the frontier as it lands.
            const records = s.recent.filter((r) => r.seq > emitted && r.slot <= slot);
            if (slot <= previous && records.length === 0) continue;
            s.frontier[level] = slot > previous ? slot : previous;
            if (records.length > 0) s.emittedSeq[level] = records[records.length - 1]!.seq;
            this.events.emit('commitment', { commitment: level, slot: s.frontier[level], records });
        }
        // Transactions at or below finality can no longer be forked; stop tracking them.
        let drop = 0;
        while (drop < s.recent.length && s.recent[drop]!.slot <= s.frontier.finalized && s.recent[drop]!.seq <= s.emittedSeq.finalized) drop++;
        if (drop > 0) s.recent.splice(0, drop);
        this.pruneHistory();
    }

    private pruneHistory(): void {
        const s = this.state;
        if (s.history.size <= this.maxHistory) return;
        for (const [signature, record] of s.history) {
            if (s.history.size <= this.maxHistory) break;
            if (record.slot > s.frontier.finalized) break;
            s.history.delete(signature);
        }
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
        if (address === SLOT_HASHES_ADDRESS) this.slotHashes.flush(this.access);
        if (commitment !== 'processed') {
            const overlay = this.overlay(commitment, address);
            if (overlay.has(address)) return overlay.get(address) ?? null;
        }
        return this.access.getAccount(address);
    }

    /** Whether reads and sends use LiteSVM's native binding directly (the fast path). */
    get fastPath(): boolean {
        return this.access.fast;
    }

    /**
     * Every account owned by `program` at a commitment level.
     *
     * @param program - the owner program
     * @param commitment - the level
     * @returns the accounts
     */
    getProgramAccounts(program: Address, commitment: Commitment = 'processed'): EncodedAccount[] {
        this.slotHashes.flush(this.access);
        const current = this.svmInstance.getProgramAccounts(program);
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

    /** Pre-images of the transactions newer than a commitment frontier (oldest image wins). */
    private overlay(commitment: Commitment, only?: Address): Map<Address, EncodedAccount | null> {
        const frontier = this.slot(commitment);
        const out = new Map<Address, EncodedAccount | null>();
        const { recent } = this.state;
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

    /**
     * Writes an account out of band (control methods, fixtures) and tells subscribers.
     *
     * @param account - the account; lamports 0 deletes it
     */
    setAccount(account: EncodedAccount): void {
        this.svmInstance.setAccount(account);
        this.events.emit('accounts', [account.address]);
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
        let signatures = BigInt(tx.header.numRequiredSignatures);
        let unitLimit: bigint | undefined;
        let microLamports = 0n;
        let defaultLimit = 0n;
        for (const ix of tx.instructions) {
            const program = tx.staticAccountKeys[ix.programIdIndex];
            if (program === ED25519_PROGRAM_ADDRESS || program === SECP256K1_PROGRAM_ADDRESS || program === SECP256R1_PROGRAM_ADDRESS) {
                signatures += BigInt(ix.data[0] ?? 0);
            }
            if (program === COMPUTE_BUDGET_PROGRAM_ADDRESS) {
                const dv = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
                if (ix.data[0] === 2 && ix.data.length >= 5) unitLimit = BigInt(dv.getUint32(1, true));
                if (ix.data[0] === 3 && ix.data.length >= 9) microLamports = dv.getBigUint64(1, true);
            }
            // Without SetComputeUnitLimit the runtime reserves 3,000 units per builtin
            // instruction and 200,000 per program instruction.
            defaultLimit += program !== undefined && BUILTIN_PROGRAMS.has(program) ? 3_000n : 200_000n;
        }
        const requested = unitLimit ?? defaultLimit;
        const limit = requested > 1_400_000n ? 1_400_000n : requested;
        const priority = (microLamports * limit + 999_999n) / 1_000_000n;
        return signatures * LAMPORTS_PER_SIGNATURE + priority;
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
        let parsed: ParsedWireTransaction;
        try {
            parsed = parseWireTransaction(bytes);
        } catch (e) {
            return { kind: 'malformed', stage: 'decode', reason: e instanceof WireFormatError ? e.message : String(e) };
        }
        const insane = sanitizeTransaction(parsed);
        if (insane) return { kind: 'malformed', stage: 'sanitize', reason: insane };
        const signature = parsed.signatures[0]!;
        const tx = toKitTransaction(parsed);
        const preflight = !options.skipPreflight;
        const keys = this.resolveAccountKeys(parsed);
        if (!options.replay) {
            const ageError = this.checkAge(parsed);
            if (ageError) {
                return preflight
                    ? { kind: 'preflight-failed', signature, simulation: emptySimulation(ageError, this.computeFee(parsed), keys.accountKeys) }
                    : { kind: 'dropped', signature, err: ageError };
            }
        }
        // The transaction runs in the next slot. Execution doubles as the preflight simulation:
        // a transaction that fails preflight is undone from its pre-images and leaves no trace.
        const s0 = this.state;
        const tip = s0.blocks[s0.blocks.length - 1]!;
        const previousClock = this.svmInstance.getClock();
        const savedTime = { lastUnix: s0.lastUnix, epochStartTimestamp: s0.epochStartTimestamp };
        const slot = tip.slot + 1n;
        const unix = this.nextUnix();
        this.applyClock(slot, unix);
        const rewindClock = () => {
            this.svmInstance.setClock(previousClock);
            this.slotHashes.update(previousClock.slot, s0.blocks);
            s0.lastUnix = savedTime.lastUnix;
            s0.epochStartTimestamp = savedTime.epochStartTimestamp;
        };
        const pre = this.captureAccounts(keys.accountKeys, keys.writable, parsed);
        let result: TransactionMetadata | FailedTransactionMetadata;
        try {
            this.slotHashes.flushFor(this.access, keys.accountKeys, parsed.instructions);
            result = this.access.send(parsed.bytes, parsed.version, () => tx);
        } catch {
            rewindClock();
            return preflight ? { kind: 'signature-failed', signature } : { kind: 'dropped', signature, err: 'SignatureFailure' };
        }
        let err: TransactionErrorJson | null = null;
        let meta: TransactionMetadata;
        if (result instanceof FailedTransactionMetadata) {
            err = toTransactionErrorJson(result.err());
            meta = result.meta();
            const committed = isCommittedError(err);
            if (preflight || !committed) {
                if (committed) {
                    for (const [address, image] of pre.images) this.svmInstance.setAccount(image ?? deletedAccount(address));
                }
                rewindClock();
                if (!preflight) return { kind: 'dropped', signature, err };
                if (err === 'SignatureFailure') return { kind: 'signature-failed', signature };
                return {
                    kind: 'preflight-failed',
                    signature,
                    simulation: {
                        err,
                        logs: meta.logs(),
                        unitsConsumed: meta.computeUnitsConsumed(),
                        returnData: returnDataOf(meta),
                        innerInstructions: innerInstructionsOf(meta),
                        postAccounts: new Map(),
                        fee: this.computeFee(parsed),
                        accountKeys: keys.accountKeys,
                    },
                };
            }
        } else {
            meta = result;
        }
        const block = this.produceBlock(slot, unix);
        const post = this.capturePost(keys.accountKeys, keys.writable, pre);
        const s = this.state;
        const record: TransactionRecord = {
            signature,
            seq: s.seq++,
            slot: block.slot,
            blockHeight: block.height,
            blockTime: block.blockTime,
            transaction: parsed,
            accountKeys: keys.accountKeys,
            writable: keys.writable,
            loadedAddresses: keys.loaded,
            err,
            fee: this.computeFee(parsed),
            logs: meta.logs(),
            preBalances: pre.balances,
            postBalances: post.balances,
            preTokenBalances: pre.tokenBalances,
            postTokenBalances: post.tokenBalances,
            innerInstructions: innerInstructionsOf(meta),
            computeUnitsConsumed: meta.computeUnitsConsumed(),
            returnData: returnDataOf(meta),
            preImages: pre.images,
        };
        this.addRecord(record);
        this.events.emit('transaction', record);
        // With a zero lag the transaction is confirmed (or finalized) as it lands.
        if (this.lags.confirmation === 0) this.advanceFrontiers();
        return { kind: 'landed', signature, record };
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
        let input = bytes;
        let replacementBlockhash: { blockhash: string; lastValidBlockHeight: bigint } | undefined;
        let parsed: ParsedWireTransaction;
        try {
            parsed = parseWireTransaction(input);
            if (options.replaceRecentBlockhash) {
                replacementBlockhash = this.latestBlockhash('processed');
                input = replaceBlockhash(parsed, replacementBlockhash.blockhash);
                parsed = parseWireTransaction(input);
            }
        } catch (e) {
            return { kind: 'malformed', stage: 'decode', reason: e instanceof WireFormatError ? e.message : String(e) };
        }
        const insane = sanitizeTransaction(parsed);
        if (insane) return { kind: 'malformed', stage: 'sanitize', reason: insane };
        const simulation = this.simulateParsed(parsed, toKitTransaction(parsed), { sigVerify: options.sigVerify ?? false });
        if (options.sigVerify && simulation.err === 'SignatureFailure') return { kind: 'signature-failed', signature: parsed.signatures[0]! };
        return replacementBlockhash ? { kind: 'simulated', simulation, replacementBlockhash } : { kind: 'simulated', simulation };
    }

    private simulateParsed(parsed: ParsedWireTransaction, tx: Transaction, options: { sigVerify: boolean }): SimulationResult {
        const { accountKeys } = this.resolveAccountKeys(parsed);
        const fee = this.computeFee(parsed);
        const ageError = this.checkAge(parsed);
        const empty = { logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [], postAccounts: new Map(), fee, accountKeys };
        if (ageError) return { err: ageError, ...empty };
        const svm = this.svmInstance;
        if (!options.sigVerify) svm.withSigverify(false);
        let result;
        try {
            this.slotHashes.flushFor(this.access, accountKeys, parsed.instructions);
            result = this.access.simulate(parsed.bytes, parsed.version, () => tx);
        } catch {
            return { err: 'SignatureFailure', ...empty };
        } finally {
            if (!options.sigVerify) svm.withSigverify(true);
        }
        if (result instanceof FailedTransactionMetadata) {
            const meta = result.meta();
            return {
                err: toTransactionErrorJson(result.err()),
                logs: meta.logs(),
                unitsConsumed: meta.computeUnitsConsumed(),
                returnData: returnDataOf(meta),
                innerInstructions: innerInstructionsOf(meta),
                postAccounts: new Map(),
                fee,
                accountKeys,
            };
        }
        const meta = result.meta;
        return {
            err: null,
            logs: meta.logs(),
            unitsConsumed: meta.computeUnitsConsumed(),
            returnData: returnDataOf(meta),
            innerInstructions: innerInstructionsOf(meta),
            postAccounts: new Map(result.postAccounts.map((a) => [a.address, a])),
            fee,
            accountKeys,
        };
    }

    private checkAge(parsed: ParsedWireTransaction): TransactionErrorJson | null {
        if (this.state.history.has(parsed.signatures[0]!)) return 'AlreadyProcessed';
        if (!this.isBlockhashValid(parsed.recentBlockhash)) return 'BlockhashNotFound';
        return null;
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
        const { header, staticAccountKeys } = parsed;
        const n = staticAccountKeys.length;
        const writable = staticAccountKeys.map((_, i) =>
            i < header.numRequiredSignatures ? i < header.numRequiredSignatures - header.numReadonlySignedAccounts : i < n - header.numReadonlyUnsignedAccounts,
        );
        const loaded = { writable: [] as Address[], readonly: [] as Address[] };
        for (const lookup of parsed.addressTableLookups) {
            const table = this.access.getAccount(lookup.accountKey);
            if (!table) continue;
            const addresses = table.data.subarray(LOOKUP_TABLE_META_SIZE);
            const at = (i: number): Address | undefined =>
                (i + 1) * 32 <= addresses.length ? getAddressDecoder().decode(addresses.subarray(i * 32, i * 32 + 32)) : undefined;
            for (const i of lookup.writableIndexes) {
                const a = at(i);
                if (a) loaded.writable.push(a);
            }
            for (const i of lookup.readonlyIndexes) {
                const a = at(i);
                if (a) loaded.readonly.push(a);
            }
        }
        return {
            accountKeys: [...staticAccountKeys, ...loaded.writable, ...loaded.readonly],
            writable: [...writable, ...loaded.writable.map(() => true), ...loaded.readonly.map(() => false)],
            loaded,
        };
    }

    private captureAccounts(
        keys: readonly Address[],
        writable: readonly boolean[],
        parsed: ParsedWireTransaction,
    ): { balances: bigint[]; tokenBalances: TokenBalance[]; images: Map<Address, EncodedAccount | null>; readonlyAccounts: (EncodedAccount | null)[] } {
        const programs = new Set(parsed.instructions.map((ix) => parsed.staticAccountKeys[ix.programIdIndex]));
        const balances: bigint[] = [];
        const images = new Map<Address, EncodedAccount | null>();
        const accounts: (EncodedAccount | null)[] = [];
        keys.forEach((address, i) => {
            if (!writable[i] && (programs.has(address) || NATIVE_PROGRAMS.has(address) || address.startsWith(SYSVAR_PREFIX))) {
                balances.push(this.access.getBalance(address));
                accounts.push(null);
                return;
            }
            const value = this.access.getAccount(address);
            balances.push(value ? BigInt(value.lamports) : 0n);
            accounts.push(value);
            if (writable[i]) images.set(address, value);
        });
        return { balances, tokenBalances: this.tokenBalances(accounts), images, readonlyAccounts: accounts };
    }

    private capturePost(
        keys: readonly Address[],
        writable: readonly boolean[],
        pre: { balances: bigint[]; readonlyAccounts: (EncodedAccount | null)[] },
    ): { balances: bigint[]; tokenBalances: TokenBalance[] } {
        const balances: bigint[] = [];
        const accounts: (EncodedAccount | null)[] = [];
        keys.forEach((address, i) => {
            if (!writable[i]) {
                balances.push(pre.balances[i]!);
                accounts.push(pre.readonlyAccounts[i] ?? null);
                return;
            }
            const value = this.access.getAccount(address);
            balances.push(value ? BigInt(value.lamports) : 0n);
            accounts.push(value);
        });
        return { balances, tokenBalances: this.tokenBalances(accounts) };
    }

    /**
     * Token balances of a list of accounts (one entry per initialized token account).
     *
     * @param accounts - accounts by account index (`null`: missing or not read)
     * @returns the balances
     */
    tokenBalances(accounts: readonly (EncodedAccount | null)[]): TokenBalance[] {
        const out: TokenBalance[] = [];
        accounts.forEach((account, accountIndex) => {
            if (!account) return;
            const token = parseTokenAccount(account.programAddress, account.data);
            if (!token) return;
            const mintAccount = this.access.getAccount(token.mint);
            const mint = mintAccount ? parseMint(mintAccount.programAddress, mintAccount.data) : null;
            out.push({
                accountIndex,
                mint: token.mint,
                owner: token.owner,
                programId: account.programAddress,
                uiTokenAmount: toUiTokenAmount(token.amount, mint?.decimals ?? 0),
            });
        });
        return out;
    }

    private addRecord(record: TransactionRecord): void {
        const s = this.state;
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
        this.pruneHistory();
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
        const record = this.state.history.get(signature);
        if (!record) return undefined;
        return record.slot <= this.slot(commitment) ? record : undefined;
    }

    /**
     * The status of a signature.
     *
     * @param signature - base58 signature
     * @param searchTransactionHistory - also look beyond the recent status cache
     * @returns the status, or `undefined` when unknown
     */
    statusOf(signature: string, searchTransactionHistory = true): SignatureStatusView | undefined {
        const record = this.state.history.get(signature);
        if (!record) return undefined;
        const tip = this.block('processed');
        if (!searchTransactionHistory && tip.slot - record.slot > this.statusCacheSlots) return undefined;
        const confirmationStatus: Commitment =
            record.slot <= this.slot('finalized') ? 'finalized' : record.slot <= this.slot('confirmed') ? 'confirmed' : 'processed';
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
        const s = this.state;
        const entries = s.byAddress.get(address) ?? [];
        const frontier = this.slot(options.commitment ?? 'finalized');
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

    // ---------------------------------------------------------------- forks

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
        const s = this.state;
        const target = s.history.get(signature);
        if (!target) throw invalidArgument('signature', `no landed transaction ${signature}`);
        if (target.slot <= s.frontier.finalized) throw invalidArgument('signature', `transaction ${signature} is already finalized`);
        const index = s.recent.indexOf(target);
        if (index < 0) throw invalidArgument('signature', `transaction ${signature} is not forkable`);
        const dropped = s.recent.slice(index);
        for (let i = dropped.length - 1; i >= 0; i--) {
            for (const [address, pre] of dropped[i]!.preImages) {
                this.svmInstance.setAccount(pre ?? deletedAccount(address));
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
        this.events.emit('fork', { dropped, confirmedSlot: s.frontier.confirmed });
        const replayed: SendOutcome[] = [];
        if (options.replay !== false) {
            for (const r of dropped) {
                if (r === target) continue;
                replayed.push(this.sendTransaction(r.transaction.bytes, { skipPreflight: true, replay: true }));
            }
        }
        return { dropped, replayed };
    }

    /**
     * The signatures of a block.
     *
     * @param slot - the slot
     * @returns its signatures in order (empty for unknown or empty blocks)
     */
    blockSignatures(slot: bigint): readonly string[] {
        return this.state.blockSignatures.get(slot) ?? [];
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Captures the whole state (SVM bytes and ledger bookkeeping).
     *
     * @returns a snapshot for {@link Ledger.restore}
     */
    snapshot(): LedgerSnapshot {
        this.slotHashes.flush(this.access);
        return { svm: this.svmInstance.toBytes(), state: copyState(this.state) };
    }

    /**
     * Puts a snapshot back: accounts, slots, blockhashes, history and clock as they were.
     *
     * @param snapshot - from {@link Ledger.snapshot}
     */
    restore(snapshot: LedgerSnapshot): void {
        const svm = LiteSVM.fromBytes(snapshot.svm);
        configureSvm(svm);
        this.svmInstance = svm;
        this.access = new SvmAccess(svm);
        this.slotHashes.reset();
        this.state = copyState(snapshot.state);
        this.events.emit('reset', undefined);
    }
}

function checkLag(name: string, value: number): number {
    if (!Number.isInteger(value) || value < 0 || value > 1000) throw invalidArgument(name, 'must be an integer in [0, 1000]');
    return value;
}

function configureSvm(svm: LiteSVM): void {
    // We check blockhashes (a window, not just the latest) and duplicates ourselves.
    svm.withSigverify(true).withBlockhashCheck(false).withTransactionHistory(0n);
}

function copyState(s: LedgerState): LedgerState {
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

function emptySimulation(err: TransactionErrorJson, fee: bigint, accountKeys: readonly Address[]): SimulationResult {
    return { err, logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [], postAccounts: new Map(), fee, accountKeys };
}

function deletedAccount(address: Address): EncodedAccount {
    return { address, lamports: lamports(0n), data: new Uint8Array(), executable: false, programAddress: SYSTEM_PROGRAM_ADDRESS, space: 0n };
}

function toKitTransaction(parsed: ParsedWireTransaction): Transaction {
    const signatures: Record<string, Uint8Array> = {};
    parsed.signatureBytes.forEach((sig, i) => {
        const signer = parsed.staticAccountKeys[i];
        if (signer !== undefined) signatures[signer] = sig;
    });
    return { messageBytes: parsed.messageBytes, signatures } as unknown as Transaction;
}

function replaceBlockhash(parsed: ParsedWireTransaction, blockhash: string): Uint8Array {
    const out = parsed.bytes.slice();
    // Blockhashes are 32-byte base58 strings, like addresses.
    const hash = getAddressEncoder().encode(blockhash as Address);
    // The blockhash sits right after the static account keys.
    const messageStart = parsed.bytes.length - parsed.messageBytes.length;
    const headerLen = parsed.version === 0 ? 4 : 3;
    const keysLen = shortVecLength(parsed.staticAccountKeys.length) + 32 * parsed.staticAccountKeys.length;
    out.set(hash as Uint8Array, messageStart + headerLen + keysLen);
    return out;
}

function shortVecLength(n: number): number {
    return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

function innerInstructionsOf(meta: TransactionMetadata): InnerInstructionsView[] {
    const out: InnerInstructionsView[] = [];
    meta.innerInstructions().forEach((list, index) => {
        if (list.length === 0) return;
        out.push({
            index,
            instructions: list.map((inner) => {
                const ix = inner.instruction();
                return { programIdIndex: ix.programIdIndex(), accounts: Array.from(ix.accounts()), data: ix.data(), stackHeight: inner.stackHeight() };
            }),
        });
    });
    return out;
}

function returnDataOf(meta: TransactionMetadata): ReturnDataView | null {
    const rd = meta.returnData();
    const data = rd.data();
    const programId = rd.programId();
    // A node records return data only when it is not empty.
    if (data.length === 0) return null;
    return { programId: getAddressDecoder().decode(programId), data };
}
