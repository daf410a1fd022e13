/**
 * The noble ed25519 module with a synchronous SHA-512 wired in.
 *
 * noble v3 ships no hash of its own for the synchronous API. We install `@noble/hashes`'
 * sha512 lazily, on first use and only when nobody did before (any correct SHA-512 gives the
 * same results), so that importing this package has no side effect.
 *
 * @internal
 * @packageDocumentation
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

/**
 * @returns the noble ed25519 module, ready for its synchronous API
 */
export function getNoble(): typeof ed {
    if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512;
    return ed;
}
