/**
 * The `jsonParsed` form of Associated Token Account and Address Lookup Table instructions, as
 * Agave's `parse_associated_token` and `parse_address_lookup_table` write them.
 */
import type { Address } from '@solana/kit';

import { accountAt, ByteReader, checkAccounts, checkIndexes, NotParsableError } from './byte-reader';
import type { ParsedInstructionJson } from './types';

/**
 * Parses an Associated Token Account program instruction (empty data is the legacy `create`).
 *
 * @internal
 * @param data - the instruction data
 * @param accounts - its account indexes
 * @param keys - the transaction's account keys
 * @returns `{ type, info }`
 * @example
 * ```ts
 * parseAssociatedTokenInstruction(Uint8Array.of(1), ix.accounts, keys); // { type: 'createIdempotent', info: { source, account, wallet, mint, systemProgram, tokenProgram } }
 * ```
 */
export function parseAssociatedTokenInstruction(data: Uint8Array, accounts: readonly number[], keys: readonly Address[]): ParsedInstructionJson {
    checkIndexes(accounts, keys);
    // Borsh: one tag byte and nothing after it.
    if (data.length > 1) throw new NotParsableError();
    const tag = data.length === 0 ? 0 : data[0]!;
    const at = (position: number) => accountAt(accounts, keys, position);
    if (tag === 0 || tag === 1) {
        checkAccounts(accounts, 6);
        return {
            type: tag === 0 ? 'create' : 'createIdempotent',
            info: { source: at(0), account: at(1), wallet: at(2), mint: at(3), systemProgram: at(4), tokenProgram: at(5) },
        };
    }
    if (tag === 2) {
        checkAccounts(accounts, 7);
        return {
            type: 'recoverNested',
            info: { nestedSource: at(0), nestedMint: at(1), destination: at(2), nestedOwner: at(3), ownerMint: at(4), wallet: at(5), tokenProgram: at(6) },
        };
    }
    throw new NotParsableError();
}

/**
 * Parses an Address Lookup Table program instruction.
 *
 * @internal
 * @param data - the instruction data
 * @param accounts - its account indexes
 * @param keys - the transaction's account keys
 * @returns `{ type, info }`
 * @example
 * ```ts
 * parseAddressLookupTableInstruction(ix.data, ix.accounts, keys); // { type: 'createLookupTable', info: { lookupTableAccount, recentSlot, bumpSeed, ... } }
 * ```
 */
export function parseAddressLookupTableInstruction(data: Uint8Array, accounts: readonly number[], keys: readonly Address[]): ParsedInstructionJson {
    const r = new ByteReader(data);
    const tag = r.u32();
    const create = tag === 0 ? { recentSlot: r.u64(), bumpSeed: r.u8() } : undefined;
    const newAddresses = tag === 2 ? r.pubkeys() : undefined;
    if (tag > 4) throw new NotParsableError();
    checkIndexes(accounts, keys);
    const at = (position: number) => accountAt(accounts, keys, position);
    switch (tag) {
        case 0:
            checkAccounts(accounts, 4);
            return {
                type: 'createLookupTable',
                info: { lookupTableAccount: at(0), lookupTableAuthority: at(1), payerAccount: at(2), systemProgram: at(3), ...create },
            };
        case 2: {
            checkAccounts(accounts, 2);
            const info: Record<string, unknown> = { lookupTableAccount: at(0), lookupTableAuthority: at(1), newAddresses };
            if (accounts.length >= 4) {
                info['payerAccount'] = at(2);
                info['systemProgram'] = at(3);
            }
            return { type: 'extendLookupTable', info };
        }
        case 4:
            checkAccounts(accounts, 3);
            return { type: 'closeLookupTable', info: { lookupTableAccount: at(0), lookupTableAuthority: at(1), recipient: at(2) } };
        default:
            checkAccounts(accounts, 2);
            return { type: tag === 1 ? 'freezeLookupTable' : 'deactivateLookupTable', info: { lookupTableAccount: at(0), lookupTableAuthority: at(1) } };
    }
}
