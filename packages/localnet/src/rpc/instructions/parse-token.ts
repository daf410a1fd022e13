/**
 * The `jsonParsed` form of SPL Token and Token-2022 instructions, as Agave's `parse_token`
 * writes it, for the core instructions (tags 0-24: mints, accounts, transfers, approvals,
 * authorities, burns, the checked variants, `getAccountDataSize`, ...). Amounts are strings;
 * the checked variants carry a `tokenAmount`. The Token-2022 extension instructions (25 and up)
 * are not parsed here: they are answered partially decoded.
 */
import type { Address } from '@solana/kit';

import { toUiTokenAmount } from '../../svm/token';
import { accountAt, ByteReader, checkAccounts, checkIndexes, NotParsableError } from './byte-reader';
import type { ParsedInstructionJson } from './types';

/** `AuthorityType` by value, as `UiAuthorityType` names it. */
const AUTHORITY_TYPES = [
    'mintTokens',
    'freezeAccount',
    'accountOwner',
    'closeAccount',
    'transferFeeConfig',
    'withheldWithdraw',
    'closeMint',
    'interestRate',
    'permanentDelegate',
    'confidentialTransferMint',
    'transferHookProgramId',
    'confidentialTransferFeeConfig',
    'metadataPointer',
    'groupPointer',
    'groupMemberPointer',
    'scaledUiAmount',
    'pause',
] as const;

/** `ExtensionType` by value, as `UiExtensionType` names it. */
const EXTENSION_TYPES = [
    'uninitialized',
    'transferFeeConfig',
    'transferFeeAmount',
    'mintCloseAuthority',
    'confidentialTransferMint',
    'confidentialTransferAccount',
    'defaultAccountState',
    'immutableOwner',
    'memoTransfer',
    'nonTransferable',
    'interestBearingConfig',
    'cpiGuard',
    'permanentDelegate',
    'nonTransferableAccount',
    'transferHook',
    'transferHookAccount',
    'confidentialTransferFeeConfig',
    'confidentialTransferFeeAmount',
    'metadataPointer',
    'tokenMetadata',
    'groupPointer',
    'tokenGroup',
    'groupMemberPointer',
    'tokenGroupMember',
    'confidentialMintBurn',
    'scaledUiAmount',
    'pausable',
    'pausableAccount',
] as const;

/**
 * Parses an SPL Token / Token-2022 instruction.
 *
 * @internal
 * @param data - the instruction data
 * @param accounts - its account indexes
 * @param keys - the transaction's account keys (static, then loaded)
 * @returns `{ type, info }`
 * @example
 * ```ts
 * parseTokenInstruction(ix.data, ix.accounts, keys); // { type: 'transferChecked', info: { source, mint, destination, tokenAmount, authority } }
 * ```
 */
