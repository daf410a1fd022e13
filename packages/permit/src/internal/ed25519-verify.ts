/**
 * Isomorphic ed25519 signature verification: WebCrypto `Ed25519` where the runtime has it
 * (Node >= 20, current browsers, Deno, Cloudflare Workers), `@noble/ed25519` otherwise.
 *
 * The chain's Ed25519 precompile is the authority; this check exists so that a backend or a
 * frontend can reject a bad permit before paying for a transaction.
 *
 * @internal
 * @packageDocumentation
 */
import type { ReadonlyUint8Array } from '@solana/kit';

/** Which implementation verifies signatures. */
export type Ed25519Backend = 'webcrypto' | 'noble';

// RFC 8032 section 7.1 TEST 1 public key: a known-valid key to probe WebCrypto support with.
const PROBE_PUBLIC_KEY = /* @__PURE__ */ new Uint8Array([
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72,
    0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
]);

let webCryptoSupport: Promise<boolean> | undefined;
/** Imported public keys, by their bytes in hex; small and bounded (signers are few). */
const keyCache = new Map<string, CryptoKey>();
const KEY_CACHE_SIZE = 64;

function subtle(): SubtleCrypto | undefined {
    return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

function importPublicKey(s: SubtleCrypto, publicKey: ReadonlyUint8Array): Promise<CryptoKey> {
    return s.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
}

/**
 * @returns the backend {@link verifyEd25519} uses by default in this runtime
 */
export async function detectEd25519Backend(): Promise<Ed25519Backend> {
    webCryptoSupport ??= (async () => {
        const s = subtle();
        if (s === undefined) return false;
        try {
            await importPublicKey(s, PROBE_PUBLIC_KEY);
            return true;
        } catch {
            return false;
        }
    })();
    return (await webCryptoSupport) ? 'webcrypto' : 'noble';
}

function hexKey(bytes: ReadonlyUint8Array): string {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += (bytes[i]! + 256).toString(16).slice(1);
    return s;
}

/**
 * Verifies an ed25519 signature. Never throws: malformed keys or signatures verify false.
 *
 * @param publicKey - 32 bytes
 * @param message - the signed bytes
 * @param signature - 64 bytes
 * @param backend - force an implementation (tests); default: WebCrypto when available
 * @returns true when the signature is valid
 */
export async function verifyEd25519(
    publicKey: ReadonlyUint8Array,
    message: ReadonlyUint8Array,
    signature: ReadonlyUint8Array,
    backend?: Ed25519Backend,
): Promise<boolean> {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    const chosen = backend ?? (await detectEd25519Backend());
    if (chosen === 'webcrypto') {
        const s = subtle();
        if (s === undefined) return false;
        try {
            const id = hexKey(publicKey);
            let key = keyCache.get(id);
            if (key === undefined) {
                key = await importPublicKey(s, publicKey);
                if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
                keyCache.set(id, key);
            }
            return await s.verify('Ed25519', key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
        } catch {
            return false;
        }
    }
    try {
        // Imported on first use, straight from the packages (not through ./noble, which the
        // signers import statically): a browser bundle then keeps noble in a chunk that
        // runtimes with WebCrypto Ed25519 never download. The SHA-512 wiring is ./noble's.
        const [ed, { sha512 }] = await Promise.all([import('@noble/ed25519'), import('@noble/hashes/sha2.js')]);
        if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512;
        // RFC 8032 strict mode (no ZIP-215 leniency), closer to the precompile's verify_strict.
        return ed.verify(signature as Uint8Array, message as Uint8Array, publicKey as Uint8Array, { zip215: false });
    } catch {
        return false;
    }
}
