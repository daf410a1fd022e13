/**
 * `requestDrawTx`: the permissionless request for the draw of a sold-out raffle.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { TransactionSigner } from '@solana/kit';

import { raffleStateInvalid } from '../errors/client-errors';
import { getRequestDrawArciumInstruction } from '../generated/instructions';
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
 * Input of {@link requestDrawTx}.
 *
 * @example
 * ```ts
 * const input: RequestDrawTxParameters = { requester: worker, raffle: raffleAddress };
 * ```
 */
export interface RequestDrawTxParameters extends RaffleTransactionConfig {
    /** Anyone; signs (usually also the fee payer). */
    readonly requester: TransactionSigner;
    /** The raffle address, or the fetched account (then its status is checked first). */
    readonly raffle: RaffleInput;
}

/**
 * What {@link requestDrawTx} returns: one `request_draw_arcium` instruction.
 *
 * @example
 * ```ts
 * const message: RequestDrawTxReturnType = await requestDrawTx(input);
 * ```
 */
export type RequestDrawTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link requestDrawTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field.
 *
 * @example
 * ```ts
 * const onError = (e: RequestDrawTxErrorType) => console.error(e.message);
 * ```
 */
export type RequestDrawTxErrorType = RaffleError;

/**
 * Builds a `request_draw_arcium` transaction: asks for the draw of a raffle that sold out
 * (status Drawing), or asks again when a previous request timed out (DrawRequested for
 * `DRAW_TIMEOUT_SLOTS` = 150 slots). Permissionless. Given the fetched raffle, checks its
 * status first (the timeout is left to the program, which knows the slot).
 *
 * @param input - requester and raffle
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link RequestDrawTxErrorType}
 * @example
 * ```ts
 * const message = await requestDrawTx({ requester: worker, raffle: raffleAddress });
 * ```
 */
export async function requestDrawTx(input: RequestDrawTxParameters): Promise<RequestDrawTxReturnType> {
    assertObject('input', input);
    assertSigner('requester', input.requester);
    const programAddress = programOf(input);
    const raffle = raffleAddressOf(input.raffle);
    if (typeof input.raffle !== 'string') {
        const status = input.raffle.data.status;
        if (status !== RaffleStatus.Drawing && status !== RaffleStatus.DrawRequested) {
            throw raffleStateInvalid(raffle, `is ${statusName(status)}; a draw can be requested once it sold out (Drawing)`);
        }
    }
    const instruction = getRequestDrawArciumInstruction({ requester: input.requester, raffle }, { programAddress });
    return buildRaffleTransactionMessage([instruction], input);
}
