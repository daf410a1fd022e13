/**
 * The permit signers of a server: one that signs, and optionally a second one during a key
 * rotation, mirroring the program's `config.permit_signers[2]`.
 *
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import type { PermitSigner } from '../signer';
import { signerSetInvalid } from './errors';

/**
 * Checks the signer list of a permit server: one or two {@link PermitSigner}s with distinct
 * addresses. The first signs every new permit; the second is the other key registered
 * on-chain during a rotation (reported by `/health`, never used to sign).
 *
 * @param signers - the list
 * @returns a frozen copy
 * @throws `RaffleError` `RAFFLE_ERROR__PERMIT__SIGNER_SET_INVALID` for an empty list, more than two
 * signers, duplicates or objects that are not signers
 * @example
 * ```ts
 * const signers = checkPermitSigners([await signerFromKeypairFile(NEW_KEY), signerFromEnv('PERMIT_SIGNER_KEY_OLD')]);
 * ```
 */
export function checkPermitSigners(signers: readonly PermitSigner[]): readonly [PermitSigner, ...PermitSigner[]] {
    if (!Array.isArray(signers) || signers.length < 1 || signers.length > 2) {
        throw signerSetInvalid(`got ${Array.isArray(signers) ? `${signers.length} signers` : 'no array of PermitSigners'}`);
    }
    const seen = new Set<Address>();
    for (const signer of signers as unknown[]) {
        const s = signer as Partial<PermitSigner> | null;
        if (typeof s !== 'object' || s === null || typeof s.sign !== 'function' || typeof s.address !== 'string') {
            throw signerSetInvalid('each must be a PermitSigner: an object with an address and a sign(message) method');
        }
        if (seen.has(s.address)) throw signerSetInvalid(`${s.address} is listed twice`);
        seen.add(s.address);
    }
    return Object.freeze([...signers]) as unknown as readonly [PermitSigner, ...PermitSigner[]];
}
