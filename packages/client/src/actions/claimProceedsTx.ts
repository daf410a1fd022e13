/**
 * `claimProceedsTx`: the permissionless crank that pays out a raffle's payment vault.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import { getCreateAssociatedTokenIdempotentInstruction } from '@solana-program/token';
import type { Address, Instruction, TransactionSigner } from '@solana/kit';

import { raffleStateInvalid } from '../errors/client-errors';
import { getClaimProceedsInstruction } from '../generated/instructions';
import { findPaymentVaultPda } from '../generated/pdas';
import { RaffleStatus, RefundMode } from '../generated/types';
import { assertObject, assertOptionalAddress, assertSigner } from '../internal/validate';
import { findAssociatedTokenAddress } from '../pdas';
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
 * Input of {@link claimProceedsTx}.
 *
 * @example
 * ```ts
 * const input: ClaimProceedsTxParameters = { rpc, cranker: organizer, raffle: raffleAddress };
 * ```
 */
export interface ClaimProceedsTxParameters extends RaffleTransactionConfig {
    /** Anyone; signs and pays for token accounts that must be created. */
    readonly cranker: TransactionSigner;
    /** The raffle address (fetched through `rpc`) or the fetched account. */
    readonly raffle: RaffleInput;
    /** The config (for the treasury); fetched through `rpc` when omitted. */
    readonly config?: ConfigInput;
    /** Needed when `raffle` is an address or `config` is omitted. */
    readonly rpc?: RaffleReadRpc;
    /** The organizer's payment token account; default their associated token account, created if missing. */
    readonly organizerPaymentAccount?: Address;
    /** The treasury's payment token account; default its associated token account, created if missing. */
    readonly treasuryPaymentAccount?: Address;
}

/**
 * What {@link claimProceedsTx} returns: idempotent creations of the organizer's and the
 * treasury's associated token accounts (those not given) followed by `claim_proceeds`.
 *
 * @example
 * ```ts
 * const message: ClaimProceedsTxReturnType = await claimProceedsTx(input);
 * ```
 */
export type ClaimProceedsTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link claimProceedsTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` when the proceeds are
 * not claimable (raffle state, already claimed) or an input is wrong.
 *
 * @example
 * ```ts
 * const onError = (e: ClaimProceedsTxErrorType) => console.error(e.message);
 * ```
 */
export type ClaimProceedsTxErrorType = RaffleError;

/**
 * Builds a `claim_proceeds` transaction. A Completed raffle pays the payment vault minus
 * `config.feeBps` to the organizer and the fee to the treasury; a Refunded raffle in
 * vouchers mode pays the whole vault to the treasury. Token accounts that may not exist yet
 * (the organizer's, the treasury's) are created idempotently in the same transaction.
 *
 * @param input - cranker, raffle, optional config, and `rpc` for what is not given
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link ClaimProceedsTxErrorType}
 * @example
 * ```ts
 * const message = await claimProceedsTx({ rpc, cranker: organizer, raffle: raffleAddress });
 * await sendAndConfirm(message, { feePayer: organizer });
 * ```
 */
export async function claimProceedsTx(input: ClaimProceedsTxParameters): Promise<ClaimProceedsTxReturnType> {
    assertObject('input', input);
    assertSigner('cranker', input.cranker);
    assertOptionalAddress('organizerPaymentAccount', input.organizerPaymentAccount);
    assertOptionalAddress('treasuryPaymentAccount', input.treasuryPaymentAccount);
    const programAddress = programOf(input);
    const [raffle, config] = await Promise.all([
        resolveRaffle(input.rpc, input.raffle, programAddress, input.commitment),
        resolveConfig(input.rpc, input.config, programAddress, input.commitment),
    ]);
    const r = raffle.data;
    const completed = r.status === RaffleStatus.Completed;
    const vouchersRefunded = r.status === RaffleStatus.Refunded && r.refundMode === RefundMode.Vouchers;
    if (!completed && !vouchersRefunded) {
        throw raffleStateInvalid(
            raffle.address,
            `is ${statusName(r.status)}${r.status === RaffleStatus.Refunded ? ' in tokens mode (buyers got their tokens back)' : ''}; ` +
                'proceeds are paid once Completed, or Refunded in vouchers mode',
        );
    }
    if (r.proceedsClaimed) throw raffleStateInvalid(raffle.address, 'has already paid out its proceeds');

    const instructions: Instruction[] = [];
    const mint = r.paymentMint;
    const treasury = config.data.treasury;
    let organizerPaymentAccount = input.organizerPaymentAccount;
    if (organizerPaymentAccount === undefined) {
        organizerPaymentAccount = await findAssociatedTokenAddress({ owner: r.organizer, mint });
        // Only a Completed raffle pays the organizer; otherwise the slot is not read.
        if (completed) {
            instructions.push(
                getCreateAssociatedTokenIdempotentInstruction({ payer: input.cranker, ata: organizerPaymentAccount, owner: r.organizer, mint }),
            );
        }
    }
    let treasuryPaymentAccount = input.treasuryPaymentAccount;
    if (treasuryPaymentAccount === undefined) {
        treasuryPaymentAccount = await findAssociatedTokenAddress({ owner: treasury, mint });
        instructions.push(
            getCreateAssociatedTokenIdempotentInstruction({ payer: input.cranker, ata: treasuryPaymentAccount, owner: treasury, mint }),
        );
    }
    const [paymentVault] = await findPaymentVaultPda({ raffle: raffle.address }, { programAddress });
    instructions.push(
        getClaimProceedsInstruction(
            {
                cranker: input.cranker,
                config: config.address,
                raffle: raffle.address,
                paymentVault,
                organizerPaymentAccount,
                treasuryPaymentAccount,
            },
            { programAddress },
        ),
    );
    return buildRaffleTransactionMessage(instructions, input);
}
