/**
 * Loading a permit signer from a Solana CLI keypair file.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';

import type { LoadPermitSignerOptions } from '../signer-keys';
import { loadSignerFromText } from '../signer-keys';
import { keyInvalid } from '../internal/signer-object';
import type { PermitSigner } from '../signer';
import { createNodeCryptoSigner } from './node-crypto-signer';

/**
 * Creates a {@link PermitSigner} from a Solana CLI keypair file (`solana-keygen new -o
 * permit-devnet.json`): a JSON array of 64 byte values. node:crypto by default.
 *
 * @param path - the file
 * @param options - `createSigner` picks the implementation (default node:crypto)
 * @returns the signer
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_KEY_INVALID` (unreadable file, bad
 * content) or `RAFFLE_ERROR__PERMIT__SIGNER_KEY_MISMATCH`
 * @example
 * ```ts
 * import { signerFromKeypairFile } from '@raffle/permit/node';
 * const signer = await signerFromKeypairFile('/run/secrets/permit-mainnet.json');
 * ```
 */
export async function signerFromKeypairFile(path: string, options: LoadPermitSignerOptions = {}): Promise<PermitSigner> {
    const source = `file ${path}`;
    let text: string;
    try {
        text = await readFile(path, 'utf8');
    } catch (e) {
        const code = (e as { code?: unknown } | null)?.code;
        throw keyInvalid(source, `the file cannot be read${typeof code === 'string' ? ` (${code})` : ''}`);
    }
    return loadSignerFromText(text, source, 'json', { createSigner: options.createSigner ?? createNodeCryptoSigner });
}
