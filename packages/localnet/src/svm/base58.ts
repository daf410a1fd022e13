/**
 * A fast base58 encoder (bytes to text) for signatures, blockhashes and keys on the hot path;
 * kit's codec goes through BigInt and costs tens of microseconds per signature.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * Encodes bytes as base58 (Bitcoin alphabet, as Solana uses).
 *
 * @param bytes - the bytes
 * @returns the base58 text
 */
export function encodeBase58(bytes: Uint8Array): string {
    let zeros = 0;
    while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
    // log(256) / log(58) ~ 1.366
    const size = (((bytes.length - zeros) * 138) / 100 + 1) | 0;
    const digits = new Uint8Array(size);
    let length = 0;
    for (let i = zeros; i < bytes.length; i++) {
        let carry = bytes[i]!;
        let j = 0;
        for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
            carry += 256 * digits[k]!;
            digits[k] = carry % 58;
            carry = (carry / 58) | 0;
        }
        length = j;
    }
    let start = size - length;
    while (start < size && digits[start] === 0) start++;
    let out = '1'.repeat(zeros);
    for (let i = start; i < size; i++) out += ALPHABET[digits[i]!];
    return out;
}
