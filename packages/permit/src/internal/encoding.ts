/**
 * Text encodings of the permit JSON: base64 for the message and signature, lowercase hex for
 * the enterprise id. Built on kit's string codecs, which pick the fastest primitive of each
 * platform (Buffer on Node, atob/btoa in browsers).
 *
 * @internal
 * @packageDocumentation
 */
import { type ReadonlyUint8Array, getBase16Codec, getBase64Decoder, getBase64Encoder } from '@solana/kit';

const base64Decoder = getBase64Decoder();
const base64Encoder = getBase64Encoder();
const base16Codec = getBase16Codec();
/** Two lowercase hex digits per byte value. */
const HEX_PAIRS = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));

/** Canonical padded base64: groups of four, optional `=`/`==` tail, nothing else. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

/**
 * @param bytes - any bytes
 * @returns padded standard base64
 */
export function toBase64(bytes: ReadonlyUint8Array): string {
    return base64Decoder.decode(bytes);
}

/**
 * Strict base64 decoding: rejects whitespace, URL-safe characters and bad padding, which
 * lenient decoders (Node's Buffer) would silently skip.
 *
 * @param text - padded standard base64
 * @returns the bytes, or `undefined` when `text` is not strict base64
 */
export function fromBase64(text: string): Uint8Array | undefined {
    if (!BASE64.test(text)) return undefined;
    const bytes = base64Encoder.encode(text);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * @param bytes - any bytes
 * @returns lowercase hex
 */
export function toHex(bytes: ReadonlyUint8Array): string {
    let hex = '';
    for (let i = 0; i < bytes.length; i++) hex += HEX_PAIRS[bytes[i]!]!;
    return hex;
}

/**
 * @param text - lowercase hex, even length
 * @returns the bytes, or `undefined` when `text` is not lowercase hex
 */
export function fromHex(text: string): Uint8Array | undefined {
    if (!HEX.test(text)) return undefined;
    const bytes = base16Codec.encode(text);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * @param a - bytes
 * @param b - bytes
 * @returns true when both hold the same bytes
 */
export function bytesEqual(a: ReadonlyUint8Array, b: ReadonlyUint8Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}
