/**
 * `settleDrawTx`: the settle authority's development fallback that sets the winner directly.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { TransactionSigner } from '@solana/kit';

import { inputInvalid, raffleStateInvalid } from '../errors/client-errors';
import { getSettleDrawInstruction } from '../generated/instructions';
import { findConfigPda } from '../generated/pdas';
import { RaffleStatus } from '../generated/types';
import { assertInteger, assertObject, assertSigner, U32_MAX } from '../internal/validate';
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
 * Input of {@link settleDrawTx}.
 *
 * @example
 * ```ts
 * const input: SettleDrawTxParameters = { settleAuthority, raffle: raffleAddress, winnerTicket: 0 };
 * ```
 */
export interface SettleDrawTxParameters extends RaffleTransactionConfig {
    /** `config.settleAuthority`; signs. */
    readonly settleAuthority: TransactionSigner;
    /** The raffle address, or the fetched account (then status and ticket range are checked first). */
    readonly raffle: RaffleInput;
    /** The winning ticket number, below `raffle.ticketsSold`. */
    readonly winnerTicket: number;
}

/**
 * What {@link settleDrawTx} returns: one `settle_draw` instruction.
 *
 * @example
 * ```ts
 * const message: SettleDrawTxReturnType = await settleDrawTx(input);
 * ```
 */
export type SettleDrawTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link settleDrawTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field.
 *
 * @example
 * ```ts
 * const onError = (e: SettleDrawTxErrorType) => console.error(e.message);
 * ```
 */
export type SettleDrawTxErrorType = RaffleError;

/**
 * Builds a `settle_draw` transaction, the development and test fallback that sets the
 * winning ticket without randomness. Only `config.settleAuthority` may send it, and only
 * when that is set (keep it unset on mainnet).
 *
 * @param input - settle authority, raffle, winning ticket
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link SettleDrawTxErrorType}
 * @example
 * ```ts
 * const message = await settleDrawTx({ settleAuthority, raffle: await fetchRaffle(rpc, raffleAddress), winnerTicket: 3 });
 * ```
 */
export async function settleDrawTx(input: SettleDrawTxParameters): Promise<SettleDrawTxReturnType> {
    assertObject('input', input);
    assertSigner('settleAuthority', input.settleAuthority);
    assertInteger('winnerTicket', input.winnerTicket, 0, U32_MAX);
    const programAddress = programOf(input);
    const raffle = raffleAddressOf(input.raffle);
    if (typeof input.raffle !== 'string') {
        const r = input.raffle.data;
        if (r.status !== RaffleStatus.Drawing && r.status !== RaffleStatus.DrawRequested) {
            throw raffleStateInvalid(raffle, `is ${statusName(r.status)}; settle_draw needs a sold-out raffle (Drawing or DrawRequested)`);
        }
        if (input.winnerTicket >= r.ticketsSold) {
            throw inputInvalid('winnerTicket', `is ${input.winnerTicket}, but the raffle sold ${r.ticketsSold} ticket(s) (0 .. ${r.ticketsSold - 1})`);
        }
    }
    const [config] = await findConfigPda({ programAddress });
    const instruction = getSettleDrawInstruction(
        { settleAuthority: input.settleAuthority, config, raffle, winnerTicket: input.winnerTicket },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
