/**
 * Test permits: the 242-byte permit message v1, ed25519 signatures with node:crypto, and the
 * Ed25519SigVerify instruction data (with knobs to forge offsets for the attack tests).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

import { type Address, getAddressDecoder, getAddressEncoder, type Instruction, address } from '@solana/kit';

import { concat, i64, u16, u32, u64 } from './bytes';

export const ED25519_PROGRAM_ADDRESS = address('Ed25519SigVerify111111111111111111111111111');
export const PERMIT_MAGIC = new TextEncoder().encode('RWA_RAFFLE_PERMIT_V1');
export const PERMIT_MESSAGE_LEN = 242;

/** The fields of a permit, in message order. */
export interface PermitFields {
    programId: Address;
    config: Address;
    organizer: Address;
    raffleId: bigint;
    tier: number;
    enterpriseId: Uint8Array;
    prizeMint: Address;
    prizeAmount: bigint;
    paymentMint: Address;
    ticketPrice: bigint;
    maxTickets: number;
    deadline: bigint;
    refundMode: number;
    expiresAt: bigint;
}

/** Encodes the permit message v1 (242 bytes, little endian). */
export function encodePermitMessage(f: PermitFields): Uint8Array {
    const key = (a: Address) => new Uint8Array(getAddressEncoder().encode(a));
    const message = concat(
        PERMIT_MAGIC,
        key(f.programId),
        key(f.config),
        key(f.organizer),
        u64(f.raffleId),
        Uint8Array.of(f.tier),
        f.enterpriseId,
        key(f.prizeMint),
        u64(f.prizeAmount),
        key(f.paymentMint),
        u64(f.ticketPrice),
        u32(f.maxTickets),
        i64(f.deadline),
        Uint8Array.of(f.refundMode),
        i64(f.expiresAt),
    );
    if (message.length !== PERMIT_MESSAGE_LEN) throw new Error(`permit message is ${message.length} bytes`);
    return message;
}

/** An ed25519 key held by node:crypto. */
export class TestPermitSigner {
    private constructor(
        private readonly privateKey: KeyObject,
        readonly publicKey: Uint8Array,
    ) {}

    static generate(): TestPermitSigner {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
        return new TestPermitSigner(privateKey, new Uint8Array(raw));
    }

    /** From a 32-byte seed (deterministic keys). */
    static fromSeed(seed: Uint8Array): TestPermitSigner {
        const der = concat(Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]), seed);
        const privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
        const raw = Buffer.from(privateKey.export({ format: 'jwk' }).x as string, 'base64url');
        return new TestPermitSigner(privateKey, new Uint8Array(raw));
    }

    get address(): Address {
        return getAddressDecoder().decode(this.publicKey);
    }

    sign(message: Uint8Array): Uint8Array {
        return new Uint8Array(sign(null, message, this.privateKey));
    }
}

/** One signature entry of an Ed25519SigVerify instruction. */
export interface Ed25519Entry {
    publicKey: Uint8Array;
    signature: Uint8Array;
    message: Uint8Array;
    /** Overrides of the computed offsets (attack tests). */
    offsets?: Partial<Ed25519Offsets>;
}

export interface Ed25519Offsets {
    signatureOffset: number;
    signatureInstructionIndex: number;
    publicKeyOffset: number;
    publicKeyInstructionIndex: number;
    messageDataOffset: number;
    messageDataSize: number;
    messageInstructionIndex: number;
}

const OFFSETS_SIZE = 14;
export const THIS_INSTRUCTION = 0xffff;

/**
 * Ed25519SigVerify data: u8 count, u8 padding, count * 14-byte offsets, then per entry the
 * public key (32), the signature (64) and the message, all referenced in this instruction.
 */
export function ed25519InstructionData(entries: readonly Ed25519Entry[], count = entries.length): Uint8Array {
    let at = 2 + OFFSETS_SIZE * entries.length;
    const headers: Uint8Array[] = [];
    const payloads: Uint8Array[] = [];
    for (const e of entries) {
        const o: Ed25519Offsets = {
            publicKeyOffset: at,
            publicKeyInstructionIndex: THIS_INSTRUCTION,
            signatureOffset: at + 32,
            signatureInstructionIndex: THIS_INSTRUCTION,
            messageDataOffset: at + 96,
            messageDataSize: e.message.length,
            messageInstructionIndex: THIS_INSTRUCTION,
            ...e.offsets,
        };
        headers.push(
            concat(
                u16(o.signatureOffset),
                u16(o.signatureInstructionIndex),
                u16(o.publicKeyOffset),
                u16(o.publicKeyInstructionIndex),
                u16(o.messageDataOffset),
                u16(o.messageDataSize),
                u16(o.messageInstructionIndex),
            ),
        );
        payloads.push(e.publicKey, e.signature, e.message);
        at += 96 + e.message.length;
    }
    return concat(Uint8Array.of(count, 0), ...headers, ...payloads);
}

export function ed25519Instruction(data: Uint8Array): Instruction {
    return { programAddress: ED25519_PROGRAM_ADDRESS, data };
}

/** The Ed25519 instruction verifying `signer`'s signature over `message`. */
export function permitVerifyInstruction(signer: TestPermitSigner, message: Uint8Array): Instruction {
    return ed25519Instruction(ed25519InstructionData([{ publicKey: signer.publicKey, signature: signer.sign(message), message }]));
}
