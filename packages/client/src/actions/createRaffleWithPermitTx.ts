/**
 * `createRaffleWithPermitTx`: the organizer's transaction that creates a raffle from a
 * backend permit.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import { decodePermitMessage, getEd25519VerifyInstruction, type Permit } from '@raffle/permit';
import { type Address, getBase64Encoder, type TransactionSigner } from '@solana/kit';

import { inputInvalid } from '../errors/client-errors';
import { getInitializeRaffleWithPermitInstruction } from '../generated/instructions';
import { RefundMode } from '../generated/types';
import { assertObject, assertOptionalAddress, assertSigner } from '../internal/validate';
import { findAssociatedTokenAddress, findRaffleAddresses } from '../pdas';
import { buildRaffleTransactionMessage, programOf, type RaffleTransactionConfig, type RaffleTransactionMessage } from './shared';

/**
 * Input of {@link createRaffleWithPermitTx}.
 *
 * @example
 * ```ts
 * const input: CreateRaffleWithPermitTxParameters = { organizer, permit, computeUnitPrice: 10_000n };
 * ```
 */
export interface CreateRaffleWithPermitTxParameters extends RaffleTransactionConfig {
    /** The organizer named in the permit; signs and pays for the new accounts. */
    readonly organizer: TransactionSigner;
    /** The permit the backend issued (`issuePermit`), as received (JSON-parsed). */
    readonly permit: Permit;
    /**
     * The organizer's token account holding the prize; default the organizer's associated
     * token account for the permit's prize mint.
     */
    readonly organizerPrizeAccount?: Address;
}

/**
 * What {@link createRaffleWithPermitTx} returns: `[Ed25519SigVerify, initialize_raffle_with_permit]`
 * after optional compute budget instructions.
 *
 * @example
 * ```ts
 * const message: CreateRaffleWithPermitTxReturnType = await createRaffleWithPermitTx({ organizer, permit });
 * ```
 */
export type CreateRaffleWithPermitTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link createRaffleWithPermitTx} throws: `RAFFLE_ERROR__PERMIT__MALFORMED` (and the
 * other permit message errors) for a damaged permit, `RAFFLE_ERROR__INVALID_ARGUMENT` naming
 * the bad field otherwise (e.g. a permit issued to another organizer or program).
 *
 * @example
 * ```ts
 * try { await createRaffleWithPermitTx(input); } catch (e) { const error = e as CreateRaffleWithPermitTxErrorType; }
 * ```
 */
export type CreateRaffleWithPermitTxErrorType = RaffleError;

/**
 * Builds the transaction that creates a raffle from a permit: the Ed25519SigVerify
 * instruction carrying the permit (built by `@raffle/permit`), immediately followed by
 * `initialize_raffle_with_permit` with every account derived (config, raffle PDA, both
 * vaults) and the organizer's prize token account resolved. Compute budget instructions,
 * when asked for, come first.
 *
 * The permit is checked before anything is built: its structure, and that it names this
 * organizer, this program and this program's config. Its signature and expiry are checked
 * by the program (call `verifyPermit` first to fail earlier).
 *
 * @param input - the organizer signer, the permit, optional prize account and compute budget
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link CreateRaffleWithPermitTxErrorType}
 * @example
 * ```ts
 * const permit: Permit = await (await fetch('/api/permits', { method: 'POST', body })).json();
 * const message = await createRaffleWithPermitTx({ organizer, permit, computeUnitLimit: 100_000 });
 * const { signature } = await sendAndConfirm(message, { feePayer: organizer });
 * ```
 */
export async function createRaffleWithPermitTx(input: CreateRaffleWithPermitTxParameters): Promise<CreateRaffleWithPermitTxReturnType> {
    assertObject('input', input);
    assertSigner('organizer', input.organizer);
    assertOptionalAddress('organizerPrizeAccount', input.organizerPrizeAccount);
    const programAddress = programOf(input);

    // Parses the permit's structure (throws RAFFLE_ERROR__PERMIT__MALFORMED) and builds the precompile instruction.
    const verifyInstruction = getEd25519VerifyInstruction(input.permit);
    const fields = decodePermitMessage(getBase64Encoder().encode(input.permit.message));

    const { config, raffle, prizeVault, paymentVault } = await findRaffleAddresses(
        { organizer: fields.organizer, raffleId: fields.raffleId },
        { programAddress },
    );
    if (fields.organizer !== input.organizer.address) {
        throw inputInvalid('permit', `was issued to organizer ${fields.organizer}, but the organizer signer is ${input.organizer.address}`);
    }
    if (fields.programId !== programAddress) {
        throw inputInvalid('permit', `is for program ${fields.programId}, but this transaction targets ${programAddress}`);
    }
    if (fields.config !== config) {
        throw inputInvalid('permit', `names config ${fields.config}, but program ${programAddress} uses config ${config}`);
    }

    const organizerPrizeAccount =
        input.organizerPrizeAccount ?? (await findAssociatedTokenAddress({ owner: fields.organizer, mint: fields.prizeMint }));
    const createInstruction = getInitializeRaffleWithPermitInstruction(
        {
            organizer: input.organizer,
            config,
            raffle,
            prizeMint: fields.prizeMint,
            paymentMint: fields.paymentMint,
            organizerPrizeAccount,
            prizeVault,
            paymentVault,
            raffleId: fields.raffleId,
            tier: fields.tier,
            enterpriseId: fields.enterpriseId,
            prizeAmount: fields.prizeAmount,
            ticketPrice: fields.ticketPrice,
            maxTickets: fields.maxTickets,
            deadline: fields.deadline,
            refundMode: fields.refundMode === 'vouchers' ? RefundMode.Vouchers : RefundMode.Tokens,
            expiresAt: fields.expiresAt,
        },
        { programAddress },
    );
    return buildRaffleTransactionMessage([verifyInstruction, createInstruction], input);
}
