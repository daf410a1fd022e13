/**
 * The Ed25519SigVerify precompile instruction that must precede
 * `initialize_raffle_with_permit` in the same transaction.
 *
 * @packageDocumentation
 */
import { RAFFLE_ERROR__INVALID_ARGUMENT, RaffleError } from '@raffle/errors';
import {
    type Address,
    type FixedSizeEncoder,
    type Instruction,
    type InstructionWithData,
    type ReadonlyUint8Array,
    getStructEncoder,
    getU16Encoder,
    getU8Encoder,
} from '@solana/kit';

import { describeValue } from './internal/describe';
import { type Permit, parsePermit } from './permit';

/**
 * Address of Solana's Ed25519 signature verification precompile.
 *
 * @example
 * ```ts
 * const ix = getEd25519VerifyInstruction(permit);
 * ix.programAddress === ED25519_PROGRAM_ADDRESS; // true
 * ```
 */
export const ED25519_PROGRAM_ADDRESS = 'Ed25519SigVerify111111111111111111111111111' as Address<'Ed25519SigVerify111111111111111111111111111'>;

/**
 * The instruction-index value meaning "the data is in this very instruction" (`u16::MAX`).
 * The raffle program requires it in all three index fields.
 *
 * @example
 * ```ts
 * new DataView(ix.data.buffer).getUint16(4, true) === ED25519_CURRENT_INSTRUCTION; // true
 * ```
 */
export const ED25519_CURRENT_INSTRUCTION = 0xffff;

/**
 * Inputs of {@link getEd25519VerifyInstructionData}.
 *
 * @example
 * ```ts
 * const input: Ed25519VerifyInstructionDataInput = { publicKey, signature, message };
 * ```
 */
export interface Ed25519VerifyInstructionDataInput {
    /** The signer's 32-byte ed25519 public key. */
    readonly publicKey: ReadonlyUint8Array;
    /** The 64-byte signature. */
    readonly signature: ReadonlyUint8Array;
    /** The signed message (242 bytes for a permit). */
    readonly message: ReadonlyUint8Array;
}

/**
 * The Ed25519SigVerify instruction of one permit: no accounts, data built by
 * {@link getEd25519VerifyInstructionData}.
 *
 * @example
 * ```ts
 * const ix: Ed25519VerifyInstruction = getEd25519VerifyInstruction(permit);
 * ```
 */
export type Ed25519VerifyInstruction = Instruction<typeof ED25519_PROGRAM_ADDRESS> & InstructionWithData<Uint8Array>;

interface Ed25519SignatureOffsets {
    signatureOffset: number;
    signatureInstructionIndex: number;
    publicKeyOffset: number;
    publicKeyInstructionIndex: number;
    messageDataOffset: number;
    messageDataSize: number;
    messageInstructionIndex: number;
}

/** `num_signatures u8, padding u8`, then one `Ed25519SignatureOffsets` (7 x u16 LE). */
const headerEncoder: FixedSizeEncoder<{ numSignatures: number; padding: number; offsets: Ed25519SignatureOffsets }> =
    /* @__PURE__ */ getStructEncoder([
        ['numSignatures', getU8Encoder()],
        ['padding', getU8Encoder()],
        [
            'offsets',
            getStructEncoder([
                ['signatureOffset', getU16Encoder()],
                ['signatureInstructionIndex', getU16Encoder()],
                ['publicKeyOffset', getU16Encoder()],
                ['publicKeyInstructionIndex', getU16Encoder()],
                ['messageDataOffset', getU16Encoder()],
                ['messageDataSize', getU16Encoder()],
                ['messageInstructionIndex', getU16Encoder()],
            ]),
        ],
    ]) as FixedSizeEncoder<{ numSignatures: number; padding: number; offsets: Ed25519SignatureOffsets }>;

const HEADER_SIZE = 16;
const PUBLIC_KEY_OFFSET = HEADER_SIZE;
const SIGNATURE_OFFSET = PUBLIC_KEY_OFFSET + 32;
const MESSAGE_OFFSET = SIGNATURE_OFFSET + 64;

