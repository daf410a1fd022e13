/**
 * The permit message v1: the exact bytes the backend signs and the program rebuilds.
 *
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__INVALID_ARGUMENT,
    RAFFLE_ERROR__INVARIANT_VIOLATION,
    RAFFLE_ERROR__PERMIT__FIELD_INVALID,
    RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID,
    RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID,
    RaffleError,
    isRaffleError,
} from '@raffle/errors';
import {
    type Address,
    type FixedSizeCodec,
    type FixedSizeDecoder,
    type FixedSizeEncoder,
    type ReadonlyUint8Array,
    combineCodec,
    createDecoder,
    createEncoder,
    fixDecoderSize,
    getAddressDecoder,
    getBytesDecoder,
    getConstantEncoder,
    getHiddenPrefixEncoder,
    getI64Decoder,
    getStructDecoder,
    getStructEncoder,
    getU32Decoder,
    getU64Decoder,
    getU8Decoder,
} from '@solana/kit';

import { writeAddressBytes } from './internal/base58';
import { describeValue } from './internal/describe';

/**
 * Length in bytes of a v1 permit message (the IDL constant `PERMIT_MESSAGE_LEN`).
 *
 * @example
 * ```ts
 * if (bytes.length !== PERMIT_MESSAGE_LENGTH) throw new Error('not a v1 permit');
 * ```
 */
export const PERMIT_MESSAGE_LENGTH = 242;

/**
 * The ASCII text every v1 permit message starts with (the IDL constant `PERMIT_MAGIC`).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(message.subarray(0, 20)) === PERMIT_MESSAGE_MAGIC; // true
 * ```
 */
export const PERMIT_MESSAGE_MAGIC = 'RWA_RAFFLE_PERMIT_V1';

/**
 * {@link PERMIT_MESSAGE_MAGIC} as the 20 bytes that open every v1 permit message. A fresh
 * copy on each read, so callers cannot alter the one the codec checks against.
 *
 * @returns the 20 magic bytes
 * @example
 * ```ts
 * const magic = getPermitMessageMagicBytes(); // Uint8Array [82, 87, 65, 95, ...]
 * ```
 */
export function getPermitMessageMagicBytes(): Uint8Array {
    return MAGIC.slice();
}

/**
 * Largest `maxTickets` a permit may carry (the IDL constant `MAX_TICKETS`).
 *
 * @example
 * ```ts
 * const maxTickets = Math.min(requested, PERMIT_MAX_TICKETS);
 * ```
 */
export const PERMIT_MAX_TICKETS = 1_000_000;

/**
 * How buyers are refunded when a raffle misses its deadline: `'tokens'` (0 on the wire, the
 * payment is returned) or `'vouchers'` (1 on the wire, one MRFT refund ticket per slot).
 *
 * A string union rather than the IDL's numeric enum: permits travel as JSON between a backend
 * and a frontend, where `"vouchers"` reads better than `1` and cannot be confused with a count.
 *
 * @example
 * ```ts
 * const mode: PermitRefundMode = 'vouchers';
 * ```
 */
export type PermitRefundMode = 'tokens' | 'vouchers';

/**
 * Every field of a v1 permit message, in wire order. Keys are kit `Address`es, 64-bit
 * integers are `bigint`s, 8/32-bit integers are `number`s.
 *
 * @example
 * ```ts
 * const fields: PermitFields = {
 *     programId: address('HMxaKAkT6CdHhm7Gyf83LrxhLTdQNfXdmdGuhHpArH9'),
 *     config, organizer, raffleId: 1n, tier: 1, enterpriseId: new Uint8Array(16),
 *     prizeMint, prizeAmount: 1n, paymentMint, ticketPrice: 1_000_000n, maxTickets: 100,
 *     deadline: 1_900_000_000n, refundMode: 'tokens', expiresAt: 1_800_000_000n,
 * };
 * ```
 */
export interface PermitFields {
    /** The rwa_raffle program the permit is for. */
    readonly programId: Address;
    /** The program's Config PDA (`["config"]`). */
    readonly config: Address;
    /** The organizer allowed to create the raffle; must sign the creating transaction. */
    readonly organizer: Address;
    /** Organizer-scoped raffle id (u64); part of the raffle PDA seeds. */
    readonly raffleId: bigint;
    /** Organizer tier at issuance (u8: 0 free, 1 pro, 2 enterprise). */
    readonly tier: number;
    /** Business partner id of the organizer: exactly 16 bytes. */
    readonly enterpriseId: ReadonlyUint8Array;
    /** Mint of the prize. */
    readonly prizeMint: Address;
    /** Amount of the prize mint moved into the prize vault (u64, > 0; 1 for an NFT). */
    readonly prizeAmount: bigint;
    /** Mint buyers pay in. */
    readonly paymentMint: Address;
    /** Price of one ticket in base units of the payment mint (u64, > 0). */
    readonly ticketPrice: bigint;
    /** Number of tickets, 1..{@link PERMIT_MAX_TICKETS} (u32); selling all triggers the draw. */
    readonly maxTickets: number;
    /** Unix time (seconds, i64 >= 0) after which an unsold raffle is refunded. */
    readonly deadline: bigint;
    /** How buyers are refunded if the raffle fails. */
    readonly refundMode: PermitRefundMode;
    /** Unix time (seconds, i64 >= 0) after which the program rejects the permit. */
    readonly expiresAt: bigint;
}

