/**
 * The loaded accounts data size of a transaction (`loadedAccountsDataSize` of a simulation), as
 * Agave 2.3's account loader counts it under SIMD-0186 (active on a test validator): 8,248 bytes
 * per address lookup table, then for each account of the transaction that exists before it runs
 * 64 bytes plus its data (the fee payer always; the instructions sysvar never), plus, for an
 * upgradeable program, its ProgramData account once when the transaction does not list it.
 */
import type { Address, EncodedAccount } from '@solana/kit';

import { BPF_LOADER_UPGRADEABLE_ADDRESS } from './addresses';
import { bytesToAddress } from './access';
import type { TransactionErrorJson } from './transaction-error';

const TRANSACTION_ACCOUNT_BASE_SIZE = 64;
const ADDRESS_LOOKUP_TABLE_BASE_SIZE = 8248;
const INSTRUCTIONS_SYSVAR = 'Sysvar1nstructions1111111111111111111111111';
/** `UpgradeableLoaderState::Program { programdata_address }`: u32 tag 2, then the address. */
const PROGRAM_STATE_TAG = 2;

/**
 * Counts the bytes a transaction loads.
 *
 * @internal
 * @param input - the account keys (static, then loaded), how many lookup tables it uses, and a
 *   reader of accounts as they are before the transaction
 * @returns the size in bytes
 * @example
 * ```ts
 * const size = loadedAccountsDataSize({ accountKeys, lookupTableCount: 0, getAccount: (a) => ledger.getAccount(a) });
 * ```
 */
export function loadedAccountsDataSize(input: {
    readonly accountKeys: readonly Address[];
    readonly lookupTableCount: number;
    readonly getAccount: (address: Address) => EncodedAccount | null;
}): number {
    let size = input.lookupTableCount * ADDRESS_LOOKUP_TABLE_BASE_SIZE;
    const listed = new Set<string>(input.accountKeys);
    const counted = new Set<string>();
    input.accountKeys.forEach((address, index) => {
        if (address === INSTRUCTIONS_SYSVAR) return;
        const account = input.getAccount(address);
        if (!account || (index > 0 && BigInt(account.lamports) === 0n)) return;
        size += TRANSACTION_ACCOUNT_BASE_SIZE + account.data.length;
        const programData = programDataAddress(account);
        if (programData === undefined || listed.has(programData) || counted.has(programData)) return;
        const data = input.getAccount(programData);
        if (!data) return;
        counted.add(programData);
        size += TRANSACTION_ACCOUNT_BASE_SIZE + data.data.length;
    });
    return size;
}

function programDataAddress(account: EncodedAccount): Address | undefined {
    if (account.programAddress !== BPF_LOADER_UPGRADEABLE_ADDRESS || account.data.length < 36) return undefined;
    const data = account.data as Uint8Array;
    const tag = data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24);
    return tag === PROGRAM_STATE_TAG ? bytesToAddress(data.subarray(4, 36)) : undefined;
}

/**
 * Whether a simulation result comes from a transaction that was loaded and executed (a node
 * reports the size of those only; one refused before loading reports 0).
 *
 * @internal
 * @param err - the simulation error
 * @returns true for success and for errors raised while executing
 * @example
 * ```ts
 * const size = wasExecuted(sim.err) ? loadedAccountsDataSize(...) : 0;
 * ```
 */
export function wasExecuted(err: TransactionErrorJson | null): boolean {
    if (err === null) return true;
    return typeof err === 'object' && ('InstructionError' in err || 'InsufficientFundsForRent' in err);
}
