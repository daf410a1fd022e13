/**
 * Event decoders from an Anchor IDL (spec 0.1.0, Anchor >= 0.30): the generic path for programs
 * without generated codecs, and the fast path for programs with them. Field names are
 * camelCased, as Codama-generated codecs name them, so a table built from the IDL decodes to the
 * same shape as the generated one.
 *
 * Each event's layout is compiled once, when the table is built, into a decoder made of this
 * module's own primitive readers instead of kit's codecs: one `DataView` over the payload for
 * every number (kit's number decoders copy an `ArrayBuffer` per field) and a base58 encoder
 * specialised for 32-byte addresses (kit's goes through `BigInt`). The values are the ones kit's
 * codecs give (`bigint` for 64/128-bit integers, kit's `Option`, `Uint8Array` for bytes, `Address`
 * strings), and data that kit's codecs reject is rejected too, with kit's `SolanaError` codes.
 *
 * @packageDocumentation
 */
import {
    type Address,
    createDecoder,
    type Decoder,
    type ReadonlyUint8Array,
    SOLANA_ERROR__CODECS__CANNOT_DECODE_EMPTY_BYTE_ARRAY,
    SOLANA_ERROR__CODECS__ENUM_DISCRIMINATOR_OUT_OF_RANGE,
    SOLANA_ERROR__CODECS__INVALID_BYTE_LENGTH,
    SOLANA_ERROR__CODECS__INVALID_CONSTANT,
    SOLANA_ERROR__CODECS__UNION_VARIANT_OUT_OF_RANGE,
    SolanaError,
} from '@solana/kit';

import { workerConfigInvalid } from '../runtime/errors';
import type { createEventDecoder, EventDecoderTable, EventDefinition } from './decoder';

/**
 * An IDL type (the subset of the Anchor IDL spec events use).
 *
 * @example
 * ```ts
 * const t: IdlType = { vec: { defined: { name: 'Entry' } } };
 * ```
 */
export type IdlType =
    | string
    | { readonly vec: IdlType }
    | { readonly option: IdlType }
    | { readonly array: readonly [IdlType, number] }
    | { readonly defined: string | { readonly name: string } };

/**
 * A field of an IDL struct.
 *
 * @example
 * ```ts
 * const f: IdlField = { name: 'fee_bps', type: 'u16' };
 * ```
 */
export interface IdlField {
    readonly name: string;
    readonly type: IdlType;
}

/**
 * A type definition of an IDL.
 *
 * @example
 * ```ts
 * const def: IdlTypeDef = { name: 'Paid', type: { kind: 'struct', fields: [{ name: 'amount', type: 'u64' }] } };
 * ```
 */
export interface IdlTypeDef {
    readonly name: string;
    readonly type:
        | { readonly kind: 'struct'; readonly fields?: readonly (IdlField | IdlType)[] }
        | { readonly kind: 'enum'; readonly variants: readonly { readonly name: string; readonly fields?: readonly (IdlField | IdlType)[] }[] };
}

/**
 * The parts of an Anchor IDL that event decoding reads.
 *
 * @example
 * ```ts
 * import { rwaRaffleIdl } from '@raffle/program';
 * const idl: AnchorEventIdl = rwaRaffleIdl as unknown as AnchorEventIdl;
 * ```
 */
export interface AnchorEventIdl {
    readonly events?: readonly { readonly name: string; readonly discriminator: readonly number[] }[];
    readonly types?: readonly IdlTypeDef[];
}

// ---------------------------------------------------------------------------------------------
// Primitive readers. A reader reads one value at `cursor.pos` and moves `cursor.pos` past it; the
// cursor holds the payload and one DataView over it for the whole event.

/** Where a compiled decoder is in a payload. */
interface Cursor {
    readonly bytes: ReadonlyUint8Array;
    readonly view: DataView;
    pos: number;
}

/** Reads one value at the cursor and advances it; throws a kit `SolanaError` on short data. */
type Reader = (cursor: Cursor) => unknown;

/** A compiled IDL type: its reader and its size when every value has the same size. */
interface Compiled {
    readonly read: Reader;
    readonly fixedSize: number | null;
}

