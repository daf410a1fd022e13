/**
 * Chain reads of the automations, each checked as hostile input: an account counts as a raffle
 * (or an entry) only when the program owns it and it has the account's exact size and
 * discriminator. Events only say where to look; what to do is decided from these reads.
 *
 * @packageDocumentation
 */
import {
    type Config,
    CONFIG_DISCRIMINATOR,
    decodeConfig,
    decodeEntry,
    decodeRaffle,
    type Entry,
    ENTRY_DISCRIMINATOR,
    findConfigPda,
    getConfigSize,
    getEntrySize,
    getRaffleSize,
    type Raffle,
    RAFFLE_DISCRIMINATOR,
} from '@raffle/client';
import {
    type Account,
    type Address,
    type Base58EncodedBytes,
    type EncodedAccount,
    fetchEncodedAccount,
    fetchEncodedAccounts,
    getBase58Decoder,
    getBase64Encoder,
    type ReadonlyUint8Array,
} from '@solana/kit';

import type { AutomationRpc } from './context';

function hasPrefix(data: ReadonlyUint8Array, prefix: ReadonlyUint8Array): boolean {
    if (data.length < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
    return true;
}

/** Whether `account` is a raffle of `programAddress`. @internal */
export function isRaffleAccount(account: EncodedAccount, programAddress: Address): boolean {
    return account.programAddress === programAddress && account.data.length === getRaffleSize() && hasPrefix(account.data, RAFFLE_DISCRIMINATOR);
}

/** Whether `account` is an entry of `programAddress`. @internal */
export function isEntryAccount(account: EncodedAccount, programAddress: Address): boolean {
    return account.programAddress === programAddress && account.data.length === getEntrySize() && hasPrefix(account.data, ENTRY_DISCRIMINATOR);
}

/**
 * Reads a raffle at `confirmed`; null when nothing at the address is a raffle of the program.
 *
 * @internal
 */
export async function readRaffle(rpc: AutomationRpc, programAddress: Address, raffle: Address): Promise<Account<Raffle> | null> {
    const account = await fetchEncodedAccount(rpc, raffle, { commitment: 'confirmed' });
    if (!account.exists || !isRaffleAccount(account, programAddress)) return null;
    return decodeRaffle(account);
}

/**
 * Reads entries by address at `confirmed` (100 per call); null for anything that is not an
 * entry of the program.
 *
 * @internal
 */
export async function readEntries(rpc: AutomationRpc, programAddress: Address, entries: readonly Address[]): Promise<(Account<Entry> | null)[]> {
    const out: (Account<Entry> | null)[] = [];
    for (let at = 0; at < entries.length; at += 100) {
        const accounts = await fetchEncodedAccounts(rpc, entries.slice(at, at + 100), { commitment: 'confirmed' });
        for (const account of accounts) out.push(account.exists && isEntryAccount(account, programAddress) ? decodeEntry(account) : null);
    }
    return out;
}

/**
 * Reads the program's config at `confirmed`.
 *
 * @internal
 */
export async function readConfig(rpc: AutomationRpc, programAddress: Address): Promise<Account<Config>> {
    const [address] = await findConfigPda({ programAddress });
    const account = await fetchEncodedAccount(rpc, address, { commitment: 'confirmed' });
    if (!account.exists || account.programAddress !== programAddress || account.data.length !== getConfigSize() || !hasPrefix(account.data, CONFIG_DISCRIMINATOR)) {
        throw new Error(`the config of program ${programAddress} (${address}) does not exist or is not a config account`);
    }
    return decodeConfig(account);
}

/**
 * Every raffle of the program (one `getProgramAccounts` call, filtered by size and
 * discriminator), at `confirmed`.
 *
 * @internal
 */
export async function listRaffles(rpc: AutomationRpc, programAddress: Address): Promise<Account<Raffle>[]> {
    const accounts = await rpc
        .getProgramAccounts(programAddress, {
            encoding: 'base64',
            commitment: 'confirmed',
            filters: [
                { dataSize: BigInt(getRaffleSize()) },
                { memcmp: { offset: 0n, bytes: getBase58Decoder().decode(RAFFLE_DISCRIMINATOR) as Base58EncodedBytes, encoding: 'base58' } },
            ],
        })
        .send();
    const base64 = getBase64Encoder();
    const raffles: Account<Raffle>[] = [];
    for (const { pubkey, account } of accounts) {
        const data = base64.encode(account.data[0]);
        const encoded: EncodedAccount = {
            address: pubkey,
            data,
            executable: account.executable,
            lamports: account.lamports,
            programAddress: account.owner,
            space: account.space ?? BigInt(data.length),
        };
        if (isRaffleAccount(encoded, programAddress)) raffles.push(decodeRaffle(encoded));
    }
    return raffles;
}
