/**
 * `cancelRaffleTx`: the organizer's (or admin's) cancellation of a raffle that sold nothing.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { TransactionSigner } from '@solana/kit';

import { raffleStateInvalid } from '../errors/client-errors';
import { getCancelRaffleInstruction } from '../generated/instructions';
import { findConfigPda } from '../generated/pdas';
import { RaffleStatus } from '../generated/types';
import { assertObject, assertSigner } from '../internal/validate';
import {
    buildRaffleTransactionMessage,
    programOf,
    type RaffleInput,
    raffleAddressOf,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    statusName,
} from './shared';

/**
 * Input of {@link cancelRaffleTx}.
 *
 * @example
 * ```ts
 * const input: CancelRaffleTxParameters = { authority: organizer, raffle: raffleAddress };
 * ```
 */
export interface CancelRaffleTxParameters extends RaffleTransactionConfig {
    /** The organizer or the config admin; signs. */
    readonly authority: TransactionSigner;
    /** The raffle address, or the fetched account (then it is checked to be Open with no ticket sold). */
    readonly raffle: RaffleInput;
}

/**
 * What {@link cancelRaffleTx} returns: one `cancel_raffle` instruction.
 *
 * @example
 * ```ts
 * const message: CancelRaffleTxReturnType = await cancelRaffleTx(input);
 * ```
 */
export type CancelRaffleTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link cancelRaffleTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field.
 *
 * @example
 * ```ts
 * const onError = (e: CancelRaffleTxErrorType) => console.error(e.message);
 * ```
 */
export type CancelRaffleTxErrorType = RaffleError;

/**
 * Builds a `cancel_raffle` transaction: cancels an Open raffle that has sold no ticket. The
 * prize then goes back to the organizer with `claimPrizeTx`.
 *
 * @param input - authority and raffle
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link CancelRaffleTxErrorType}
 * @example
 * ```ts
 * await sendAndConfirm(await cancelRaffleTx({ authority: organizer, raffle: raffleAddress }), { feePayer: organizer });
 * await sendAndConfirm(await claimPrizeTx({ rpc, cranker: organizer, raffle: raffleAddress }), { feePayer: organizer });
 * ```
 */
export async function cancelRaffleTx(input: CancelRaffleTxParameters): Promise<CancelRaffleTxReturnType> {
    assertObject('input', input);
    assertSigner('authority', input.authority);
    const programAddress = programOf(input);
    const raffle = raffleAddressOf(input.raffle);
    if (typeof input.raffle !== 'string') {
        const r = input.raffle.data;
        if (r.status !== RaffleStatus.Open || r.ticketsSold !== 0) {
            throw raffleStateInvalid(
                raffle,
                r.status !== RaffleStatus.Open
                    ? `is ${statusName(r.status)}; only an Open raffle can be cancelled`
                    : `has sold ${r.ticketsSold} ticket(s); only a raffle without tickets can be cancelled`,
            );
        }
    }
    const [config] = await findConfigPda({ programAddress });
    const instruction = getCancelRaffleInstruction({ authority: input.authority, config, raffle }, { programAddress });
    return buildRaffleTransactionMessage([instruction], input);
}