/** The error kit's codecs throw when the data ends before a value (same codes and context). */
function shortRead(codecDescription: string, expected: number, bytesLength: number): SolanaError {
    if (bytesLength <= 0) return new SolanaError(SOLANA_ERROR__CODECS__CANNOT_DECODE_EMPTY_BYTE_ARRAY, { codecDescription });
    return new SolanaError(SOLANA_ERROR__CODECS__INVALID_BYTE_LENGTH, { bytesLength, codecDescription, expected });
}

/** Reserves `size` bytes at the cursor: returns their offset, or throws when fewer are left. */
function take(cursor: Cursor, size: number, codecDescription: string): number {
    const pos = cursor.pos;
    if (pos + size > cursor.bytes.length) throw shortRead(codecDescription, size, cursor.bytes.length - pos);
    cursor.pos = pos + size;
    return pos;
}

const TWO_POW_64 = 64n;

const NUMBERS: Readonly<Record<string, Compiled>> = {
    // kit: `Number(u8) === 1`, so any other byte is false (not an error).
    bool: { fixedSize: 1, read: c => c.bytes[take(c, 1, 'u8')] === 1 },
    u8: { fixedSize: 1, read: c => c.bytes[take(c, 1, 'u8')] },
    i8: { fixedSize: 1, read: c => c.view.getInt8(take(c, 1, 'i8')) },
    u16: { fixedSize: 2, read: c => c.view.getUint16(take(c, 2, 'u16'), true) },
    i16: { fixedSize: 2, read: c => c.view.getInt16(take(c, 2, 'i16'), true) },
    u32: { fixedSize: 4, read: c => c.view.getUint32(take(c, 4, 'u32'), true) },
    i32: { fixedSize: 4, read: c => c.view.getInt32(take(c, 4, 'i32'), true) },
    u64: { fixedSize: 8, read: c => c.view.getBigUint64(take(c, 8, 'u64'), true) },
    i64: { fixedSize: 8, read: c => c.view.getBigInt64(take(c, 8, 'i64'), true) },
    u128: {
        fixedSize: 16,
        read: c => {
            const p = take(c, 16, 'u128');
            return (c.view.getBigUint64(p + 8, true) << TWO_POW_64) | c.view.getBigUint64(p, true);
        },
    },
    i128: {
        fixedSize: 16,
        read: c => {
            const p = take(c, 16, 'i128');
            return (c.view.getBigInt64(p + 8, true) << TWO_POW_64) + c.view.getBigUint64(p, true);
        },
    },
    f32: { fixedSize: 4, read: c => c.view.getFloat32(take(c, 4, 'f32'), true) },
    f64: { fixedSize: 8, read: c => c.view.getFloat64(take(c, 8, 'f64'), true) },
};

// ---------------------------------------------------------------------------------------------
// Base58 of 32 bytes without BigInt, after the method of Firedancer's fd_base58. The 256-bit
// number is read as sixteen 16-bit limbs (big-endian). The weight of each limb, 2^(16 (15 - i)),
// is precomputed in base 58^5 (nine digits, most significant first), so the number in base 58^5
// is, digit by digit, the sum over the limbs of limb * weight digit: about a hundred independent
// multiply-adds (zero weight digits skipped) instead of a chain of long divisions. The nine sums
// are then carried into nine digits below 58^5, and each of those is five base58 digits
// (58^45 > 2^256).
//
// Doubles are exact on integers below 2^53, and every value here stays below that:
// - a weight digit is below 58^5 = 656,356,768 < 2^29.3 and a limb below 2^16, so a product is
//   below 2^45.3 and a sum of sixteen products below 2^49.3;
// - for an integer x below 2^53, Math.floor(x / 58^5) is the exact quotient q: the division
//   rounds by at most (x / 58^5) * 2^-53 < 1 / 58^5, and a quotient that is not an integer is at
//   least 1 / 58^5 below q + 1. So q < 2^49.3 / 58^5 < 2^20.01, and q * 58^5 <= x is exact;
// - a remainder x - q * 58^5 < 58^5 plus the carry from the digit below (a quotient plus at most
//   one, < 2^20.01 + 1) is below 2 * 58^5: one conditional subtraction brings it below 58^5,
//   adding one to the carry upwards;
// - nothing is carried out of the top digit: the number is below 2^256 < 58^45.
// A digit below 58^5 < 2^30 is an int32: it is split by integer division into a base58 digit and
// two pairs of base58 digits (58^2 = 3364), each pair written with two table look-ups.

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_CODES = Uint16Array.from(BASE58_ALPHABET, ch => ch.charCodeAt(0));
const ONE_CODE = 0x31; // '1', the base58 zero digit
/** 58^5, the base of the intermediate digits: five base58 digits each. */
const BASE58_POW5 = 656_356_768;
/** 58^2: a pair of base58 digits. */
const BASE58_POW2 = 3364;
const LIMB_COUNT = 16;
/** Digits of the number in base 58^5: 58^45 > 2^256. */
const DIGIT_COUNT = 9;
/**
 * `LIMB_WEIGHTS[i * DIGIT_COUNT + k]`: digit `k` (most significant first) of the weight of limb `i`,
 * 2^(16 (15 - i)), in base 58^5. A plain array of doubles, read faster than a `Float64Array` here.
 */
