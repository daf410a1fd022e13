/**
 * The permit signer interface and its portable implementation.
 *
 * @packageDocumentation
 */
import type { Address, ReadonlyUint8Array } from '@solana/kit';

import { getNoble } from './internal/noble';
import { checkPublicKey, definePermitSigner, keyInvalid, splitSecret } from './internal/signer-object';

/**
 * Anything that can sign permit messages with an ed25519 key: an in-process key (noble,
 * node:crypto), or a remote KMS/HSM. Implementations must return the 64-byte ed25519
 * signature of exactly the bytes they are given.
 *
 * The built-in signers keep their key in a closure: `JSON.stringify`, `String`,
 * `util.inspect` and `console.log` of one show only its address.
 *
 * @example
 * ```ts
 * // A remote signer, e.g. a KMS that holds the permit key.
 * const kmsSigner: PermitSigner = {
 *     address: address('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin'),
 *     async sign(message) {
 *         const response = await fetch(KMS_URL, { method: 'POST', body: message });
 *         return new Uint8Array(await response.arrayBuffer());
 *     },
 * };
 * ```
 */
export interface PermitSigner {
    /** The public key, which must be one of the program's `config.permit_signers`. */
    readonly address: Address;
    /**
     * Signs a message.
     *
     * @param message - the bytes to sign (a 242-byte permit message)
     * @returns the 64-byte ed25519 signature
     */
    sign(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * Builds a {@link PermitSigner} in a runtime-agnostic way: a {@link PermitSigner} factory
 * given secret bytes (a 32-byte seed or a 64-byte Solana keypair) and, for error messages,
 * a description of where they came from. The key-loading helpers
 * ({@link signerFromEnv} and friends) take one so that you can pick the implementation.
 *
 * @example
 * ```ts
 * const createSigner: PermitSignerFactory = createNobleSigner;
 * const signer = signerFromEnv('PERMIT_SIGNER_KEY', process.env, { createSigner });
 * ```
 */
export type PermitSignerFactory = (secret: ReadonlyUint8Array, options?: PermitSignerSourceOptions) => PermitSigner;

/**
 * Options of the signer constructors.
 *
 * @example
 * ```ts
 * createNobleSigner(seed, { source: 'vault secret permit/devnet' });
 * ```
 */
export interface PermitSignerSourceOptions {
    /** Where the key came from (`file /etc/permit.json`, `env X`), shown in errors. */
    readonly source?: string;
}

/**
 * Creates a {@link PermitSigner} on `@noble/ed25519`: pure JavaScript, for browsers, edge
 * runtimes and anywhere without node:crypto. About 10x slower than
 * `createNodeCryptoSigner` from `@raffle/permit/node` on Node.
 *
 * The secret is copied: zero your own buffer afterwards if you like.
 *
 * @param secret - a 32-byte ed25519 seed, or a 64-byte Solana keypair (seed || public key)
 * @param options - `source`, shown in errors
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` for a wrong size,
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH` when a keypair's public half does not belong to its seed
 * @example
 * ```ts
 * const signer = createNobleSigner(keypairBytes);
 * const signature = await signer.sign(message);
 * ```
 */
export function createNobleSigner(secret: ReadonlyUint8Array, options: PermitSignerSourceOptions = {}): PermitSigner {
    const source = options.source ?? 'secret bytes';
    const split = splitSecret(secret, source);
    const ed = getNoble();
    let publicKey: Uint8Array;
    try {
        publicKey = ed.getPublicKey(split.seed);
    } catch {
        split.seed.fill(0);
        throw keyInvalid(source, 'the ed25519 public key cannot be derived from it');
    }
    const address = checkPublicKey(publicKey, split, source);
    const seed = split.seed;
    return definePermitSigner('noble', address, message => ed.sign(message, seed));
}
