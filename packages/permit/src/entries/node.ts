/**
 * `@raffle/permit/node`: everything of `@raffle/permit`, plus what needs Node: the
 * node:crypto signer (about 10x faster than noble) and Solana CLI keypair files. The
 * key-loading helpers exported here ({@link signerFromEnv}, {@link signerFromBase58},
 * {@link signerFromKeypairJson}, {@link createKeypairSigner}) build node:crypto signers.
 *
 * @example
 * ```ts
 * import { issuePermit, signerFromEnv } from '@raffle/permit/node';
 * const signer = signerFromEnv('PERMIT_SIGNER_KEY', process.env);
 * ```
 *
 * @packageDocumentation
 */
import type { ReadonlyUint8Array } from '@solana/kit';

import { createNodeCryptoSigner } from '../node/node-crypto-signer';
import type { PermitSigner } from '../signer';
import * as core from '../signer-keys';
import type { LoadPermitSignerOptions } from '../signer-keys';

export * from '../index';
export { createNodeCryptoSigner } from '../node/node-crypto-signer';
export { signerFromKeypairFile } from '../node/keypair-file';

function withNode(options: LoadPermitSignerOptions): LoadPermitSignerOptions {
    return { createSigner: options.createSigner ?? createNodeCryptoSigner };
}

/**
 * Like `createKeypairSigner` of `@raffle/permit`, with a node:crypto signer by default.
 *
 * @param keypair - a 64-byte Solana keypair (seed || public key)
 * @param options - `createSigner` picks the implementation (default node:crypto)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = createKeypairSigner(new Uint8Array(JSON.parse(text)));
 * ```
 */
export function createKeypairSigner(keypair: ReadonlyUint8Array, options: LoadPermitSignerOptions = {}): PermitSigner {
    return core.createKeypairSigner(keypair, withNode(options));
}

/**
 * Like `signerFromKeypairJson` of `@raffle/permit`, with a node:crypto signer by default.
 *
 * @param text - a JSON array of 64 byte values (or 32 for a seed)
 * @param options - `createSigner` picks the implementation (default node:crypto)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromKeypairJson(secretsManagerValue);
 * ```
 */
export function signerFromKeypairJson(text: string, options: LoadPermitSignerOptions = {}): PermitSigner {
    return core.signerFromKeypairJson(text, withNode(options));
}

/**
 * Like `signerFromBase58` of `@raffle/permit`, with a node:crypto signer by default.
 *
 * @param text - base58 of a 64-byte keypair or a 32-byte seed
 * @param options - `createSigner` picks the implementation (default node:crypto)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromBase58(secretsManagerValue);
 * ```
 */
export function signerFromBase58(text: string, options: LoadPermitSignerOptions = {}): PermitSigner {
    return core.signerFromBase58(text, withNode(options));
}

/**
 * Like `signerFromEnv` of `@raffle/permit`, with a node:crypto signer by default.
 *
 * @param name - the variable, default `PERMIT_SIGNER_KEY`
 * @param env - the environment, default `process.env`
 * @param options - `createSigner` picks the implementation (default node:crypto)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_ENV_MISSING`,
 * `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` or `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * const signer = signerFromEnv(); // reads process.env.PERMIT_SIGNER_KEY
 * ```
 */
export function signerFromEnv(
    name: string = core.DEFAULT_PERMIT_SIGNER_ENV,
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: LoadPermitSignerOptions = {},
): PermitSigner {
    return core.signerFromEnv(name, env, withNode(options));
}