const LIMB_WEIGHTS: readonly number[] = limbWeights();
/**
 * Limbs 8 to 15 weigh at most 2^112 < 58^20: only the last four of their nine weight digits are
 * not zero (the sums skip the others).
 */
const LOW_LIMBS_FIRST_DIGIT = 5;
/** The first and the second character code of each pair of base58 digits (`n < 58^2`). */
const PAIR_FIRST_CODES = Uint16Array.from({ length: BASE58_POW2 }, (_, n) => BASE58_CODES[Math.floor(n / 58)]!);
const PAIR_SECOND_CODES = Uint16Array.from({ length: BASE58_POW2 }, (_, n) => BASE58_CODES[n % 58]!);
/** `'1'.repeat(n)`: one character per leading zero byte. */
const LEADING_ONES = Array.from({ length: 33 }, (_, n) => '1'.repeat(n));
const ZERO_ADDRESS = LEADING_ONES[32]! as Address;
/** The nine digit sums of the address being encoded, then its 45 character codes (scratch). */
const digitSums = new Float64Array(DIGIT_COUNT);
const charCodes = new Uint16Array(5 * DIGIT_COUNT);

function limbWeights(): number[] {
    const weights: number[] = [];
    const base = BigInt(BASE58_POW5);
    for (let i = 0; i < LIMB_COUNT; i++) {
        let weight = 1n << BigInt(16 * (LIMB_COUNT - 1 - i));
        const digits: number[] = [];
        for (let k = 0; k < DIGIT_COUNT; k++) {
            digits.unshift(Number(weight % base));
            weight /= base;
        }
        weights.push(...digits);
    }
    return weights;
}

/** Sums limb * weight digit into `digitSums`: the number in base 58^5, digits not yet carried. */
function sumLimbProducts(bytes: ReadonlyUint8Array, offset: number): void {
    const w = LIMB_WEIGHTS;
    // Nine accumulators in locals: they stay in registers, a typed array would not.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
    for (let i = 0; i < LIMB_COUNT / 2; i++) {
        const limb = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
        const r = i * DIGIT_COUNT;
        s0 += limb * w[r]!;
        s1 += limb * w[r + 1]!;
        s2 += limb * w[r + 2]!;
        s3 += limb * w[r + 3]!;
        s4 += limb * w[r + 4]!;
        s5 += limb * w[r + 5]!;
        s6 += limb * w[r + 6]!;
        s7 += limb * w[r + 7]!;
        s8 += limb * w[r + 8]!;
    }
    for (let i = LIMB_COUNT / 2; i < LIMB_COUNT; i++) {
        const limb = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
        const r = i * DIGIT_COUNT;
        s5 += limb * w[r + LOW_LIMBS_FIRST_DIGIT]!;
        s6 += limb * w[r + 6]!;
        s7 += limb * w[r + 7]!;
        s8 += limb * w[r + 8]!;
    }
    const sums = digitSums;
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    sums[4] = s4;
    sums[5] = s5;
    sums[6] = s6;
    sums[7] = s7;
    sums[8] = s8;
}