const MAGIC = /* @__PURE__ */ new TextEncoder().encode(PERMIT_MESSAGE_MAGIC);
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;

function fieldInvalid(field: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__PERMIT__FIELD_INVALID, { field, reason });
}

function checkInteger(field: string, value: unknown, min: bigint, max: bigint): void {
    if (typeof value !== 'bigint') throw fieldInvalid(field, `must be a bigint, got ${describeValue(value)}`);
    if (value < min || value > max) throw fieldInvalid(field, `must be between ${min} and ${max}, got ${value}`);
}

function checkSmallInteger(field: string, value: unknown, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw fieldInvalid(field, `must be an integer number, got ${describeValue(value)}`);
    }
    if (value < min || value > max) throw fieldInvalid(field, `must be between ${min} and ${max}, got ${value}`);
}

/**
 * Checks every non-address field; addresses are checked while they are decoded into the
 * output (see {@link addressEncoder}), so that each is parsed once.
 */
function checkScalarFields(fields: PermitFields): void {
    if (typeof fields !== 'object' || fields === null) {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name: 'fields',
            reason: `must be a PermitFields object, got ${describeValue(fields)}`,
        });
    }
    checkInteger('raffleId', fields.raffleId, 0n, U64_MAX);
    checkSmallInteger('tier', fields.tier, 0, 255);
    const enterpriseId: unknown = fields.enterpriseId;
    if (!(enterpriseId instanceof Uint8Array) || enterpriseId.length !== 16) {
        throw fieldInvalid('enterpriseId', `must be a Uint8Array of 16 bytes, got ${describeValue(enterpriseId)}`);
    }
    checkInteger('prizeAmount', fields.prizeAmount, 1n, U64_MAX);
    checkInteger('ticketPrice', fields.ticketPrice, 1n, U64_MAX);
    checkSmallInteger('maxTickets', fields.maxTickets, 1, PERMIT_MAX_TICKETS);
    checkInteger('deadline', fields.deadline, 0n, I64_MAX);
    if (fields.refundMode !== 'tokens' && fields.refundMode !== 'vouchers') {
        throw fieldInvalid('refundMode', `must be 'tokens' or 'vouchers', got ${describeValue(fields.refundMode)}`);
    }
    checkInteger('expiresAt', fields.expiresAt, 0n, I64_MAX);
}

// Field encoders. Each writes straight into the output buffer: no temporary arrays, no
// DataView per field, no BigInt base58. Values reach them already checked.

function addressEncoder(field: string): FixedSizeEncoder<Address, 32> {
    return createEncoder({
        fixedSize: 32,
        write(value: Address, bytes: Uint8Array, offset: number) {
            if (typeof value !== 'string' || !writeAddressBytes(value, bytes, offset)) {
                throw fieldInvalid(field, `must be a base58 address of 32 bytes, got ${describeValue(value)}`);
            }
            return offset + 32;
        },
    });
}

function writeU64(bytes: Uint8Array, offset: number, value: bigint): void {
    const lo = Number(value & 0xffff_ffffn);
    const hi = Number((value >> 32n) & 0xffff_ffffn);
    bytes[offset] = lo;
    bytes[offset + 1] = lo >>> 8;
    bytes[offset + 2] = lo >>> 16;
    bytes[offset + 3] = lo >>> 24;
    bytes[offset + 4] = hi;
    bytes[offset + 5] = hi >>> 8;
    bytes[offset + 6] = hi >>> 16;
    bytes[offset + 7] = hi >>> 24;
}

const u64Encoder: FixedSizeEncoder<bigint, 8> = /* @__PURE__ */ createEncoder({
    fixedSize: 8,
    write(value: bigint, bytes: Uint8Array, offset: number) {
        writeU64(bytes, offset, value);
        return offset + 8;
    },
});

const i64Encoder: FixedSizeEncoder<bigint, 8> = /* @__PURE__ */ createEncoder({
    fixedSize: 8,
    write(value: bigint, bytes: Uint8Array, offset: number) {
        writeU64(bytes, offset, BigInt.asUintN(64, value));
        return offset + 8;
    },
});

