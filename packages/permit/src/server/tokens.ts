/**
 * Random tokens and their hashes: session tokens, sign-in nonces, API keys. Web Crypto's
 * `getRandomValues` and a synchronous SHA-256, so it runs on every runtime.
 *
 * @internal
 * @packageDocumentation
 */
import { sha256 } from '@noble/hashes/sha2.js';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const encoder = new TextEncoder();

/**
 * @param bytes - how many random bytes
 * @returns unpadded base64url of fresh random bytes
 */
export function randomToken(bytes: number): string {
    const raw = new Uint8Array(bytes);
    globalThis.crypto.getRandomValues(raw);
    let out = '';
    for (let i = 0; i < raw.length; i += 3) {
        const n = (raw[i]! << 16) | ((raw[i + 1] ?? 0) << 8) | (raw[i + 2] ?? 0);
        const chars = i + 2 < raw.length ? 4 : i + 1 < raw.length ? 3 : 2;
        for (let c = 0; c < chars; c++) out += URL_ALPHABET[(n >>> (18 - 6 * c)) & 63];
    }
    raw.fill(0);
    return out;
}

/**
 * @param length - how many characters
 * @returns random letters and digits (a SIWS nonce: at least 8 alphanumerics)
 */
export function randomAlphanumeric(length: number): string {
    const raw = new Uint8Array(length * 2);
    globalThis.crypto.getRandomValues(raw);
    let out = '';
    // 248 = 4 * 62: rejection sampling keeps the characters uniform.
    for (let i = 0; i < raw.length && out.length < length; i++) if (raw[i]! < 248) out += ALNUM[raw[i]! % 62];
    while (out.length < length) out += randomAlphanumeric(length - out.length);
    return out;
}

/**
 * @param text - any text (a token, a key, a request body)
 * @returns SHA-256 of its UTF-8 bytes, lowercase hex
 */
export function sha256Hex(text: string): string {
    const digest = sha256(encoder.encode(text));
    let out = '';
    for (let i = 0; i < digest.length; i++) out += (digest[i]! + 256).toString(16).slice(1);
    return out;
}
