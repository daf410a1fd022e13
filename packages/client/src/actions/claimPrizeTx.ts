/**
 * `claimPrizeTx`: the permissionless crank that sends the prize to the winner, or back to the
 * organizer of a refunded or cancelled raffle.
 *
 * @packageDocumentation
 */
import type { RaffleError } from '@raffle/errors';
import { getCreateAssociatedTokenIdempotentInstruction } from '@solana-program/token';
import type { Account, Address, GetAccountInfoApi, GetMultipleAccountsApi, Instruction, Rpc, TransactionSigner } from '@solana/kit';

import { inputInvalid, raffleStateInvalid } from '../errors/client-errors';
import type { Entry } from '../generated/accounts';
import { getClaimPrizeInstruction } from '../generated/instructions';
import { findPrizeVaultPda } from '../generated/pdas';
import { RaffleStatus } from '../generated/types';
import { assertObject, assertOptionalAddress, assertSigner } from '../internal/validate';
import { findAssociatedTokenAddress } from '../pdas';
import { entryHoldsTicket, findWinningEntry } from '../reads/findWinningEntry';
import {
    buildRaffleTransactionMessage,
    programOf,
    type RaffleInput,
    type RaffleTransactionConfig,
    type RaffleTransactionMessage,
    resolveRaffle,
    statusName,
} from './shared';

/**
 * Input of {@link claimPrizeTx}.
 *
 * @example
 * ```ts
 * const input: ClaimPrizeTxParameters = { rpc, cranker: wallet, raffle: raffleAddress };
 * ```
 */
export interface ClaimPrizeTxParameters extends RaffleTransactionConfig {
    /** Anyone; signs and pays for the recipient's token account if it must be created. */
    readonly cranker: TransactionSigner;
    /** The raffle address (fetched through `rpc`) or the fetched account. */
    readonly raffle: RaffleInput;
    /** Needed unless both `raffle` (account) and, for a Completed raffle, `winningEntry` are given. */
    readonly rpc?: Rpc<GetAccountInfoApi & GetMultipleAccountsApi>;
    /** The winning entry, if you have it; otherwise found with `findWinningEntry`. */
    readonly winningEntry?: Account<Entry>;
    /**
     * The recipient's token account for the prize mint. Default: the winner's (or, for a
     * refunded or cancelled raffle, the organizer's) associated token account, created in
     * the same transaction if it does not exist yet.
     */
    readonly recipientPrizeAccount?: Address;
}

/**
 * What {@link claimPrizeTx} returns: an idempotent associated-token-account creation (unless
 * `recipientPrizeAccount` is given) followed by `claim_prize`.
 *
 * @example
 * ```ts
 * const message: ClaimPrizeTxReturnType = await claimPrizeTx(input);
 * ```
 */
export type ClaimPrizeTxReturnType = RaffleTransactionMessage;

/**
 * Errors {@link claimPrizeTx} throws: `RAFFLE_ERROR__INVALID_ARGUMENT` when the prize is not
 * claimable (raffle state, already claimed) or an input is wrong.
 *
 * @example
 * ```ts
 * const onError = (e: ClaimPrizeTxErrorType) => console.error(e.message);
 * ```
 */
export type ClaimPrizeTxErrorType = RaffleError;

/**
 * Builds a `claim_prize` transaction. For a Completed raffle it finds the winning entry
 * itself and pays the winner; for a Refunded or Cancelled raffle it returns the prize to the
 * organizer (no entry). The recipient's associated token account is created idempotently in
 * the same transaction, so the winner needs no setup. Permissionless: anyone can crank it.
 *
 * @param input - cranker, raffle, and `rpc` for what is not given
 * @returns the transaction message, ready for fee payer, blockhash and signing
 * @throws {@link ClaimPrizeTxErrorType}
 * @example
 * ```ts
 * const message = await claimPrizeTx({ rpc, cranker: wallet, raffle: raffleAddress });
 * const { signature } = await sendAndConfirm(message, { feePayer: wallet });
 * ```
 */
export async function claimPrizeTx(input: ClaimPrizeTxParameters): Promise<ClaimPrizeTxReturnType> {
    assertObject('input', input);
    assertSigner('cranker', input.cranker);
    assertOptionalAddress('recipientPrizeAccount', input.recipientPrizeAccount);
    const programAddress = programOf(input);
    const raffle = await resolveRaffle(input.rpc, input.raffle, programAddress, input.commitment);
    const r = raffle.data;
    if (r.prizeClaimed) throw raffleStateInvalid(raffle.address, 'has already paid out its prize');

    let recipient: Address;
    let winningEntry: Address | undefined;
    if (r.status === RaffleStatus.Completed) {
        let entry = input.winningEntry;
        if (entry !== undefined) {
            if (entry.data.raffle !== raffle.address || !entryHoldsTicket(entry.data, r.winnerTicket)) {
                throw inputInvalid('winningEntry', `${entry.address} does not hold winning ticket ${r.winnerTicket} of ${raffle.address}`);
            }
        } else {
            if (input.rpc === undefined) throw inputInvalid('rpc', 'is required to find the winning entry (or pass `winningEntry`)');
            entry = await findWinningEntry(input.rpc, raffle, { programAddress, commitment: input.commitment ?? 'confirmed' });
        }
        recipient = entry.data.buyer;
        winningEntry = entry.address;
    } else if (r.status === RaffleStatus.Refunded || r.status === RaffleStatus.Cancelled) {
        recipient = r.organizer;
    } else {
        throw raffleStateInvalid(
            raffle.address,
            `is ${statusName(r.status)}; the prize can be claimed once Completed (winner), Refunded or Cancelled (organizer)`,
        );
    }

    const instructions: Instruction[] = [];
    let recipientPrizeAccount = input.recipientPrizeAccount;
    if (recipientPrizeAccount === undefined) {
        recipientPrizeAccount = await findAssociatedTokenAddress({ owner: recipient, mint: r.prizeMint });
        instructions.push(
            getCreateAssociatedTokenIdempotentInstruction({ payer: input.cranker, ata: recipientPrizeAccount, owner: recipient, mint: r.prizeMint }),
        );
    }
    const [prizeVault] = await findPrizeVaultPda({ raffle: raffle.address }, { programAddress });
    instructions.push(
        getClaimPrizeInstruction(
            { cranker: input.cranker, raffle: raffle.address, prizeVault, winningEntry, recipientPrizeAccount },
            { programAddress },
        ),
    );
    return buildRaffleTransactionMessage(instructions, input);
}