/** Carries `digitSums` into digits below 58^5 and writes their 45 base58 character codes. */
function writeCharCodes(): void {
    const sums = digitSums;
    const codes = charCodes;
    // Module constants read once into locals: each read of a module binding is a context load
    // with an initialisation check.
    const singles = BASE58_CODES;
    const firsts = PAIR_FIRST_CODES;
    const seconds = PAIR_SECOND_CODES;
    let carry = 0;
    for (let k = DIGIT_COUNT - 1; k >= 0; k--) {
        const sum = sums[k]!;
        const quotient = Math.floor(sum / BASE58_POW5);
        let digit = sum - quotient * BASE58_POW5 + carry;
        carry = quotient;
        if (digit >= BASE58_POW5) {
            digit -= BASE58_POW5;
            carry++;
        }
        // digit = first * 58^4 + pair * 58^2 + lastPair
        const d = digit | 0;
        const high = (d / BASE58_POW2) | 0;
        const lastPair = d - high * BASE58_POW2;
        const first = (high / BASE58_POW2) | 0;
        const pair = high - first * BASE58_POW2;
        const p = 5 * k;
        codes[p] = singles[first]!;
        codes[p + 1] = firsts[pair]!;
        codes[p + 2] = seconds[pair]!;
        codes[p + 3] = firsts[lastPair]!;
        codes[p + 4] = seconds[lastPair]!;
    }
}

/** The address from `charCodes`: leading zero digits dropped, one '1' per leading zero byte. */
function charCodesToAddress(leadingZeroBytes: number): Address {
    const c = charCodes;
    let start = 0;
    while (start < 5 * DIGIT_COUNT && c[start] === ONE_CODE) start++;
    // One call with every code (a fixed argument count is the fast path of fromCharCode), then a
    // slice: cheaper than building the string piece by piece or with `apply`.
    const all = String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!,
        c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!,
        c[30]!, c[31]!, c[32]!, c[33]!, c[34]!, c[35]!, c[36]!, c[37]!, c[38]!, c[39]!, c[40]!, c[41]!, c[42]!, c[43]!, c[44]!,
    );
    const digits = all.slice(start);
    return (leadingZeroBytes === 0 ? digits : LEADING_ONES[leadingZeroBytes]! + digits) as Address;
}

/**
 * Base58-encodes the 32 bytes at `offset` into an address: the same string as kit's
 * `getAddressDecoder().read(bytes, offset)[0]`, several times faster (no `BigInt`, no copy).
 * Reads exactly 32 bytes; the caller checks that they are there.
 *
 * @param bytes - the data holding the public key
 * @param offset - where the 32 bytes start
 * @returns the base58 address
 * @example
 * ```ts
 * decodeAddressBytes(new Uint8Array(32)); // '11111111111111111111111111111111'
 * ```
 * @internal
 */
export function decodeAddressBytes(bytes: ReadonlyUint8Array, offset = 0): Address {
    let zeros = 0;
    while (zeros < 32 && bytes[offset + zeros] === 0) zeros++;
    if (zeros === 32) return ZERO_ADDRESS; // the default public key (an unset field), no arithmetic needed
    sumLimbProducts(bytes, offset);
    writeCharCodes();
    return charCodesToAddress(zeros);
}

const PUBKEY: Compiled = { fixedSize: 32, read: c => decodeAddressBytes(c.bytes, take(c, 32, 'fixCodecSize')) };

let utf8: TextDecoder | undefined;
const NULL_CHARACTERS = /\u0000/g;

/** A `string`: u32 length then UTF-8, decoded as kit's `getUtf8Decoder()` does (NULs removed). */
const STRING: Compiled = {
    fixedSize: null,
    read: c => {
        const size = NUMBERS.u32!.read(c) as number;
        const p = take(c, size, 'addDecoderSizePrefix');
        utf8 ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
        let value = utf8.decode(c.bytes.subarray(p, p + size));
        if ((utf8 as { ignoreBOM?: boolean }).ignoreBOM === undefined && value.charCodeAt(0) === 0xfeff) value = value.slice(1);
        return value.includes('\u0000') ? value.replace(NULL_CHARACTERS, '') : value;
    },
};

