/**
 * The accounts of a transaction: its full key list (static keys, then the keys its address
 * lookup tables load), their writability, and what the ledger records about them around an
 * execution (balances, token balances, pre-images of writable accounts).
 */
import { type Address, type EncodedAccount, getAddressDecoder } from '@solana/kit';

import type { SvmAccess } from './access';
import {
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    SYSTEM_PROGRAM_ADDRESS,
} from './addresses';
import type { TokenBalance } from './ledger-types';
import { parseMint, parseTokenAccount, toUiTokenAmount } from './token';
import type { ParsedWireTransaction } from './wire';

const SYSVAR_PREFIX = 'Sysvar';
const LOOKUP_TABLE_META_SIZE = 56;

/**
 * The native programs (no BPF account data worth reading for balances).
 *
 * @example
 * ```ts
 * NATIVE_PROGRAMS.has(SYSTEM_PROGRAM_ADDRESS); // true
 * ```
 */
export const NATIVE_PROGRAMS: ReadonlySet<string> = new Set<string>([
    SYSTEM_PROGRAM_ADDRESS,
    COMPUTE_BUDGET_PROGRAM_ADDRESS,
    ED25519_PROGRAM_ADDRESS,
    SECP256K1_PROGRAM_ADDRESS,
    SECP256R1_PROGRAM_ADDRESS,
    ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
]);

/**
 * The full key list of a transaction and which keys are writable.
 *
 * @example
 * ```ts
 * const { accountKeys, writable, loaded }: ResolvedAccountKeys = resolveAccountKeys(access, parsed);
 * ```
 */
export interface ResolvedAccountKeys {
    /** Static keys, then loaded writable, then loaded readonly. */
    accountKeys: Address[];
    writable: boolean[];
    loaded: { writable: Address[]; readonly: Address[] };
}

/**
 * Balances and account images taken before an execution.
 *
 * @example
 * ```ts
 * const pre: PreExecutionCapture = captureAccounts(access, keys.accountKeys, keys.writable, parsed);
 * ```
 */
export interface PreExecutionCapture {
    balances: bigint[];
    tokenBalances: TokenBalance[];
    /** The writable accounts (`null`: did not exist). */
    images: Map<Address, EncodedAccount | null>;
    /** Every account by index (`null`: missing, or a program/sysvar not read). */
    readonlyAccounts: (EncodedAccount | null)[];
}

/**
 * The full account key list of a transaction (static keys, then the keys its address lookup
 * tables load) and which of them are writable. Missing tables and indexes load nothing.
 *
 * @param access - reads of the current state
 * @param parsed - the parsed transaction
 * @returns keys, writability and loaded addresses
 * @example
 * ```ts
 * const { accountKeys } = resolveAccountKeys(core.access, parsed);
 * ```
 */
export function resolveAccountKeys(access: SvmAccess, parsed: ParsedWireTransaction): ResolvedAccountKeys {
    const { header, staticAccountKeys } = parsed;
    const n = staticAccountKeys.length;
    const writable = staticAccountKeys.map((_, i) =>
        i < header.numRequiredSignatures ? i < header.numRequiredSignatures - header.numReadonlySignedAccounts : i < n - header.numReadonlyUnsignedAccounts,
    );
    const loaded = { writable: [] as Address[], readonly: [] as Address[] };
    for (const lookup of parsed.addressTableLookups) {
        const table = access.getAccount(lookup.accountKey);
        if (!table) continue;
        const addresses = table.data.subarray(LOOKUP_TABLE_META_SIZE);
        const at = (i: number): Address | undefined =>
            (i + 1) * 32 <= addresses.length ? getAddressDecoder().decode(addresses.subarray(i * 32, i * 32 + 32)) : undefined;
        for (const i of lookup.writableIndexes) {
            const a = at(i);
            if (a) loaded.writable.push(a);
        }
        for (const i of lookup.readonlyIndexes) {
            const a = at(i);
            if (a) loaded.readonly.push(a);
        }
    }
    return {
        accountKeys: [...staticAccountKeys, ...loaded.writable, ...loaded.readonly],
        writable: [...writable, ...loaded.writable.map(() => true), ...loaded.readonly.map(() => false)],
        loaded,
    };
}

