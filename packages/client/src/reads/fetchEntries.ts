/**
 * `fetchEntries`: every entry of a raffle in one `getProgramAccounts` call.
 *
 * @packageDocumentation
 */
import {
    type Account,
    type Address,
    type Base58EncodedBytes,
    type Commitment,
    getBase58Decoder,
    type GetProgramAccountsApi,
    parseBase64RpcAccount,
    type Rpc,
    type Slot,
} from '@solana/kit';

import { decodeEntry, type Entry, ENTRY_DISCRIMINATOR, getEntrySize } from '../generated/accounts';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../generated/programs';
import { assertAddress, assertOptionalAddress } from '../internal/validate';
import type { RaffleProgramConfig } from '../pdas';

/**
 * Byte offset of `Entry.raffle` (after the 8-byte discriminator), for your own memcmp filters.
 *
 * @example
 * ```ts
 * const filter = { memcmp: { offset: ENTRY_RAFFLE_OFFSET, bytes: raffle as string as Base58EncodedBytes, encoding: 'base58' } };
 * ```
 */
export const ENTRY_RAFFLE_OFFSET = 8n;
/**
 * Byte offset of `Entry.buyer`, for your own memcmp filters (e.g. a `programNotifications`
 * subscription to one buyer's entries).
 *
 * @example
 * ```ts
 * const filter = { memcmp: { offset: ENTRY_BUYER_OFFSET, bytes: wallet as string as Base58EncodedBytes, encoding: 'base58' } };
 * ```
 */
export const ENTRY_BUYER_OFFSET = 40n;

/**
 * Options of {@link fetchEntries}.
 *
 * @example
 * ```ts
 * const options: FetchEntriesConfig = { buyer: wallet.address, commitment: 'confirmed' };
 * ```
 */
export interface FetchEntriesConfig extends RaffleProgramConfig {
    /** Only this buyer's entries. */
    readonly buyer?: Address;
    /** Commitment of the read; default `confirmed`. */
    readonly commitment?: Commitment;
    /** Fail unless the node has reached this slot (read-your-writes after a send). */
    readonly minContextSlot?: Slot;
    /** Cancels the request. */
    readonly abortSignal?: AbortSignal;
}

/**
 * Fetches every entry of a raffle (optionally of one buyer) with one `getProgramAccounts`
 * call filtered by data size (`Entry` is 95 bytes), the `Entry` discriminator and the raffle
 * address (memcmp at offset 8), and the buyer (offset 40). Entries come sorted by index.
 *
 * Some RPC providers restrict `getProgramAccounts`; `findWinningEntry` does not need it.
 *
 * @param rpc - an RPC with `getProgramAccounts`
 * @param raffle - the raffle address
 * @param config - buyer filter, program address, commitment
 * @returns the decoded entries, by index
 * @example
 * ```ts
 * const entries = await fetchEntries(rpc, raffle);
 * const mine = await fetchEntries(rpc, raffle, { buyer: wallet.address });
 * const myTickets = mine.reduce((n, e) => n + e.data.ticketCount, 0);
 * ```
 */
export async function fetchEntries(
    rpc: Rpc<GetProgramAccountsApi>,
    raffle: Address,
    config: FetchEntriesConfig = {},
): Promise<Account<Entry>[]> {
    assertAddress('raffle', raffle);
    assertOptionalAddress('buyer', config.buyer);
    if (config.programAddress !== undefined) assertAddress('programAddress', config.programAddress);
    const base58 = getBase58Decoder();
    const filters = [
        { dataSize: BigInt(getEntrySize()) },
        { memcmp: { offset: 0n, bytes: base58.decode(ENTRY_DISCRIMINATOR) as Base58EncodedBytes, encoding: 'base58' as const } },
        { memcmp: { offset: ENTRY_RAFFLE_OFFSET, bytes: raffle as string as Base58EncodedBytes, encoding: 'base58' as const } },
        ...(config.buyer === undefined
            ? []
            : [{ memcmp: { offset: ENTRY_BUYER_OFFSET, bytes: config.buyer as string as Base58EncodedBytes, encoding: 'base58' as const } }]),
    ];
    const accounts = await rpc
        .getProgramAccounts(config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS, {
            encoding: 'base64',
            filters,
            commitment: config.commitment ?? 'confirmed',
            ...(config.minContextSlot === undefined ? {} : { minContextSlot: config.minContextSlot }),
        })
        .send(config.abortSignal === undefined ? undefined : { abortSignal: config.abortSignal });
    return accounts
        .map(({ pubkey, account }) => decodeEntry(parseBase64RpcAccount(pubkey, account)))
        .sort((a, b) => a.data.index - b.data.index);
}