/** `bytes`: u32 length then the bytes, as a copy (kit's `getBytesDecoder()` slices). */
const BYTES: Compiled = {
    fixedSize: null,
    read: c => {
        const size = NUMBERS.u32!.read(c) as number;
        const p = take(c, size, 'addDecoderSizePrefix');
        return c.bytes.slice(p, p + size);
    },
};

function fixedBytes(size: number): Compiled {
    return {
        fixedSize: size,
        read: c => {
            const p = take(c, size, 'fixCodecSize');
            return c.bytes.slice(p, p + size);
        },
    };
}

function fixedArray(item: Compiled, size: number): Compiled {
    const read = item.read;
    return {
        fixedSize: size === 0 ? 0 : item.fixedSize === null ? null : item.fixedSize * size,
        read: c => {
            const values: unknown[] = [];
            for (let i = 0; i < size; i++) values.push(read(c));
            return values;
        },
    };
}

/** `Vec<T>`: u32 count then the items, as kit's `getArrayDecoder(item)`. */
function vec(item: Compiled): Compiled {
    const read = item.read;
    const itemSize = item.fixedSize;
    return {
        fixedSize: null,
        read: c => {
            // kit's getArrayDecoder: with no byte left, an absent prefix reads as an empty array.
            if (c.pos >= c.bytes.length) return [];
            const count = NUMBERS.u32!.read(c) as number;
            // Items of a fixed size: fail before allocating when they cannot all be there (kit
            // fails at the first missing item; the verdict is the same).
            if (itemSize !== null && itemSize > 0 && count * itemSize > c.bytes.length - c.pos) {
                throw shortRead('array', count * itemSize, c.bytes.length - c.pos);
            }
            const values: unknown[] = [];
            for (let i = 0; i < count; i++) values.push(read(c));
            return values;
        },
    };
}

/** `Option<T>`: a u8 prefix, `1` for Some (kit reads the prefix as a boolean, anything else is None). */
function option(item: Compiled): Compiled {
    const read = item.read;
    return {
        fixedSize: item.fixedSize === 0 ? 1 : null,
        read: c => (c.bytes[take(c, 1, 'u8')] === 1 ? { __option: 'Some', value: read(c) } : { __option: 'None' }),
    };
}

function struct(keys: readonly string[], items: readonly Compiled[]): Compiled {
    const readers = items.map(i => i.read);
    const count = keys.length;
    const fixedSize = items.reduce<number | null>((sum, i) => (sum === null || i.fixedSize === null ? null : sum + i.fixedSize), 0);
    return {
        fixedSize,
        read: c => {
            const value: Record<string, unknown> = {};
            for (let i = 0; i < count; i++) value[keys[i]!] = readers[i]!(c);
            return value;
        },
    };
}

/** An enum whose variants have no fields: the variant index (kit's `getEnumDecoder`). */
function unitEnum(variantCount: number): Compiled {
    return {
        fixedSize: 1,
        read: c => {
            const discriminator = c.bytes[take(c, 1, 'u8')]!;
            if (discriminator >= variantCount) {
                const validDiscriminators = [...Array(variantCount).keys()];
                throw new SolanaError(SOLANA_ERROR__CODECS__ENUM_DISCRIMINATOR_OUT_OF_RANGE, {
                    discriminator,
                    formattedValidDiscriminators: variantCount === 0 ? '' : `${0}-${variantCount - 1}`,
                    validDiscriminators,
                });
            }
            return discriminator;
        },
    };
}

