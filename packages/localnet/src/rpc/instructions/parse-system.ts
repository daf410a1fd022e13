/**
 * The `jsonParsed` form of System program instructions, as Agave's `parse_system` writes it
 * (bincode `SystemInstruction`; lamports and space are JSON numbers).
 */
import type { Address } from '@solana/kit';

import { accountAt, ByteReader, checkAccounts, checkIndexes, NotParsableError } from './byte-reader';
import type { ParsedInstructionJson } from './types';

/**
 * Parses a System program instruction.
 *
 * @internal
 * @param data - the instruction data
 * @param accounts - its account indexes
 * @param keys - the transaction's account keys (static, then loaded)
 * @returns `{ type, info }`
 * @example
 * ```ts
 * parseSystemInstruction(ix.data, ix.accounts, keys); // { type: 'transfer', info: { source, destination, lamports } }
 * ```
 */
export function parseSystemInstruction(data: Uint8Array, accounts: readonly number[], keys: readonly Address[]): ParsedInstructionJson {
    const r = new ByteReader(data);
    const tag = r.u32();
    const read = READERS[tag];
    if (read === undefined) throw new NotParsableError();
    const fields = read(r);
    checkIndexes(accounts, keys);
    const at = (position: number) => accountAt(accounts, keys, position);
    const need = (count: number) => checkAccounts(accounts, count);
    switch (tag) {
        case 0:
            need(2);
            return { type: 'createAccount', info: { source: at(0), newAccount: at(1), lamports: fields['lamports'], space: fields['space'], owner: fields['owner'] } };
        case 1:
            need(1);
            return { type: 'assign', info: { account: at(0), owner: fields['owner'] } };
        case 2:
            need(2);
            return { type: 'transfer', info: { source: at(0), destination: at(1), lamports: fields['lamports'] } };
        case 3:
            need(2);
            return { type: 'createAccountWithSeed', info: { source: at(0), newAccount: at(1), ...fields } };
        case 4:
            need(3);
            return { type: 'advanceNonce', info: { nonceAccount: at(0), recentBlockhashesSysvar: at(1), nonceAuthority: at(2) } };
        case 5:
            need(5);
            return {
                type: 'withdrawFromNonce',
                info: { nonceAccount: at(0), destination: at(1), recentBlockhashesSysvar: at(2), rentSysvar: at(3), nonceAuthority: at(4), lamports: fields['lamports'] },
            };
        case 6:
            need(3);
            return { type: 'initializeNonce', info: { nonceAccount: at(0), recentBlockhashesSysvar: at(1), rentSysvar: at(2), nonceAuthority: fields['authority'] } };
        case 7:
            need(2);
            return { type: 'authorizeNonce', info: { nonceAccount: at(0), nonceAuthority: at(1), newAuthorized: fields['authority'] } };
        case 8:
            need(1);
            return { type: 'allocate', info: { account: at(0), space: fields['space'] } };
        case 9:
            need(2);
            return { type: 'allocateWithSeed', info: { account: at(0), ...fields } };
        case 10:
            need(2);
            return { type: 'assignWithSeed', info: { account: at(0), ...fields } };
        case 11:
            need(3);
            return {
                type: 'transferWithSeed',
                info: { source: at(0), sourceBase: at(1), destination: at(2), lamports: fields['lamports'], sourceSeed: fields['sourceSeed'], sourceOwner: fields['sourceOwner'] },
            };
        default:
            need(1);
            return { type: 'upgradeNonce', info: { nonceAccount: at(0) } };
    }
}

type Fields = Record<string, unknown>;

/** The data layout of each `SystemInstruction` variant (read before any account check, as Agave does). */
const READERS: readonly ((r: ByteReader) => Fields)[] = [
    (r) => ({ lamports: r.u64(), space: r.u64(), owner: r.pubkey() }),
    (r) => ({ owner: r.pubkey() }),
    (r) => ({ lamports: r.u64() }),
    (r) => ({ base: r.pubkey(), seed: r.string(), lamports: r.u64(), space: r.u64(), owner: r.pubkey() }),
    () => ({}),
    (r) => ({ lamports: r.u64() }),
    (r) => ({ authority: r.pubkey() }),
    (r) => ({ authority: r.pubkey() }),
    (r) => ({ space: r.u64() }),
    (r) => ({ base: r.pubkey(), seed: r.string(), space: r.u64(), owner: r.pubkey() }),
    (r) => ({ base: r.pubkey(), seed: r.string(), owner: r.pubkey() }),
    (r) => ({ lamports: r.u64(), sourceSeed: r.string(), sourceOwner: r.pubkey() }),
    () => ({}),
];
