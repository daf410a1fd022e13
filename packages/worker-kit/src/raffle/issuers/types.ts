/**
 * The MRFT issuer interface: who mints the refund tickets (one per refunded ticket slot) that
 * `RefundTicketsRequested` promises. Two implementations ship: the SPL voucher issuer (executed
 * on the local cluster; the vouchers are what `join_with_ticket` burns) and the Bubblegum issuer
 * (compressed NFTs, production). The automations own idempotency (the effect ledger) and the
 * proof from the chain; an issuer only builds the mint instructions and reads its own history.
 *
 * @packageDocumentation
 */
import type { Address, Instruction, TransactionSigner } from '@solana/kit';

import type { JsonValue } from '../../store/types';

/**
 * What one refunded entry is owed, as read and checked on chain (never taken from an event
 * alone): `tickets` refund tickets for `buyer`, one per ticket slot of the entry.
 *
 * @example
 * ```ts
 * const claim: RefundTicketClaim = {
 *     programAddress, raffle, raffleId: 7n, entry, entryIndex: 3, buyer, tickets: 2,
 *     firstTicket: 10, ticketsSold: 40, ticketPrice: 5_000_000n, paymentMint, raffleCreatedAt: 1_700_000_000n, refundDate: 1_700_086_400n,
 * };
 * ```
 */
export interface RefundTicketClaim {
    /** The raffle program. */
    readonly programAddress: Address;
    /** The raffle account. */
    readonly raffle: Address;
    /** The raffle's id (its PDA seed). */
    readonly raffleId: bigint;
    /** The refunded entry account. */
    readonly entry: Address;
    /** The entry's index in the raffle. */
    readonly entryIndex: number;
    /** Who receives the tickets (the entry's buyer). */
    readonly buyer: Address;
    /** How many refund tickets are owed (the entry's ticket count). */
    readonly tickets: number;
    /** The entry's first ticket number in the raffle (ticket slot `i` is ticket `firstTicket + i`). */
    readonly firstTicket: number;
    /**
     * The raffle's tickets sold (set by the automations from the raffle account): the spend guard
     * holds an issuance of a ticket number at or past it, or of a claim of more tickets.
     */
    readonly ticketsSold?: number;
    /** The price of one ticket in the raffle's payment mint (base units): the value a refund ticket stands for. */
    readonly ticketPrice: bigint;
    /** The raffle's payment mint. */
    readonly paymentMint: Address;
    /** The raffle's `created_at` (chain unix seconds): no issuance for it can be older, so history scans stop there. */
    readonly raffleCreatedAt: bigint;
    /** When the refund was decided (chain unix seconds, the clock at issuance). */
    readonly refundDate: bigint;
}

/**
 * A range of ticket slots of one entry, `[from, to)`, `0 <= from < to <= tickets`.
 *
 * @example
 * ```ts
 * const all: TicketSlotRange = { from: 0, to: claim.tickets };
 * ```
 */
export interface TicketSlotRange {
    /** First slot (inclusive). */
    readonly from: number;
    /** Last slot (exclusive). */
    readonly to: number;
}

/**
 * The instructions that issue one range of a claim, and who must sign besides the fee payer.
 * The instructions must include the issuance memo ({@link getMrftMemoInstruction}) so that the
 * issuance can be proven from the chain's history after the worker's store is lost.
 *
 * @example
 * ```ts
 * const built: MrftIssueTransaction = { instructions: [createAta, mintTo, memo], details: { mint } };
 * ```
 */
export interface MrftIssueTransaction {
    /** The instructions, in order (signers embedded as kit `TransactionSigner`s in the account metas). */
    readonly instructions: readonly Instruction[];
    /** What to record in the audit log about this issuance (no secrets). */
    readonly details?: JsonValue;
}

/**
 * An MRFT issuer. The automations call {@link MrftIssuer.buildIssue} for each range of
 * {@link MrftIssuer.slotsPerTransaction} slots of a claim not yet issued (as known from the
 * effect ledger and, when the ledger has no record, from {@link MrftIssuer.findIssued}), send
 * the transaction as an effect, then call {@link MrftIssuer.describeIssued} once it is
 * confirmed.
 *
 * @example
 * ```ts
 * const issuer: MrftIssuer = createSplVoucherIssuer({ rpc, mint, mintAuthority });
 * const ranges = await issuer.findIssued(claim);
 * ```
 */
export interface MrftIssuer {
    /** A short name for logs and the audit log (`spl-voucher`, `bubblegum`). */
    readonly name: string;
    /** How many ticket slots one chunk (one {@link MrftIssuer.buildIssue}) covers at most: chunks are `[k·n, (k+1)·n)`. */
    readonly slotsPerTransaction: number;
    /**
     * How many chunks (of any entries) one transaction may carry (default 1). The automations
     * merge their instructions (an identical instruction, such as an idempotent account
     * creation, once) and stay within the transaction size limit.
     */
    readonly chunksPerTransaction?: number;
    /** The account whose history holds every issuance transaction for `claim` (searched by {@link findIssued}). */
    historyAddress(claim: RefundTicketClaim): Promise<Address>;
    /**
     * Checks that `slots` more tickets can be issued (e.g. a Merkle tree's remaining capacity);
     * throws an error telling the operator what to do when not.
     */
    checkCapacity?(slots: number): Promise<void>;
    /**
     * Builds the transaction's instructions issuing `range` of `claim` to the buyer, with the
     * memo. `payer` is the automations' cranker: it pays the fee and any account it creates.
     */
    buildIssue(claim: RefundTicketClaim, range: TicketSlotRange, context: { readonly payer: TransactionSigner }): Promise<MrftIssueTransaction>;
    /**
     * The ranges of `claim` already issued, proven from the chain: successful transactions in
     * the history of {@link historyAddress} whose memo names this entry.
     */
    findIssued(claim: RefundTicketClaim, options?: { readonly signal?: AbortSignal }): Promise<TicketSlotRange[]>;
    /** After the transaction is confirmed: what it created (e.g. the compressed NFTs' asset ids), for the audit log. */
    describeIssued?(claim: RefundTicketClaim, range: TicketSlotRange, signature: string): Promise<JsonValue>;
    /** The key that signs every issuance (a mint authority, a tree delegate): only its transactions prove an issuance. */
    readonly authority: Address;
}