/** An enum with data: `{ __kind: 'Variant', ...fields }` (kit's `getDiscriminatedUnionDecoder`). */
function dataEnum(variants: readonly { readonly name: string; readonly fields: { keys: readonly string[]; items: readonly Compiled[] } | null }[]): Compiled {
    const compiled = variants.map(v => ({
        name: v.name,
        keys: v.fields?.keys ?? [],
        readers: (v.fields?.items ?? []).map(i => i.read),
    }));
    const sizes = variants.map(v => (v.fields ? struct(v.fields.keys, v.fields.items).fixedSize : 0));
    const fixedSize = sizes.length > 0 && sizes.every(s => s !== null && s === sizes[0]) ? 1 + sizes[0]! : null;
    return {
        fixedSize,
        read: c => {
            const index = c.bytes[take(c, 1, 'u8')]!;
            const variant = compiled[index];
            if (variant === undefined) {
                throw new SolanaError(SOLANA_ERROR__CODECS__UNION_VARIANT_OUT_OF_RANGE, { maxRange: compiled.length - 1, minRange: 0, variant: index });
            }
            const value: Record<string, unknown> = { __kind: variant.name };
            const { keys, readers } = variant;
            for (let i = 0; i < keys.length; i++) value[keys[i]!] = readers[i]!(c);
            return value;
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Compiling an IDL.

function camel(name: string): string {
    return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isNamedFields(list: readonly unknown[]): list is readonly IdlField[] {
    const first = list[0];
    return typeof first === 'object' && first !== null && 'name' in first && 'type' in first;
}

/** An event's decoder: checks the discriminator, then reads the body. */
function eventDecoder(discriminator: Uint8Array, body: Compiled): Decoder<unknown> {
    const length = discriminator.length;
    const bodyRead = body.read;
    const read = (bytes: ReadonlyUint8Array, offset: number): [unknown, number] => {
        let matches = bytes.length - offset >= length;
        for (let i = 0; matches && i < length; i++) matches = bytes[offset + i] === discriminator[i];
        if (!matches) {
            const hex = (b: ReadonlyUint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
            throw new SolanaError(SOLANA_ERROR__CODECS__INVALID_CONSTANT, {
                constant: discriminator,
                data: bytes,
                hexConstant: hex(discriminator),
                hexData: hex(bytes),
                offset,
            });
        }
        const cursor: Cursor = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos: offset + length };
        const value = bodyRead(cursor);
        return [value, cursor.pos];
    };
    return body.fixedSize === null ? createDecoder({ read }) : createDecoder({ fixedSize: length + body.fixedSize, read });
}

/**
 * Builds an {@link EventDecoderTable} from an Anchor IDL: every event of `idl.events`, its layout
 * (`idl.types`) compiled once into a fast decoder of the full payload (discriminator included).
 * The decoded values are those of kit's codecs, so the table is interchangeable with a
 * Codama-generated one (for the raffle program, `RWA_RAFFLE_EVENTS` of `@raffle/client`): field
 * names camelCased; `bigint` for 64- and 128-bit integers, `number` for smaller ones and floats;
 * `Address` strings for public keys; `Uint8Array` for `bytes` and `[u8; N]`, arrays for `Vec<T>`
 * and other `[T; N]`; kit's `Option` (`{ __option: 'Some', value }` / `{ __option: 'None' }`);
 * the variant index for enums without fields and `{ __kind: 'Variant', ...fields }` for enums
 * with fields; tuple fields under `'0'`, `'1'`... Data that kit's codecs reject (too short, an
 * enum index out of range, a wrong discriminator) throws kit's `SolanaError`; the decoder returns
 * the offset after the event, so {@link createEventDecoder} reports trailing bytes.
 *
 * Give the event map as type argument for typed handlers; without it the data is `any`, as for
 * any {@link EventDecoderTable}.
 *
 * @typeParam TEvents - event name to decoded data, e.g. `EventMapOf<typeof RWA_RAFFLE_EVENTS>`
 * @param idl - the IDL (JSON as Anchor writes it, e.g. a JSON import)
 * @returns a table for {@link createEventDecoder} or `createWorker({ decoder })`
 * @throws a RaffleError (`RAFFLE_ERROR__INVALID_ARGUMENT`) when an event's type is missing,
 *   recursive or uses an unsupported type
 * @example
 * ```ts
 * import { RWA_RAFFLE_EVENTS } from '@raffle/client';
 * import { rwaRaffleIdl } from '@raffle/program';
 * // The raffle program, typed like the generated table and decoded faster:
 * const raffleEvents = createEventDecoderTableFromIdl<EventMapOf<typeof RWA_RAFFLE_EVENTS>>(rwaRaffleIdl);
 * // Any Anchor program:
 * const table = createEventDecoderTableFromIdl(JSON.parse(await readFile('target/idl/my_program.json', 'utf8')));
 * const worker = createWorker({ rpc, rpcSubscriptions, store, programAddress, decoder: table });
 * ```
 */
export function createEventDecoderTableFromIdl<TEvents extends Record<string, unknown> = Record<string, any>>(
    idl: AnchorEventIdl | { readonly events?: readonly { readonly name: string; readonly discriminator: readonly number[] }[]; readonly types?: readonly object[] },
): { readonly [K in keyof TEvents & string]: EventDefinition<TEvents[K]> } {
    const types = new Map(((idl.types ?? []) as readonly IdlTypeDef[]).map(t => [t.name, t]));
    const building = new Set<string>();

    function fields(list: readonly (IdlField | IdlType)[] | undefined, where: string): { keys: string[]; items: Compiled[] } {
        const items = list ?? [];
        if (!Array.isArray(items)) throw workerConfigInvalid('idl', `the fields of ${where} are not an array`);
        if (items.length > 0 && isNamedFields(items)) {
            return { keys: items.map(f => camel(f.name)), items: items.map(f => compile(f.type, `${where}.${f.name}`)) };
        }
        // Tuple fields: an object with numeric keys.
        return { keys: items.map((_t, i) => String(i)), items: (items as readonly IdlType[]).map((t, i) => compile(t, `${where}.${i}`)) };
    }

    function defined(name: string, where: string): Compiled {
        const def = types.get(name);
        if (!def || typeof def.type !== 'object' || def.type === null) throw workerConfigInvalid('idl', `type "${name}" used by ${where} is not defined in idl.types`);
        if (building.has(name)) throw workerConfigInvalid('idl', `type "${name}" is recursive; recursive types are not supported`);
        building.add(name);
        try {
            if (def.type.kind === 'struct') {
                const f = fields(def.type.fields, name);
                return struct(f.keys, f.items);
            }
            if (def.type.kind !== 'enum' || !Array.isArray(def.type.variants)) {
                throw workerConfigInvalid('idl', `type "${name}" has an unsupported kind "${String((def.type as { kind?: unknown }).kind)}"`);
            }
            const variants = def.type.variants;
            if (variants.length > 256) throw workerConfigInvalid('idl', `enum "${name}" has more than 256 variants`);
            if (variants.every(v => !v.fields || v.fields.length === 0)) return unitEnum(variants.length);
            return dataEnum(variants.map(v => ({ name: v.name, fields: v.fields && v.fields.length > 0 ? fields(v.fields, `${name}::${v.name}`) : null })));
        } finally {
            building.delete(name);
        }
    }

    function compile(type: IdlType, where: string): Compiled {
        if (typeof type === 'string') {
            const primitive = type === 'pubkey' || type === 'publicKey' ? PUBKEY : type === 'string' ? STRING : type === 'bytes' ? BYTES : Object.hasOwn(NUMBERS, type) ? NUMBERS[type] : undefined;
            if (!primitive) throw workerConfigInvalid('idl', `unsupported type "${type}" at ${where}`);
            return primitive;
        }
        if (typeof type !== 'object' || type === null) throw workerConfigInvalid('idl', `unsupported type at ${where}`);
        if ('vec' in type) return vec(compile(type.vec, where));
        if ('option' in type) return option(compile(type.option, where));
        if ('array' in type) {
            const [item, size] = type.array;
            if (!Number.isSafeInteger(size) || size < 0) throw workerConfigInvalid('idl', `array size ${String(size)} at ${where} is not a size`);
            if (item === 'u8') return fixedBytes(size);
            return fixedArray(compile(item, where), size);
        }
        if ('defined' in type) return defined(typeof type.defined === 'string' ? type.defined : type.defined.name, where);
        throw workerConfigInvalid('idl', `unsupported type at ${where}`);
    }

    const table: Record<string, EventDefinition<unknown>> = {};
    for (const event of idl.events ?? []) {
        const discriminator = new Uint8Array(event.discriminator);
        if (discriminator.length === 0) throw workerConfigInvalid('idl', `event ${event.name} has no discriminator`);
        const decoder = eventDecoder(discriminator, defined(event.name, `event ${event.name}`));
        table[event.name] = { name: event.name, discriminator, getDecoder: () => decoder };
    }
    return table as { readonly [K in keyof TEvents & string]: EventDefinition<TEvents[K]> };
}