function checkBytes(name: string, value: unknown, length?: number): asserts value is ReadonlyUint8Array {
    if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name,
            reason: `must be a Uint8Array${length === undefined ? '' : ` of ${length} bytes`}, got ${describeValue(value)}`,
        });
    }
}

/**
 * Builds the data of an Ed25519SigVerify instruction with one signature whose public key,
 * signature and message all live in the instruction itself (the three instruction-index
 * fields are `u16::MAX`):
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 1 | num_signatures = 1 |
 * | 1 | 1 | padding = 0 |
 * | 2 | 14 | signature_offset = 48, signature_instruction_index = 0xFFFF, public_key_offset = 16, public_key_instruction_index = 0xFFFF, message_data_offset = 112, message_data_size, message_instruction_index = 0xFFFF (u16 LE each) |
 * | 16 | 32 | public key |
 * | 48 | 64 | signature |
 * | 112 | n | message |
 *
 * @param input - public key (32 bytes), signature (64 bytes), message
 * @returns the instruction data (354 bytes for a permit)
 * @throws `RaffleError` `RAFFLE_ERROR__INVALID_ARGUMENT` for wrong sizes
 * @example
 * ```ts
 * const data = getEd25519VerifyInstructionData({ publicKey, signature, message });
 * ```
 */
export function getEd25519VerifyInstructionData(input: Ed25519VerifyInstructionDataInput): Uint8Array {
    checkBytes('publicKey', input?.publicKey, 32);
    checkBytes('signature', input.signature, 64);
    checkBytes('message', input.message);
    if (MESSAGE_OFFSET + input.message.length > 0xffff) {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name: 'message',
            reason: `is ${input.message.length} bytes; offsets are u16, so at most ${0xffff - MESSAGE_OFFSET} fit`,
        });
    }
    const data = new Uint8Array(MESSAGE_OFFSET + input.message.length);
    headerEncoder.write(
        {
            numSignatures: 1,
            padding: 0,
            offsets: {
                signatureOffset: SIGNATURE_OFFSET,
                signatureInstructionIndex: ED25519_CURRENT_INSTRUCTION,
                publicKeyOffset: PUBLIC_KEY_OFFSET,
                publicKeyInstructionIndex: ED25519_CURRENT_INSTRUCTION,
                messageDataOffset: MESSAGE_OFFSET,
                messageDataSize: input.message.length,
                messageInstructionIndex: ED25519_CURRENT_INSTRUCTION,
            },
        },
        data,
        0,
    );
    data.set(input.publicKey, PUBLIC_KEY_OFFSET);
    data.set(input.signature, SIGNATURE_OFFSET);
    data.set(input.message, MESSAGE_OFFSET);
    return data;
}

/**
 * Builds the Ed25519SigVerify instruction for a permit: place it immediately before
 * `initialize_raffle_with_permit` in the same transaction. Checks the permit's structure but
 * not its signature (the precompile does; use `verifyPermit` to fail before sending).
 *
 * @param permit - a permit from `issuePermit` (or its JSON, parsed)
 * @returns a kit instruction for `Ed25519SigVerify111111111111111111111111111`, no accounts
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MALFORMED` for a malformed permit
 * @example
 * ```ts
 * const message = pipe(
 *     createTransactionMessage({ version: 0 }),
 *     m => setTransactionMessageFeePayerSigner(organizer, m),
 *     m => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
 *     m => appendTransactionMessageInstructions([getEd25519VerifyInstruction(permit), createRaffleIx], m),
 * );
 * ```
 */
export function getEd25519VerifyInstruction(permit: Permit): Ed25519VerifyInstruction {
    const parsed = parsePermit(permit);
    return Object.freeze({
        programAddress: ED25519_PROGRAM_ADDRESS,
        data: getEd25519VerifyInstructionData({
            publicKey: parsed.publicKey,
            signature: parsed.signature,
            message: parsed.message,
        }),
    });
}