/**
 * Reads the accounts of a transaction before it runs: balances, token balances, and the
 * pre-images of the writable ones (programs and sysvars it only reads are not loaded).
 *
 * @param access - reads of the current state
 * @param keys - the full key list
 * @param writable - writability by index
 * @param parsed - the transaction (for its invoked programs)
 * @returns what to record and to undo with
 * @example
 * ```ts
 * const pre = captureAccounts(core.access, keys.accountKeys, keys.writable, parsed);
 * ```
 */
export function captureAccounts(
    access: SvmAccess,
    keys: readonly Address[],
    writable: readonly boolean[],
    parsed: ParsedWireTransaction,
): PreExecutionCapture {
    const programs = new Set(parsed.instructions.map((ix) => parsed.staticAccountKeys[ix.programIdIndex]));
    const balances: bigint[] = [];
    const images = new Map<Address, EncodedAccount | null>();
    const accounts: (EncodedAccount | null)[] = [];
    keys.forEach((address, i) => {
        if (!writable[i] && (programs.has(address) || NATIVE_PROGRAMS.has(address) || address.startsWith(SYSVAR_PREFIX))) {
            balances.push(access.getBalance(address));
            accounts.push(null);
            return;
        }
        const value = access.getAccount(address);
        balances.push(value ? BigInt(value.lamports) : 0n);
        accounts.push(value);
        if (writable[i]) images.set(address, value);
    });
    return { balances, tokenBalances: tokenBalances(access, accounts), images, readonlyAccounts: accounts };
}

/**
 * Reads the balances and token balances after a transaction ran (readonly accounts cannot
 * have changed and are taken from the pre-execution capture).
 *
 * @param access - reads of the current state
 * @param keys - the full key list
 * @param writable - writability by index
 * @param pre - the capture taken before the execution
 * @returns balances and token balances
 * @example
 * ```ts
 * const post = capturePost(core.access, keys.accountKeys, keys.writable, pre);
 * ```
 */
export function capturePost(
    access: SvmAccess,
    keys: readonly Address[],
    writable: readonly boolean[],
    pre: Pick<PreExecutionCapture, 'balances' | 'readonlyAccounts'>,
): { balances: bigint[]; tokenBalances: TokenBalance[] } {
    const balances: bigint[] = [];
    const accounts: (EncodedAccount | null)[] = [];
    keys.forEach((address, i) => {
        if (!writable[i]) {
            balances.push(pre.balances[i]!);
            accounts.push(pre.readonlyAccounts[i] ?? null);
            return;
        }
        const value = access.getAccount(address);
        balances.push(value ? BigInt(value.lamports) : 0n);
        accounts.push(value);
    });
    return { balances, tokenBalances: tokenBalances(access, accounts) };
}

/**
 * Token balances of a list of accounts (one entry per initialized token account).
 *
 * @param access - reads of the current state (for the mints' decimals)
 * @param accounts - accounts by account index (`null`: missing or not read)
 * @returns the balances
 * @example
 * ```ts
 * const balances = tokenBalances(core.access, [tokenAccount, null]);
 * ```
 */
export function tokenBalances(access: SvmAccess, accounts: readonly (EncodedAccount | null)[]): TokenBalance[] {
    const out: TokenBalance[] = [];
    accounts.forEach((account, accountIndex) => {
        if (!account) return;
        const token = parseTokenAccount(account.programAddress, account.data);
        if (!token) return;
        const mintAccount = access.getAccount(token.mint);
        const mint = mintAccount ? parseMint(mintAccount.programAddress, mintAccount.data) : null;
        out.push({
            accountIndex,
            mint: token.mint,
            owner: token.owner,
            programId: account.programAddress,
            uiTokenAmount: toUiTokenAmount(token.amount, mint?.decimals ?? 0),
        });
    });
    return out;
}
