/**
 * Base58 (Bitcoin alphabet) decoding without `BigInt` and without error messages that could
 * echo the input. Two entry points:
 *
 * - {@link writeAddressBytes}: the hot path of the permit encoder. Decodes a 32-byte Solana
 *   address straight into the output buffer with 24-bit limbs, four characters at a time
 *   (kit's `getAddressEncoder` validates and decodes through `BigInt`, about 16 µs per
 *   address, more than half the cost of an ed25519 signature).
 * - {@link decodeBase58}: variable length, used for key material. It returns `undefined` on
 *   bad input and never says which character was wrong, so secrets cannot leak through it.
 *
 * @internal
 * @packageDocumentation
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Digit value of each ASCII code, -1 when not in the alphabet. */
const DIGITS = /* @__PURE__ */ (() => {
    const digits = new Int8Array(128).fill(-1);
    for (let i = 0; i < ALPHABET.length; i++) digits[ALPHABET.charCodeAt(i)] = i;
    return digits;
})();

const LIMB = 16_777_216; // 2^24
const LIMBS = 11; // 11 * 24 = 264 bits >= 256
const POW58 = [1, 58, 3_364, 195_112, 11_316_496]; // 58^0..58^4, all < 2^24
/** Scratch limbs of {@link writeAddressBytes}; JS is single-threaded, so one is enough. */
const limbs = /* @__PURE__ */ new Float64Array(LIMBS);

/**
 * Decodes a base58 address into 32 bytes at `out[offset..offset + 32]`.
 *
 * Accepts exactly what kit's `isAddress` accepts: 32 to 44 characters that decode to exactly
 * 32 bytes (leading `1`s are leading zero bytes).
 *
 * @param value - the putative address
 * @param out - destination buffer
 * @param offset - where the 32 bytes go
 * @returns false when `value` is not a valid address (the destination may then hold garbage)
 */
export function writeAddressBytes(value: string, out: Uint8Array, offset: number): boolean {
    const length = value.length;
    if (length < 32 || length > 44) return false;
    let zeros = 0;
    while (zeros < length && value.charCodeAt(zeros) === 49 /* '1' */) zeros++;
    limbs.fill(0);
    let i = zeros;
    let top = LIMBS - 1; // index of the most significant limb in use
    // First chunk takes the remainder so that every later chunk has four characters.
    let chunk = (length - zeros) % 4 || 4;
    while (i < length) {
        let carry = 0;
        for (const end = i + chunk; i < end; i++) {
            const code = value.charCodeAt(i);
            const digit = code < 128 ? DIGITS[code]! : -1;
            if (digit < 0) return false;
            carry = carry * 58 + digit;
        }
        const multiplier = POW58[chunk]!;
        let j = LIMBS - 1;
        for (; j >= top || (carry !== 0 && j >= 0); j--) {
            const x = limbs[j]! * multiplier + carry; // < 2^48, exact in a double
            carry = Math.floor(x / LIMB);
            limbs[j] = x - carry * LIMB;
        }
        if (carry !== 0) return false;
        top = j + 1;
        chunk = 4;
    }
    // 11 limbs = 33 big-endian bytes; the first must be zero for a 256-bit value.
    if (limbs[0]! >= 65_536) return false;
    let o = offset;
    const first = limbs[0]!;
    out[o++] = first >>> 8;
    out[o++] = first;
    for (let j = 1; j < LIMBS; j++) {
        const limb = limbs[j]!;
        out[o++] = limb >>> 16;
        out[o++] = limb >>> 8;
        out[o++] = limb;
    }
    let leading = 0;
    while (leading < 32 && out[offset + leading] === 0) leading++;
    // Base58 keeps leading zero bytes as leading '1's: the counts must agree, so that the
    // string decodes to exactly 32 bytes.
    return leading === zeros;
}

/**
 * Decodes base58 text of any length.
 *
 * @param text - base58 text, no whitespace
 * @returns the bytes, or `undefined` when the text is empty or not base58
 */
export function decodeBase58(text: string): Uint8Array | undefined {
    if (text.length === 0) return undefined;
    let zeros = 0;
    while (zeros < text.length && text.charCodeAt(zeros) === 49) zeros++;
    // log(58) / log(256) ~ 0.733: enough room for the big-endian value.
    const size = Math.ceil((text.length - zeros) * 0.733) + 1;
    const buffer = new Uint8Array(size);
    let used = 0;
    for (let i = zeros; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let carry = code < 128 ? DIGITS[code]! : -1;
        if (carry < 0) {
            buffer.fill(0);
            return undefined;
        }
        let k = 0;
        for (let j = size - 1; j >= 0 && (carry !== 0 || k < used); j--, k++) {
            carry += 58 * buffer[j]!;
            buffer[j] = carry & 0xff;
            carry >>>= 8;
        }
        used = k;
    }
    const out = new Uint8Array(zeros + used);
    out.set(buffer.subarray(size - used), zeros);
    buffer.fill(0);
    return out;
}
