/**
 * `drawCallbackTx`: the draw authority's answer to a draw request.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { ReadonlyUint8Array, TransactionSigner } from '@solana/kit';

import { inputInvalid, raffleStateInvalid } from '../errors/client-errors';
import { findConfigPda } from '../generated/pdas';
import { getDrawCallbackInstruction } from '../generated/instructions';
import { RaffleStatus } from '../generated/types';
import { assertBytes, assertObject, assertSigner } from '../internal/validate';
import {
    buildRaffleTransactionMessage,
    type ConfigInput,
    programOf,
    type RaffleInput,
    raffleAddressOf,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    statusName,
} from './shared';

/**
 * Input of {@link drawCallbackTx}.
 *
 * @example
 * ```ts
 * const input: DrawCallbackTxParameters = { drawAuthority, raffle: raffleAddress, reveal: hashChain[next] };
 * ```
 */
export interface DrawCallbackTxParameters extends RaffleTransactionConfig {
    /** `config.drawAuthority`; signs. */
    readonly drawAuthority: TransactionSigner;
    /** The raffle address, or the fetched account (then its status is checked first). */
    readonly raffle: RaffleInput;
    /** The next value of the hash chain: 32 bytes with `sha256(reveal) == config.drawCommitment`. */
    readonly reveal: ReadonlyUint8Array;
    /** The fetched config: when given, the reveal is checked against its commitment before building. */
    readonly config?: ConfigInput;
}

/**
 * What {@link drawCallbackTx} returns: one `draw_callback` instruction.
 *
 * @example
 * ```ts
 * const message: DrawCallbackTxReturnType = await drawCallbackTx(input);
 * ```
 */
export type DrawCallbackTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link drawCallbackTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field
 * (a reveal of the wrong size or not matching the commitment).
 *
 * @example
 * ```ts
 * const onError = (e: DrawCallbackTxErrorType) => console.error(e.message);
 * ```
 */
export type DrawCallbackTxErrorType = RaffleError;

async function sha256(bytes: ReadonlyUint8Array): Promise<Uint8Array | undefined> {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) return undefined;
    return new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(bytes)));
}

/**
 * Builds a `draw_callback` transaction: the draw authority reveals the preimage of
 * `config.drawCommitment`, which fixes `randomness = sha256(reveal || draw_seed)` and the
 * winning ticket. Given the config, checks `sha256(reveal) == drawCommitment` first (with
 * WebCrypto; skipped where it is unavailable).
 *
 * @param input - draw authority, raffle, reveal, optional config
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link DrawCallbackTxErrorType}
 * @example
 * ```ts
 * const config = await fetchConfigFromSeeds(rpc);
 * const message = await drawCallbackTx({ drawAuthority, raffle: raffleAddress, reveal, config });
 * ```
 */
export async function drawCallbackTx(input: DrawCallbackTxParameters): Promise<DrawCallbackTxReturnType> {
    assertObject('input', input);
    assertSigner('drawAuthority', input.drawAuthority);
    assertBytes('reveal', input.reveal, 32);
    const programAddress = programOf(input);
    const raffle = raffleAddressOf(input.raffle);
    if (typeof input.raffle !== 'string' && input.raffle.data.status !== RaffleStatus.DrawRequested) {
        throw raffleStateInvalid(raffle, `is ${statusName(input.raffle.data.status)}; draw_callback answers a DrawRequested raffle`);
    }
    if (input.config !== undefined) {
        const hash = await sha256(input.reveal);
        const commitment = input.config.data.drawCommitment;
        if (hash !== undefined && !hash.every((b, i) => b === commitment[i])) {
            throw inputInvalid('reveal', 'does not hash to config.drawCommitment: use the next (previous-link) value of the hash chain');
        }
    }
    const [config] = await findConfigPda({ programAddress });
    const instruction = getDrawCallbackInstruction(
        { drawAuthority: input.drawAuthority, config: input.config?.address ?? config, raffle, reveal: input.reveal },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