export function parseTokenInstruction(data: Uint8Array, accounts: readonly number[], keys: readonly Address[]): ParsedInstructionJson {
    checkIndexes(accounts, keys);
    const r = new ByteReader(data);
    const tag = r.u8();
    const at = (position: number) => accountAt(accounts, keys, position);
    const need = (count: number) => checkAccounts(accounts, count);
    /** Agave's `parse_signers`: one authority, or a multisig and its signers. */
    const signers = (info: Record<string, unknown>, lastNonSigner: number, ownerField: string, multisigField: string) => {
        const owner = keys[accounts[lastNonSigner] ?? -1];
        if (accounts.length > lastNonSigner + 1) {
            if (owner !== undefined) info[multisigField] = owner;
            info['signers'] = accounts.slice(lastNonSigner + 1).flatMap((i) => (keys[i] === undefined ? [] : [keys[i]]));
        } else if (owner !== undefined) {
            info[ownerField] = owner;
        }
        return info;
    };
    switch (tag) {
        case 0:
        case 20: {
            const decimals = r.u8();
            const mintAuthority = r.pubkey();
            const freezeAuthority = r.optionalPubkey();
            need(tag === 0 ? 2 : 1);
            const info: Record<string, unknown> = { mint: at(0), decimals, mintAuthority };
            if (tag === 0) info['rentSysvar'] = at(1);
            if (freezeAuthority !== null) info['freezeAuthority'] = freezeAuthority;
            return { type: tag === 0 ? 'initializeMint' : 'initializeMint2', info };
        }
        case 1:
            need(4);
            return { type: 'initializeAccount', info: { account: at(0), mint: at(1), owner: at(2), rentSysvar: at(3) } };
        case 16: {
            const owner = r.pubkey();
            need(3);
            return { type: 'initializeAccount2', info: { account: at(0), mint: at(1), owner, rentSysvar: at(2) } };
        }
        case 18: {
            const owner = r.pubkey();
            need(2);
            return { type: 'initializeAccount3', info: { account: at(0), mint: at(1), owner } };
        }
        case 2:
        case 19: {
            const m = r.u8();
            const first = tag === 2 ? 2 : 1;
            need(first + 1);
            const info: Record<string, unknown> = { multisig: at(0) };
            if (tag === 2) info['rentSysvar'] = at(1);
            info['signers'] = accounts.slice(first).flatMap((i) => (keys[i] === undefined ? [] : [keys[i]]));
            info['m'] = m;
            return { type: tag === 2 ? 'initializeMultisig' : 'initializeMultisig2', info };
        }
        case 3:
            return amountInstruction('transfer', r, need, { source: at, destination: at }, (info) => signers(info, 2, 'authority', 'multisigAuthority'));
        case 4:
            return amountInstruction('approve', r, need, { source: at, delegate: at }, (info) => signers(info, 2, 'owner', 'multisigOwner'));
        case 7:
            return amountInstruction('mintTo', r, need, { mint: at, account: at }, (info) => signers(info, 2, 'mintAuthority', 'multisigMintAuthority'));
        case 8:
            return amountInstruction('burn', r, need, { account: at, mint: at }, (info) => signers(info, 2, 'authority', 'multisigAuthority'));
        case 5:
            need(2);
            return { type: 'revoke', info: signers({ source: at(0) }, 1, 'owner', 'multisigOwner') };
        case 6: {
            const authorityType = AUTHORITY_TYPES[r.u8()];
            if (authorityType === undefined) throw new NotParsableError();
            const newAuthority = r.optionalPubkey();
            need(2);
            const owned = authorityType === 'accountOwner' || authorityType === 'closeAccount' ? 'account' : 'mint';
            return { type: 'setAuthority', info: signers({ [owned]: at(0), authorityType, newAuthority }, 1, 'authority', 'multisigAuthority') };
        }
        case 9:
            need(3);
            return { type: 'closeAccount', info: signers({ account: at(0), destination: at(1) }, 2, 'owner', 'multisigOwner') };
        case 10:
        case 11:
            need(3);
            return {
                type: tag === 10 ? 'freezeAccount' : 'thawAccount',
                info: signers({ account: at(0), mint: at(1) }, 2, 'freezeAuthority', 'multisigFreezeAuthority'),
            };
        case 12:
            return checkedInstruction('transferChecked', r, need, 4, ['source', 'mint', 'destination'], at, (info) => signers(info, 3, 'authority', 'multisigAuthority'));
        case 13:
            return checkedInstruction('approveChecked', r, need, 4, ['source', 'mint', 'delegate'], at, (info) => signers(info, 3, 'owner', 'multisigOwner'));
        case 14:
            return checkedInstruction('mintToChecked', r, need, 3, ['mint', 'account'], at, (info) => signers(info, 2, 'mintAuthority', 'multisigMintAuthority'));
        case 15:
            return checkedInstruction('burnChecked', r, need, 3, ['account', 'mint'], at, (info) => signers(info, 2, 'authority', 'multisigAuthority'));
        case 17:
            need(1);
            return { type: 'syncNative', info: { account: at(0) } };
        case 21: {
            const extensionTypes: string[] = [];
            while (r.remaining > 0) {
                if (r.remaining < 2) throw new NotParsableError();
                const name = EXTENSION_TYPES[r.u16()];
                if (name === undefined) throw new NotParsableError();
                extensionTypes.push(name);
            }
            need(1);
            const info: Record<string, unknown> = { mint: at(0) };
            if (extensionTypes.length > 0) info['extensionTypes'] = extensionTypes;
            return { type: 'getAccountDataSize', info };
        }
        case 22:
            need(1);
            return { type: 'initializeImmutableOwner', info: { account: at(0) } };
        case 23: {
            const amount = r.u64();
            need(1);
            return { type: 'amountToUiAmount', info: { mint: at(0), amount: amount.toString() } };
        }
        case 24: {
            const uiAmount = r.restAsUtf8();
            need(1);
            return { type: 'uiAmountToAmount', info: { mint: at(0), uiAmount } };
        }
        default:
            throw new NotParsableError();
    }
}

/** `transfer`, `approve`, `mintTo`, `burn`: a u64 amount (as a string) and two accounts. */
function amountInstruction(
    type: string,
    r: ByteReader,
    need: (count: number) => void,
    fields: Record<string, (position: number) => Address>,
    withSigners: (info: Record<string, unknown>) => Record<string, unknown>,
): ParsedInstructionJson {
    const amount = r.u64();
    need(3);
    const info: Record<string, unknown> = {};
    Object.entries(fields).forEach(([name, at], position) => (info[name] = at(position)));
    info['amount'] = amount.toString();
    return { type, info: withSigners(info) };
}

/** The `...Checked` variants: amount and decimals, written as a `tokenAmount`. */
function checkedInstruction(
    type: string,
    r: ByteReader,
    need: (count: number) => void,
    count: number,
    names: readonly string[],
    at: (position: number) => Address,
    withSigners: (info: Record<string, unknown>) => Record<string, unknown>,
): ParsedInstructionJson {
    const amount = r.u64();
    const decimals = r.u8();
    need(count);
    const info: Record<string, unknown> = {};
    names.forEach((name, position) => (info[name] = at(position)));
    info['tokenAmount'] = toUiTokenAmount(amount, decimals);
    return { type, info: withSigners(info) };
}