const u32Encoder: FixedSizeEncoder<number, 4> = /* @__PURE__ */ createEncoder({
    fixedSize: 4,
    write(value: number, bytes: Uint8Array, offset: number) {
        bytes[offset] = value;
        bytes[offset + 1] = value >>> 8;
        bytes[offset + 2] = value >>> 16;
        bytes[offset + 3] = value >>> 24;
        return offset + 4;
    },
});

const u8Encoder: FixedSizeEncoder<number, 1> = /* @__PURE__ */ createEncoder({
    fixedSize: 1,
    write(value: number, bytes: Uint8Array, offset: number) {
        bytes[offset] = value;
        return offset + 1;
    },
});

const bytes16Encoder: FixedSizeEncoder<ReadonlyUint8Array, 16> = /* @__PURE__ */ createEncoder({
    fixedSize: 16,
    write(value: ReadonlyUint8Array, bytes: Uint8Array, offset: number) {
        bytes.set(value, offset);
        return offset + 16;
    },
});

const refundModeEncoder: FixedSizeEncoder<PermitRefundMode, 1> = /* @__PURE__ */ createEncoder({
    fixedSize: 1,
    write(value: PermitRefundMode, bytes: Uint8Array, offset: number) {
        bytes[offset] = value === 'vouchers' ? 1 : 0;
        return offset + 1;
    },
});

/** The wire layout, magic excluded, as a kit struct of unchecked field encoders. */
const fieldsEncoder = /* @__PURE__ */ getHiddenPrefixEncoder(
    getStructEncoder([
        ['programId', addressEncoder('programId')],
        ['config', addressEncoder('config')],
        ['organizer', addressEncoder('organizer')],
        ['raffleId', u64Encoder],
        ['tier', u8Encoder],
        ['enterpriseId', bytes16Encoder],
        ['prizeMint', addressEncoder('prizeMint')],
        ['prizeAmount', u64Encoder],
        ['paymentMint', addressEncoder('paymentMint')],
        ['ticketPrice', u64Encoder],
        ['maxTickets', u32Encoder],
        ['deadline', i64Encoder],
        ['refundMode', refundModeEncoder],
        ['expiresAt', i64Encoder],
    ]),
    [getConstantEncoder(MAGIC)],
);

const permitMessageEncoder: FixedSizeEncoder<PermitFields, 242> = /* @__PURE__ */ createEncoder({
    fixedSize: PERMIT_MESSAGE_LENGTH,
    write(fields: PermitFields, bytes: Uint8Array, offset: number) {
        checkScalarFields(fields);
        return fieldsEncoder.write(fields, bytes, offset);
    },
});

/** Raw decoded layout, before range checks. */
interface RawPermitMessage {
    programId: Address;
    config: Address;
    organizer: Address;
    raffleId: bigint;
    tier: number;
    enterpriseId: ReadonlyUint8Array;
    prizeMint: Address;
    prizeAmount: bigint;
    paymentMint: Address;
    ticketPrice: bigint;
    maxTickets: number;
    deadline: bigint;
    refundMode: number;
    expiresAt: bigint;
}

const rawDecoder: FixedSizeDecoder<RawPermitMessage> = /* @__PURE__ */ getStructDecoder([
    ['programId', getAddressDecoder()],
    ['config', getAddressDecoder()],
    ['organizer', getAddressDecoder()],
    ['raffleId', getU64Decoder()],
    ['tier', getU8Decoder()],
    ['enterpriseId', fixDecoderSize(getBytesDecoder(), 16)],
    ['prizeMint', getAddressDecoder()],
    ['prizeAmount', getU64Decoder()],
    ['paymentMint', getAddressDecoder()],
    ['ticketPrice', getU64Decoder()],
    ['maxTickets', getU32Decoder()],
    ['deadline', getI64Decoder()],
    ['refundMode', getU8Decoder()],
    ['expiresAt', getI64Decoder()],
]) as FixedSizeDecoder<RawPermitMessage>;

function readPermitMessage(bytes: ReadonlyUint8Array, offset: number, exact: boolean): [PermitFields, number] {
    if (!(bytes instanceof Uint8Array)) {
        throw new RaffleError(RAFFLE_ERROR__INVALID_ARGUMENT, {
            name: 'bytes',
            reason: `must be a Uint8Array, got ${describeValue(bytes)}`,
        });
    }
    const available = bytes.length - offset;
    if (exact ? available !== PERMIT_MESSAGE_LENGTH : available < PERMIT_MESSAGE_LENGTH) {
        throw new RaffleError(RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID, {
            expected: PERMIT_MESSAGE_LENGTH,
            actual: Math.max(available, 0),
        });
    }
    for (let i = 0; i < MAGIC.length; i++) {
        if (bytes[offset + i] !== MAGIC[i]) throw new RaffleError(RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID, {});
    }
    let raw: RawPermitMessage;
    try {
        [raw] = rawDecoder.read(bytes, offset + MAGIC.length);
    } catch (cause) {
        // A fixed layout over the right number of bytes cannot fail to decode.
        throw new RaffleError(
            RAFFLE_ERROR__INVARIANT_VIOLATION,
            { detail: 'decoding a 242-byte permit message failed' },
            { cause },
        );
    }
    if (raw.refundMode > 1) throw fieldInvalid('refundMode', `must be 0 (tokens) or 1 (vouchers), got ${raw.refundMode}`);
    const fields: PermitFields = { ...raw, refundMode: raw.refundMode === 1 ? 'vouchers' : 'tokens' };
    checkScalarFields(fields);
    return [fields, offset + PERMIT_MESSAGE_LENGTH];
}

