/**
 * Base58 of 32-byte public keys without `BigInt`, for the IDL-compiled event decoders: the same
 * strings as kit's address decoder, several times faster.
 *
 * @packageDocumentation
 */
import type { Address, ReadonlyUint8Array } from '@solana/kit';

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
