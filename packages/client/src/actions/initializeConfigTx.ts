/**
 * `initializeConfigTx`: the one-time creation of the program's config by its upgrade authority.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { Address, ReadonlyUint8Array, TransactionSigner } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';
import { getInitializeConfigInstruction } from '../generated/instructions';
import { findConfigPda } from '../generated/pdas';
import { assertAddress, assertBytes, assertInteger, assertObject, assertOptionalAddress, assertSigner } from '../internal/validate';
import { findProgramDataPda, RAFFLE_UNSET_ADDRESS } from '../pdas';
import { buildRaffleTransactionMessage, programOf, type RaffleTransactionConfig, type RaffleTransactionMessage } from './shared';

/** The largest fee: 100%. */
const MAX_FEE_BPS = 10_000;

/**
 * Input of {@link initializeConfigTx}.
 *
 * @example
 * ```ts
 * const input: InitializeConfigTxParameters = {
 *     admin, permitSigners: [permitKey], drawAuthority, drawCommitment, treasury, feeBps: 250,
 * };
 * ```
 */
export interface InitializeConfigTxParameters extends RaffleTransactionConfig {
    /** The program's upgrade authority; signs, pays, and becomes the config admin. */
    readonly admin: TransactionSigner;
    /** One or two keys whose permits are accepted (two during a key rotation). */
    readonly permitSigners: readonly [Address] | readonly [Address, Address];
    /** The key that answers draw requests (`draw_callback`). */
    readonly drawAuthority: Address;
    /** The head of the draw authority's hash chain (32 bytes). */
    readonly drawCommitment: ReadonlyUint8Array;
    /** Owner of the fee and voucher-mode proceeds token accounts. */
    readonly treasury: Address;
    /** Protocol fee on proceeds in basis points (0 to 10,000). */
    readonly feeBps: number;
    /** The key allowed to call `settle_draw`; unset (disabled) when omitted. Keep it unset on mainnet. */
    readonly settleAuthority?: Address;
    /** The SPL voucher mint burnt by `join_with_ticket`; unset (vouchers disabled) when omitted. */
    readonly mrftMint?: Address;
}

/**
 * What {@link initializeConfigTx} returns: one `initialize_config` instruction.
 *
 * @example
 * ```ts
 * const message: InitializeConfigTxReturnType = await initializeConfigTx(input);
 * ```
 */
export type InitializeConfigTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link initializeConfigTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field.
 *
 * @example
 * ```ts
 * const onError = (e: InitializeConfigTxErrorType) => console.error(e.message);
 * ```
 */
export type InitializeConfigTxErrorType = RaffleError;

/**
 * Builds the `initialize_config` transaction that creates the program's config once after a
 * deploy. The signer must be the upgrade authority recorded in the program's ProgramData
 * account, which is derived and passed for the program to check.
 *
 * @param input - admin (upgrade authority) and the initial configuration
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link InitializeConfigTxErrorType}
 * @example
 * ```ts
 * const message = await initializeConfigTx({
 *     admin: upgradeAuthority,
 *     permitSigners: [permitSigner.address],
 *     drawAuthority: drawAuthority.address,
 *     drawCommitment: hashChainHead,
 *     treasury: treasury.address,
 *     feeBps: 250,
 * });
 * ```
 */
export async function initializeConfigTx(input: InitializeConfigTxParameters): Promise<InitializeConfigTxReturnType> {
    assertObject('input', input);
    assertSigner('admin', input.admin);
    if (!Array.isArray(input.permitSigners) || input.permitSigners.length < 1 || input.permitSigners.length > 2) {
        throw inputInvalid('permitSigners', 'must be an array of one or two addresses');
    }
    input.permitSigners.forEach((signer, i) => assertAddress(`permitSigners[${i}]`, signer));
    assertAddress('drawAuthority', input.drawAuthority);
    assertBytes('drawCommitment', input.drawCommitment, 32);
    assertAddress('treasury', input.treasury);
    assertInteger('feeBps', input.feeBps, 0, MAX_FEE_BPS);
    assertOptionalAddress('settleAuthority', input.settleAuthority);
    assertOptionalAddress('mrftMint', input.mrftMint);
    const programAddress = programOf(input);
    const [[config], [programData]] = await Promise.all([findConfigPda({ programAddress }), findProgramDataPda({ programAddress })]);
    const instruction = getInitializeConfigInstruction(
        {
            admin: input.admin,
            config,
            programData,
            permitSigners: [input.permitSigners[0], input.permitSigners[1] ?? RAFFLE_UNSET_ADDRESS],
            drawAuthority: input.drawAuthority,
            drawCommitment: input.drawCommitment,
            settleAuthority: input.settleAuthority ?? RAFFLE_UNSET_ADDRESS,
            treasury: input.treasury,
            feeBps: input.feeBps,
            mrftMint: input.mrftMint ?? RAFFLE_UNSET_ADDRESS,
        },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
