/** Hash inputs the program tests recompute: SHA-256 over byte parts, and an address's 32 bytes. */
import { createHash } from 'node:crypto';

import { type Address, getAddressEncoder } from '@solana/kit';

/**
 * SHA-256 of the concatenation of `parts`.
 *
 * @param parts - The byte strings to hash, in order.
 * @returns The 32-byte digest.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
}

/**
 * The 32 bytes of an address, as the program hashes and stores it.
 *
 * @param a - The address.
 * @returns Its bytes.
 */
export function addressBytes(a: Address): Uint8Array {
    return new Uint8Array(getAddressEncoder().encode(a));
}
