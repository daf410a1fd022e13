/**
 * The node:crypto permit signer: OpenSSL's ed25519, the fastest choice on Node.
 *
 * @packageDocumentation
 */
import { type KeyObject, createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';

import type { ReadonlyUint8Array } from '@solana/kit';

import { checkPublicKey, definePermitSigner, keyInvalid, splitSecret } from '../internal/signer-object';
import type { PermitSigner, PermitSignerSourceOptions } from '../signer';

/** DER prefix of a PKCS#8 ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = /* @__PURE__ */ Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
/** Length of the DER prefix of an SPKI ed25519 public key; the 32-byte key follows. */
const SPKI_ED25519_PREFIX_LENGTH = 12;

/**
 * Creates a {@link PermitSigner} on node:crypto (OpenSSL ed25519), about 10x faster than the
 * portable noble signer. The key is imported once into an opaque `KeyObject`; the seed is
 * not kept.
 *
 * @param secret - a 32-byte ed25519 seed, or a 64-byte Solana keypair (seed || public key)
 * @param options - `source`, shown in errors
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` for a wrong size,
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH` when a keypair's public half does not belong to its seed
 * @example
 * ```ts
 * import { createNodeCryptoSigner } from '@raffle/permit/node';
 * const signer = createNodeCryptoSigner(keypairBytes);
 * ```
 */
export function createNodeCryptoSigner(secret: ReadonlyUint8Array, options: PermitSignerSourceOptions = {}): PermitSigner {
    const source = options.source ?? 'secret bytes';
    const split = splitSecret(secret, source);
    const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
    der.set(PKCS8_ED25519_PREFIX);
    der.set(split.seed, PKCS8_ED25519_PREFIX.length);
    let key: KeyObject;
    let publicKey: Uint8Array;
    try {
        key = createPrivateKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type: 'pkcs8' });
        const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
        publicKey = new Uint8Array(spki.buffer, spki.byteOffset + SPKI_ED25519_PREFIX_LENGTH, 32);
    } catch {
        split.seed.fill(0);
        throw keyInvalid(source, 'node:crypto cannot import it as an ed25519 key');
    } finally {
        der.fill(0);
    }
    const address = checkPublicKey(publicKey, split, source);
    split.seed.fill(0);
    return definePermitSigner('node:crypto', address, message => {
        const signature = cryptoSign(null, message, key);
        return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
    });
}
