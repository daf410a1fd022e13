/**
 * `updateConfigTx`: the admin's changes to the program's config.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import type { Address, ReadonlyUint8Array, TransactionSigner } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';
import { getUpdateConfigInstruction } from '../generated/instructions';
import { findConfigPda } from '../generated/pdas';
import { assertAddress, assertBoolean, assertBytes, assertInteger, assertObject, assertSigner } from '../internal/validate';
import { RAFFLE_UNSET_ADDRESS } from '../pdas';
import { buildRaffleTransactionMessage, programOf, type RaffleTransactionConfig, type RaffleTransactionMessage } from './shared';

/**
 * Input of {@link updateConfigTx}: the admin and the fields to change; omitted fields keep
 * their value.
 *
 * @example
 * ```ts
 * const input: UpdateConfigTxParameters = { admin, permitSigners: [oldKey, newKey] };
 * ```
 */
export interface UpdateConfigTxParameters extends RaffleTransactionConfig {
    /** The current config admin; signs. */
    readonly admin: TransactionSigner;
    /** Hands the admin role to this key. */
    readonly newAdmin?: Address;
    /** New permit signers: one or two keys (the second slot is unset when one is given). */
    readonly permitSigners?: readonly [Address] | readonly [Address, Address];
    /** New draw authority. */
    readonly drawAuthority?: Address;
    /** New head of the draw hash chain (32 bytes). */
    readonly drawCommitment?: ReadonlyUint8Array;
    /** New settle authority; `RAFFLE_UNSET_ADDRESS` disables `settle_draw`. */
    readonly settleAuthority?: Address;
    /** New treasury. */
    readonly treasury?: Address;
    /** New fee in basis points (0 to 10,000). */
    readonly feeBps?: number;
    /** New voucher mint; `RAFFLE_UNSET_ADDRESS` disables `join_with_ticket`. */
    readonly mrftMint?: Address;
    /** Pauses (true) or resumes (false) raffle creation and joins. */
    readonly paused?: boolean;
}

/**
 * What {@link updateConfigTx} returns: one `update_config` instruction.
 *
 * @example
 * ```ts
 * const message: UpdateConfigTxReturnType = await updateConfigTx({ admin, paused: true });
 * ```
 */
export type UpdateConfigTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link updateConfigTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` naming the bad field,
 * or `input` when nothing would change.
 *
 * @example
 * ```ts
 * const onError = (e: UpdateConfigTxErrorType) => console.error(e.message);
 * ```
 */
export type UpdateConfigTxErrorType = RaffleError;

const FIELDS = ['newAdmin', 'permitSigners', 'drawAuthority', 'drawCommitment', 'settleAuthority', 'treasury', 'feeBps', 'mrftMint', 'paused'] as const;

/**
 * Builds an `update_config` transaction that changes only the given fields: rotate permit
 * signers, draw and settle authorities, the draw commitment, treasury, fee, voucher mint,
 * pause flag, or hand the admin role over.
 *
 * @param input - the admin and at least one field to change
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link UpdateConfigTxErrorType}
 * @example
 * ```ts
 * // Key rotation: accept both keys, then drop the old one once every permit it signed expired.
 * await sendAndConfirm(await updateConfigTx({ admin, permitSigners: [oldKey, newKey] }), { feePayer: admin });
 * await sendAndConfirm(await updateConfigTx({ admin, permitSigners: [newKey] }), { feePayer: admin });
 * ```
 */
export async function updateConfigTx(input: UpdateConfigTxParameters): Promise<UpdateConfigTxReturnType> {
    assertObject('input', input);
    assertSigner('admin', input.admin);
    if (!FIELDS.some(field => input[field] !== undefined)) {
        throw inputInvalid('input', `changes nothing: set at least one of ${FIELDS.join(', ')}`);
    }
    for (const field of ['newAdmin', 'drawAuthority', 'settleAuthority', 'treasury', 'mrftMint'] as const) {
        if (input[field] !== undefined) assertAddress(field, input[field]);
    }
    if (input.permitSigners !== undefined) {
        if (!Array.isArray(input.permitSigners) || input.permitSigners.length < 1 || input.permitSigners.length > 2) {
            throw inputInvalid('permitSigners', 'must be an array of one or two addresses');
        }
        input.permitSigners.forEach((signer, i) => assertAddress(`permitSigners[${i}]`, signer));
    }
    if (input.drawCommitment !== undefined) assertBytes('drawCommitment', input.drawCommitment, 32);
    if (input.feeBps !== undefined) assertInteger('feeBps', input.feeBps, 0, 10_000);
    if (input.paused !== undefined) assertBoolean('paused', input.paused);
    const programAddress = programOf(input);
    const [config] = await findConfigPda({ programAddress });
    // `null` encodes Borsh's None: the program keeps the current value.
    const instruction = getUpdateConfigInstruction(
        {
            admin: input.admin,
            config,
            newAdmin: input.newAdmin ?? null,
            permitSigners: input.permitSigners === undefined ? null : [input.permitSigners[0], input.permitSigners[1] ?? RAFFLE_UNSET_ADDRESS],
            drawAuthority: input.drawAuthority ?? null,
            drawCommitment: input.drawCommitment ?? null,
            settleAuthority: input.settleAuthority ?? null,
            treasury: input.treasury ?? null,
            feeBps: input.feeBps ?? null,
            mrftMint: input.mrftMint ?? null,
            paused: input.paused ?? null,
        },
        { programAddress },
    );
    return buildRaffleTransactionMessage([instruction], input);
}
