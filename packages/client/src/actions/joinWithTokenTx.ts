/**
 * `joinWithTokenTx`: a buyer's transaction that buys tickets with the payment token.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { Address, TransactionSigner } from '@solana/kit';

import { inputInvalid, raffleStateInvalid } from '../errors/client-errors';
import { getJoinWithTokenInstruction } from '../generated/instructions';
import { findConfigPda, findEntryPda, findPaymentVaultPda } from '../generated/pdas';
import { RaffleStatus } from '../generated/types';
import { assertInteger, assertObject, assertOptionalAddress, assertSigner, U32_MAX } from '../internal/validate';
import { findAssociatedTokenAddress } from '../pdas';
import {
    buildRaffleTransactionMessage,
    programOf,
    type RaffleInput,
    type RaffleReadRpc,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    resolveRaffle,
    statusName,
} from './shared';

/**
 * Input of {@link joinWithTokenTx}.
 *
 * @example
 * ```ts
 * const input: JoinWithTokenTxParameters = { rpc, buyer, raffle: raffleAddress, ticketCount: 3 };
 * ```
 */
export interface JoinWithTokenTxParameters extends RaffleTransactionConfig {
    /** The buyer; signs, pays the tickets and the entry account's rent. */
    readonly buyer: TransactionSigner;
    /**
     * The raffle: its address (fetched through `rpc`) or the fetched account. The entry is
     * created at `raffle.entriesCount`, so pass fresh state: a join that lost a race fails
     * with `EntryIndexMismatch` and is rebuilt by fetching again.
     */
    readonly raffle: RaffleInput;
    /** Tickets to buy: at least 1 and at most the tickets left (no partial fills). */
    readonly ticketCount: number;
    /** Needed when `raffle` is an address. */
    readonly rpc?: RaffleReadRpc;
    /** The buyer's payment token account; default their associated token account for the payment mint. */
    readonly buyerPaymentAccount?: Address;
}

/**
 * What {@link joinWithTokenTx} returns: one `join_with_token` instruction.
 *
 * @example
 * ```ts
 * const message: JoinWithTokenTxReturnType = await joinWithTokenTx(input);
 * ```
 */
export type JoinWithTokenTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link joinWithTokenTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field
 * (`ticketCount` above the tickets left, a raffle that is not Open, a missing `rpc`).
 *
 * @example
 * ```ts
 * const onError = (e: JoinWithTokenTxErrorType) => console.error(e.context.name, e.context.reason);
 * ```
 */
export type JoinWithTokenTxErrorType = RaffleError;

/**
 * Builds a `join_with_token` transaction: `ticketCount` tickets paid with the raffle's
 * payment token from the buyer's token account, recorded in a new entry at index
 * `raffle.entriesCount`. Checks before building that the raffle is Open and has that many
 * tickets left.
 *
 * Two buyers racing for the same entry index make the second fail with the program error
 * `EntryIndexMismatch`; pass a builder function to `sendAndConfirmRaffleTransactionFactory`
 * and it refetches and rebuilds for you.
 *
 * @param input - buyer, raffle, ticket count, and `rpc` when the raffle is an address
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link JoinWithTokenTxErrorType}
 * @example
 * ```ts
 * const { signature } = await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 2 }), {
 *     feePayer: buyer,
 * });
 * ```
 */
export async function joinWithTokenTx(input: JoinWithTokenTxParameters): Promise<JoinWithTokenTxReturnType> {
    assertObject('input', input);
    assertSigner('buyer', input.buyer);
    assertInteger('ticketCount', input.ticketCount, 1, U32_MAX);
    assertOptionalAddress('buyerPaymentAccount', input.buyerPaymentAccount);
    const programAddress = programOf(input);
    const raffle = await resolveRaffle(input.rpc, input.raffle, programAddress, input.commitment);
    const r = raffle.data;
    if (r.status !== RaffleStatus.Open) {
        throw raffleStateInvalid(raffle.address, `is ${statusName(r.status)}; tickets can only be bought while it is Open`);
    }
    const left = r.maxTickets - r.ticketsSold;
    if (input.ticketCount > left) {
        throw inputInvalid('ticketCount', `is ${input.ticketCount}, but only ${left} ticket(s) are left (no partial fills)`);
    }
    const [[config], [entry], [paymentVault], buyerPaymentAccount] = await Promise.all([
        findConfigPda({ programAddress }),
        findEntryPda({ raffle: raffle.address, index: r.entriesCount }, { programAddress }),
        findPaymentVaultPda({ raffle: raffle.address }, { programAddress }),
        input.buyerPaymentAccount ?? findAssociatedTokenAddress({ owner: input.buyer.address, mint: r.paymentMint }),
    ]);
    const instruction = getJoinWithTokenInstruction(
        { buyer: input.buyer, config, raffle: raffle.address, entry, buyerPaymentAccount, paymentVault, ticketCount: input.ticketCount },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