/**
 * Returns the encoder of permit messages v1: a kit `FixedSizeEncoder` of 242 bytes that
 * checks every field (throwing `RaffleError` `RAFFLE_ERROR__PERMIT__FIELD_INVALID`)
 * before its bytes are returned. Built once at module load; allocation-free field writers.
 *
 * @returns the shared encoder
 * @example
 * ```ts
 * const bytes = getPermitMessageEncoder().encode(fields); // 242 bytes
 * ```
 */
export function getPermitMessageEncoder(): FixedSizeEncoder<PermitFields, 242> {
    return permitMessageEncoder;
}

const permitMessageDecoder: FixedSizeDecoder<PermitFields, 242> = /* @__PURE__ */ createDecoder({
    fixedSize: PERMIT_MESSAGE_LENGTH,
    // Like every kit decoder, this one may read a message inside a larger buffer; use
    // decodePermitMessage to also reject trailing bytes.
    read: (bytes: ReadonlyUint8Array | Uint8Array, offset = 0) => readPermitMessage(bytes, offset, false),
});

/**
 * Returns the decoder of permit messages v1: a kit `FixedSizeDecoder` that rejects a short
 * input, a wrong magic and out-of-range values, always with a `RaffleError`. Like every
 * kit decoder it reads one message at an offset and ignores what follows; use
 * {@link decodePermitMessage} to reject trailing bytes too.
 *
 * @returns the shared decoder
 * @example
 * ```ts
 * const fields = getPermitMessageDecoder().decode(bytes);
 * ```
 */
export function getPermitMessageDecoder(): FixedSizeDecoder<PermitFields, 242> {
    return permitMessageDecoder;
}

/**
 * Returns the kit codec of permit messages v1 ({@link getPermitMessageEncoder} and
 * {@link getPermitMessageDecoder} combined).
 *
 * @returns a `FixedSizeCodec` of 242 bytes
 * @example
 * ```ts
 * const codec = getPermitMessageCodec();
 * codec.decode(codec.encode(fields)); // equal to fields
 * ```
 */
export function getPermitMessageCodec(): FixedSizeCodec<PermitFields, PermitFields, 242> {
    return combineCodec(permitMessageEncoder, permitMessageDecoder);
}

/**
 * Encodes permit fields into the 242-byte v1 message that the backend signs:
 * `"RWA_RAFFLE_PERMIT_V1"` || program_id || config || organizer || raffle_id u64 || tier u8 ||
 * enterprise_id [16] || prize_mint || prize_amount u64 || payment_mint || ticket_price u64 ||
 * max_tickets u32 || deadline i64 || refund_mode u8 || expires_at i64, little endian.
 *
 * @param fields - the permit fields; every one is checked
 * @returns a new 242-byte array
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__FIELD_INVALID` with `{ field, reason }`
 * @example
 * ```ts
 * const message = encodePermitMessage(fields);
 * const signature = await signer.sign(message);
 * ```
 */
export function encodePermitMessage(fields: PermitFields): Uint8Array {
    const bytes = new Uint8Array(PERMIT_MESSAGE_LENGTH);
    permitMessageEncoder.write(fields, bytes, 0);
    return bytes;
}

/**
 * Decodes and checks a v1 permit message. Throws only `RaffleError`s, whatever the
 * input.
 *
 * @param bytes - exactly 242 bytes
 * @returns the permit fields (fresh objects, not views into `bytes`)
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__MESSAGE_LENGTH_INVALID`,
 * `RAFFLE_ERROR__PERMIT__MESSAGE_MAGIC_INVALID` or `RAFFLE_ERROR__PERMIT__FIELD_INVALID`
 * @example
 * ```ts
 * const { organizer, maxTickets, expiresAt } = decodePermitMessage(message);
 * ```
 */
export function decodePermitMessage(bytes: ReadonlyUint8Array): PermitFields {
    try {
        return readPermitMessage(bytes, 0, true)[0];
    } catch (e) {
        if (isRaffleError(e)) throw e;
        throw new RaffleError(RAFFLE_ERROR__INVARIANT_VIOLATION, { detail: 'unexpected error while decoding a permit message' }, { cause: e });
    }
}
