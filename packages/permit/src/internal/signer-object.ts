/**
 * Building blocks shared by every built-in {@link PermitSigner}: the safe signer object and
 * the checks of secret key bytes.
 *
 * @internal
 * @packageDocumentation
 */
import {
    RAFFLE_ERROR__PERMIT__SIGNER_FAILED,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID,
    RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH,
    RaffleError,
} from '@raffle/errors';
import { type Address, type ReadonlyUint8Array, getAddressDecoder } from '@solana/kit';

import type { PermitSigner } from '../signer';
import { bytesEqual } from './encoding';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Wraps a signing function into a frozen {@link PermitSigner} whose every printable view
 * (`JSON.stringify`, `String`, `util.inspect`, `console.log`) shows only the address. The
 * key material lives in the caller's closure and nowhere on the object.
 *
 * @param kind - short name of the implementation, e.g. `noble`
 * @param address - the signer's public key
 * @param sign - signs a message (already checked to be a `Uint8Array`)
 * @returns the signer
 */
export function definePermitSigner(
    kind: string,
    address: Address,
    sign: (message: Uint8Array) => Uint8Array,
): PermitSigner {
    const label = `PermitSigner(${kind}, ${address})`;
    const signer = {
        address,
        sign: (message: Uint8Array): Promise<Uint8Array> => {
            if (!(message instanceof Uint8Array)) {
                return Promise.reject(signerFailed(address, 'the message to sign must be a Uint8Array'));
            }
            try {
                return Promise.resolve(sign(message));
            } catch {
                // The underlying error is dropped on purpose: crypto libraries may describe
                // their inputs, and one of those inputs is the secret key.
                return Promise.reject(signerFailed(address, `the ${kind} ed25519 implementation failed`));
            }
        },
        toJSON: (): { address: Address } => ({ address }),
        toString: (): string => label,
        [INSPECT]: (): string => label,
    };
    return Object.freeze(signer);
}

/**
 * @param signer - the signer's address
 * @param reason - what failed, without any key material
 * @returns a `RAFFLE_ERROR__PERMIT__SIGNER_FAILED` error
 */
export function signerFailed(signer: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_FAILED, { signer, reason });
}

/**
 * @param source - where the key came from, e.g. `env PERMIT_SIGNER_KEY`
 * @param reason - what is wrong, never the key itself
 * @returns a `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` error
 */
export function keyInvalid(source: string, reason: string): RaffleError {
    return new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID, { source, reason });
}

/** A checked secret: the 32-byte seed (a private copy) and, for keypairs, the public half. */
export interface SplitSecret {
    seed: Uint8Array;
    publicKey: Uint8Array | undefined;
}

/**
 * Checks the shape of secret key bytes: a 32-byte seed or a 64-byte Solana keypair
 * (seed || public key).
 *
 * @param secret - the bytes
 * @param source - where they came from, for errors
 * @returns a private copy of the seed and the claimed public key
 */
export function splitSecret(secret: ReadonlyUint8Array, source: string): SplitSecret {
    if (!(secret instanceof Uint8Array)) throw keyInvalid(source, 'the key must be a Uint8Array');
    if (secret.length === 32) return { seed: secret.slice(), publicKey: undefined };
    if (secret.length === 64) return { seed: secret.slice(0, 32), publicKey: secret.slice(32) };
    throw keyInvalid(source, `the key is ${secret.length} bytes long`);
}

/**
 * Checks that a keypair's public half belongs to its seed.
 *
 * @param derived - the public key computed from the seed
 * @param split - the checked secret
 * @param source - where it came from, for errors
 * @returns the signer's address
 */
export function checkPublicKey(derived: ReadonlyUint8Array, split: SplitSecret, source: string): Address {
    if (split.publicKey !== undefined && !bytesEqual(derived, split.publicKey)) {
        split.seed.fill(0);
        throw new RaffleError(RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH, { source });
    }
    return getAddressDecoder().decode(derived) as Address;
}
