/**
 * Test fixtures: deterministic signers and addresses, account objects built with the
 * generated encoders, Anchor's coder over the IDL, and helpers to pick instructions out of a
 * built message.
 */
import { BN, BorshCoder, type Idl } from '@coral-xyz/anchor';
import { rwaRaffleIdl } from '@raffle/program';
import {
    type Account,
    type Address,
    createKeyPairSignerFromPrivateKeyBytes,
    getAddressDecoder,
    type Instruction,
    type KeyPairSigner,
    lamports,
    type ReadonlyUint8Array,
} from '@solana/kit';
import { PublicKey } from '@solana/web3.js';

import {
    type Config,
    type ConfigArgs,
    type Entry,
    type EntryArgs,
    getConfigDecoder,
    getConfigEncoder,
    getEntryDecoder,
    getEntryEncoder,
    getRaffleDecoder,
    getRaffleEncoder,
    PaymentKind,
    type Raffle,
    type RaffleArgs,
    RaffleStatus,
    RefundMode,
    RWA_RAFFLE_PROGRAM_ADDRESS,
} from '../../index';

export const coder = new BorshCoder(rwaRaffleIdl as unknown as Idl);
export { BN };

/** A deterministic address from a small seed. */
export function testAddress(seed: number): Address {
    const bytes = new Uint8Array(32);
    bytes[0] = seed & 0xff;
    bytes[1] = (seed >> 8) & 0xff;
    bytes[31] = 7;
    return getAddressDecoder().decode(bytes);
}

/** A deterministic key pair signer. */
export async function testSigner(seed: number): Promise<KeyPairSigner> {
    const bytes = new Uint8Array(32).fill(seed & 0xff);
    bytes[0] = 42;
    return await createKeyPairSignerFromPrivateKeyBytes(bytes);
}

export function pk(address: Address): PublicKey {
    return new PublicKey(address);
}

function account<T extends object>(address: Address, data: T, space: number): Account<T> {
    return { address, data, executable: false, lamports: lamports(1_000_000n), programAddress: RWA_RAFFLE_PROGRAM_ADDRESS, space: BigInt(space) };
}

export function raffleAccount(address: Address, overrides: Partial<RaffleArgs> = {}): Account<Raffle> {
    const args: RaffleArgs = {
        organizer: testAddress(100),
        raffleId: 7n,
        tier: 1,
        enterpriseId: new Uint8Array(16).fill(3),
        prizeMint: testAddress(101),
        prizeAmount: 1n,
        paymentMint: testAddress(102),
        ticketPrice: 1_000_000n,
        maxTickets: 10,
        ticketsSold: 0,
        entriesCount: 0,
        entriesRefunded: 0,
        deadline: 1_900_000_000n,
        refundMode: RefundMode.Tokens,
        status: RaffleStatus.Open,
        drawSeed: new Uint8Array(32),
        randomness: new Uint8Array(32),
        winnerTicket: 0,
        prizeClaimed: false,
        proceedsClaimed: false,
        createdAt: 1_800_000_000n,
        drawRequestedSlot: 0n,
        bump: 255,
        prizeVaultBump: 254,
        paymentVaultBump: 253,
        ...overrides,
    };
    const bytes = getRaffleEncoder().encode(args);
    return account(address, getRaffleDecoder().decode(bytes), bytes.length);
}

export function entryAccount(address: Address, overrides: Partial<EntryArgs> = {}): Account<Entry> {
    const args: EntryArgs = {
        raffle: testAddress(200),
        buyer: testAddress(201),
        index: 0,
        firstTicket: 0,
        ticketCount: 1,
        amountPaid: 1_000_000n,
        paidWith: PaymentKind.Token,
        refunded: false,
        bump: 250,
        ...overrides,
    };
    const bytes = getEntryEncoder().encode(args);
    return account(address, getEntryDecoder().decode(bytes), bytes.length);
}

export function configAccount(address: Address, overrides: Partial<ConfigArgs> = {}): Account<Config> {
    const args: ConfigArgs = {
        admin: testAddress(300),
        permitSigners: [testAddress(301), testAddress(0)],
        drawAuthority: testAddress(302),
        drawCommitment: new Uint8Array(32).fill(9),
        settleAuthority: testAddress(303),
        treasury: testAddress(304),
        feeBps: 250,
        mrftMint: testAddress(305),
        paused: false,
        bump: 255,
        ...overrides,
    };
    const bytes = getConfigEncoder().encode(args);
    return account(address, getConfigDecoder().decode(bytes), bytes.length);
}

/** The instructions of a message that call `program` (default: the raffle program). */
export function instructionsOf(message: { instructions: readonly Instruction[] }, program: Address = RWA_RAFFLE_PROGRAM_ADDRESS): Instruction[] {
    return message.instructions.filter(ix => ix.programAddress === program);
}

/** The only raffle-program instruction of a message. */
export function programInstruction(message: { instructions: readonly Instruction[] }, program: Address = RWA_RAFFLE_PROGRAM_ADDRESS): Instruction {
    const list = instructionsOf(message, program);
    if (list.length !== 1) throw new Error(`expected one instruction of ${program}, found ${list.length}`);
    return list[0]!;
}

export function dataOf(ix: Instruction): Uint8Array {
    return new Uint8Array(ix.data as ReadonlyUint8Array);
}
