/**
 * Creating raffles: the options a test may set, and the Ed25519 permit verification +
 * initialize_raffle_with_permit pair built (without sending) from them and a harness's defaults.
 */
import {
    RefundMode,
    findPaymentVaultPda,
    findPrizeVaultPda,
    findRafflePda,
    getInitializeRaffleWithPermitInstruction,
} from '@raffle/client';
import type { Address, Instruction, KeyPairSigner } from '@solana/kit';
import type { TransactionMetadata } from 'litesvm';

import { DAY } from './constants';
import { encodePermitMessage, type PermitFields, permitVerifyInstruction, type TestPermitSigner } from './permit';

export interface RaffleOptions {
    organizer?: KeyPairSigner;
    raffleId?: bigint;
    tier?: number;
    enterpriseId?: Uint8Array;
    prizeMint?: Address;
    prizeAmount?: bigint;
    paymentMint?: Address;
    ticketPrice?: bigint;
    maxTickets?: number;
    deadline?: bigint;
    refundMode?: RefundMode;
    expiresAt?: bigint;
    signer?: TestPermitSigner;
}

export interface CreateRaffleBuild {
    organizer: KeyPairSigner;
    fields: PermitFields;
    message: Uint8Array;
    raffle: Address;
    prizeVault: Address;
    paymentVault: Address;
    organizerPrizeAccount: Address;
    verify: Instruction;
    create: Instruction;
}

export interface RaffleHandle {
    address: Address;
    organizer: KeyPairSigner;
    raffleId: bigint;
    prizeVault: Address;
    paymentVault: Address;
    organizerPrizeAccount: Address;
    fields: PermitFields;
    result: TransactionMetadata;
}

/** What {@link buildCreateRaffle} takes from a harness: its keys, mints, clock, raffle ids and wallets. */
export interface CreateRaffleContext {
    readonly programId: Address;
    readonly config: Address;
    readonly prizeMint: Address;
    readonly paymentMint: Address;
    readonly permitSigner: TestPermitSigner;
    /** The id of the next raffle without an explicit one (incremented when used). */
    nextRaffleId: bigint;
    wallet(): Promise<KeyPairSigner>;
    tokenAccount(owner: Address, mint: Address, amount?: bigint): Promise<Address>;
    now(): bigint;
}

/**
 * Builds (without sending) the Ed25519 + initialize_raffle_with_permit pair. Unset options take
 * the harness's defaults: a fresh funded organizer, the next raffle id, one unit of the prize mint
 * (given to the organizer), 10 tickets at 1,000,000 base units, a deadline a day away, tokens refunds, a permit
 * valid for five minutes signed by the harness's permit signer.
 *
 * @param h - The harness.
 * @param options - What to set instead of the defaults.
 * @returns The permit, the derived addresses and both instructions.
 */
export async function buildCreateRaffle(h: CreateRaffleContext, options: RaffleOptions = {}): Promise<CreateRaffleBuild> {
    const organizer = options.organizer ?? (await h.wallet());
    const raffleId = options.raffleId ?? h.nextRaffleId++;
    const prizeMint = options.prizeMint ?? h.prizeMint;
    const prizeAmount = options.prizeAmount ?? 1n;
    const [raffle] = await findRafflePda({ organizer: organizer.address, raffleId });
    const [prizeVault] = await findPrizeVaultPda({ raffle });
    const [paymentVault] = await findPaymentVaultPda({ raffle });
    const organizerPrizeAccount = await h.tokenAccount(organizer.address, prizeMint, prizeAmount === 0n ? 1n : prizeAmount);
    const fields: PermitFields = {
        programId: h.programId,
        config: h.config,
        organizer: organizer.address,
        raffleId,
        tier: options.tier ?? 1,
        enterpriseId: options.enterpriseId ?? Uint8Array.from({ length: 16 }, (_, i) => i + 1),
        prizeMint,
        prizeAmount,
        paymentMint: options.paymentMint ?? h.paymentMint,
        ticketPrice: options.ticketPrice ?? 1_000_000n,
        maxTickets: options.maxTickets ?? 10,
        deadline: options.deadline ?? h.now() + DAY,
        refundMode: options.refundMode ?? RefundMode.Tokens,
        expiresAt: options.expiresAt ?? h.now() + 300n,
    };
    const message = encodePermitMessage(fields);
    const verify = permitVerifyInstruction(options.signer ?? h.permitSigner, message);
    const create = getInitializeRaffleWithPermitInstruction({
        organizer,
        config: h.config,
        raffle,
        prizeMint,
        paymentMint: fields.paymentMint,
        organizerPrizeAccount,
        prizeVault,
        paymentVault,
        raffleId,
        tier: fields.tier,
        enterpriseId: fields.enterpriseId,
        prizeAmount,
        ticketPrice: fields.ticketPrice,
        maxTickets: fields.maxTickets,
        deadline: fields.deadline,
        refundMode: fields.refundMode,
        expiresAt: fields.expiresAt,
    });
    return { organizer, fields, message, raffle, prizeVault, paymentVault, organizerPrizeAccount, verify, create };
}
