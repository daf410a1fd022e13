/**
 * The types of the ledger: commitment levels, transaction records, send and simulation
 * outcomes, blocks, statuses, events, options and snapshots. Shared by the ledger's modules
 * and re-exported by `ledger.ts`.
 */
import type { Address, EncodedAccount } from '@solana/kit';
import type { EventEmitter } from 'eventemitter3';

import type { UiTokenAmount } from './token';
import type { TransactionErrorJson } from './transaction-error';
import type { ParsedWireTransaction } from './wire';

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
export interface LedgerEvents {
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
 * The listener of each ledger event: one payload argument, as {@link LedgerEvents} types it.
 *
 * @example
 * ```ts
 * const onSlot: LedgerEventListeners['slot'] = ({ slot, root }) => console.log(slot, root);
 * ledger.events.on('slot', onSlot);
 * ```
 */
export type LedgerEventListeners = { [K in keyof LedgerEvents]: (payload: LedgerEvents[K]) => void };

/**
 * The ledger's event emitter: an eventemitter3 `EventEmitter` typed by {@link LedgerEventListeners}
 * (`on`, `once`, `off`, `removeAllListeners`, `listenerCount`, ...). The ledger catches and
 * reports an error thrown by a listener, so a listener never breaks the ledger.
 *
 * @example
 * ```ts
 * const onTransaction = (record: TransactionRecord) => console.log(record.signature);
 * ledger.events.on('transaction', onTransaction);
 * ledger.events.off('transaction', onTransaction);
 * ```
 */
export type LedgerEventEmitter = EventEmitter<LedgerEventListeners>;

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
