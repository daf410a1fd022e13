/**
 * `joinWithTicketTx`: a buyer's transaction that buys tickets by burning MRFT refund vouchers.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { Address, TransactionSigner } from '@solana/kit';

import { inputInvalid, raffleStateInvalid } from '../errors/client-errors';
import { getJoinWithTicketInstruction } from '../generated/instructions';
import { findEntryPda } from '../generated/pdas';
import { RaffleStatus } from '../generated/types';
import { assertInteger, assertObject, assertOptionalAddress, assertSigner, U32_MAX } from '../internal/validate';
import { findAssociatedTokenAddress, RAFFLE_UNSET_ADDRESS } from '../pdas';
import {
    buildRaffleTransactionMessage,
    type ConfigInput,
    programOf,
    type RaffleInput,
    type RaffleReadRpc,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    resolveConfig,
    resolveRaffle,
    statusName,
} from './shared';

/**
 * Input of {@link joinWithTicketTx}.
 *
 * @example
 * ```ts
 * const input: JoinWithTicketTxParameters = { rpc, buyer, raffle: raffleAddress, ticketCount: 2 };
 * ```
 */
export interface JoinWithTicketTxParameters extends RaffleTransactionConfig {
    /** The buyer; signs, burns one voucher per ticket and pays the entry account's rent. */
    readonly buyer: TransactionSigner;
    /** The raffle: its address (fetched through `rpc`) or the fetched account (fresh: see `joinWithTokenTx`). */
    readonly raffle: RaffleInput;
    /** Tickets to buy, one voucher each: at least 1 and at most the tickets left. */
    readonly ticketCount: number;
    /** The config (for the voucher mint); fetched through `rpc` when omitted. */
    readonly config?: ConfigInput;
    /** Needed when `raffle` is an address or `config` is omitted. */
    readonly rpc?: RaffleReadRpc;
    /** The buyer's voucher token account; default their associated token account for `config.mrftMint`. */
    readonly buyerMrftAccount?: Address;
}

/**
 * What {@link joinWithTicketTx} returns: one `join_with_ticket` instruction.
 *
 * @example
 * ```ts
 * const message: JoinWithTicketTxReturnType = await joinWithTicketTx(input);
 * ```
 */
export type JoinWithTicketTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link joinWithTicketTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field
 * (vouchers disabled in the config, a raffle that is not Open, too many tickets).
 *
 * @example
 * ```ts
 * const onError = (e: JoinWithTicketTxErrorType) => console.error(e.message);
 * ```
 */
export type JoinWithTicketTxErrorType = RaffleError;

/**
 * Builds a `join_with_ticket` transaction: `ticketCount` tickets paid by burning as many MRFT
 * vouchers (`config.mrftMint`, decimals 0) from the buyer's voucher account, recorded in a new
 * entry at index `raffle.entriesCount`. Checks before building that vouchers are enabled and
 * that the raffle is Open with that many tickets left.
 *
 * @param input - buyer, raffle, ticket count, optional config, and `rpc` for what is not given
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link JoinWithTicketTxErrorType}
 * @example
 * ```ts
 * const message = await joinWithTicketTx({ rpc, buyer, raffle: raffleAddress, ticketCount: 1 });
 * ```
 */
export async function joinWithTicketTx(input: JoinWithTicketTxParameters): Promise<JoinWithTicketTxReturnType> {
    assertObject('input', input);
    assertSigner('buyer', input.buyer);
    assertInteger('ticketCount', input.ticketCount, 1, U32_MAX);
    assertOptionalAddress('buyerMrftAccount', input.buyerMrftAccount);
    const programAddress = programOf(input);
    const [raffle, config] = await Promise.all([
        resolveRaffle(input.rpc, input.raffle, programAddress, input.commitment),
        resolveConfig(input.rpc, input.config, programAddress, input.commitment),
    ]);
    const mrftMint = config.data.mrftMint;
    if (mrftMint === RAFFLE_UNSET_ADDRESS) {
        throw inputInvalid('config', 'has no voucher mint (mrftMint is unset): joining with vouchers is disabled');
    }
    const r = raffle.data;
    if (r.status !== RaffleStatus.Open) {
        throw raffleStateInvalid(raffle.address, `is ${statusName(r.status)}; tickets can only be bought while it is Open`);
    }
    const left = r.maxTickets - r.ticketsSold;
    if (input.ticketCount > left) {
        throw inputInvalid('ticketCount', `is ${input.ticketCount}, but only ${left} ticket(s) are left (no partial fills)`);
    }
    const [[entry], buyerMrftAccount] = await Promise.all([
        findEntryPda({ raffle: raffle.address, index: r.entriesCount }, { programAddress }),
        input.buyerMrftAccount ?? findAssociatedTokenAddress({ owner: input.buyer.address, mint: mrftMint }),
    ]);
    const instruction = getJoinWithTicketInstruction(
        {
            buyer: input.buyer,
            config: config.address,
            raffle: raffle.address,
            entry,
            mrftMint,
            buyerMrftAccount,
            ticketCount: input.ticketCount,
        },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
