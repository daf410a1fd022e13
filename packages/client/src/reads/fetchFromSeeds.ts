/**
 * Fetchers that derive the address from the seeds: `fetch[Maybe]ConfigFromSeeds`,
 * `fetch[Maybe]RaffleFromSeeds`, `fetch[Maybe]EntryFromSeeds` (the generated `fetchConfig`,
 * `fetchRaffle`, `fetchEntry` take the address).
 *
 * @packageDocumentation
 */
import type { Account, Address, FetchAccountConfig, GetAccountInfoApi, MaybeAccount, Rpc } from '@solana/kit';

import {
    type Config,
    type Entry,
    fetchConfig,
    fetchEntry,
    fetchMaybeConfig,
    fetchMaybeEntry,
    fetchMaybeRaffle,
    fetchRaffle,
    type Raffle,
} from '../generated/accounts';
import { findConfigPda, findEntryPda, findRafflePda } from '../generated/pdas';
import type { RaffleProgramConfig } from '../pdas';

/**
 * Options of the `*FromSeeds` fetchers: the program deployment and kit's fetch options.
 *
 * @example
 * ```ts
 * const options: FetchFromSeedsConfig = { commitment: 'confirmed' };
 * ```
 */
export type FetchFromSeedsConfig = FetchAccountConfig & RaffleProgramConfig;

function split(config: FetchFromSeedsConfig): [RaffleProgramConfig, FetchAccountConfig] {
    const { programAddress, ...fetchConfigOptions } = config;
    return [{ programAddress }, fetchConfigOptions];
}

/**
 * Fetches the program's config from its PDA `["config"]`.
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param config - program address and fetch options
 * @returns the decoded config account
 * @throws kit's `SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND` when the config is not initialized
 * @example
 * ```ts
 * const config = await fetchConfigFromSeeds(rpc);
 * console.log(config.data.feeBps, config.data.paused);
 * ```
 */
export async function fetchConfigFromSeeds(rpc: Rpc<GetAccountInfoApi>, config: FetchFromSeedsConfig = {}): Promise<Account<Config>> {
    const [program, options] = split(config);
    const [address] = await findConfigPda(program);
    return await fetchConfig(rpc, address, options);
}

/**
 * Fetches the program's config from its PDA, or reports that it does not exist yet.
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param config - program address and fetch options
 * @returns the config account, with `exists: false` before `initialize_config`
 * @example
 * ```ts
 * const config = await fetchMaybeConfigFromSeeds(rpc);
 * if (!config.exists) await sendAndConfirm(await initializeConfigTx(params), { feePayer: admin });
 * ```
 */
export async function fetchMaybeConfigFromSeeds(rpc: Rpc<GetAccountInfoApi>, config: FetchFromSeedsConfig = {}): Promise<MaybeAccount<Config>> {
    const [program, options] = split(config);
    const [address] = await findConfigPda(program);
    return await fetchMaybeConfig(rpc, address, options);
}

/**
 * Fetches a raffle from its seeds `["raffle", organizer, raffle_id u64 LE]`.
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param seeds - organizer and raffle id
 * @param config - program address and fetch options
 * @returns the decoded raffle account
 * @throws kit's `SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND` when it does not exist
 * @example
 * ```ts
 * const raffle = await fetchRaffleFromSeeds(rpc, { organizer, raffleId: 7n });
 * ```
 */
export async function fetchRaffleFromSeeds(
    rpc: Rpc<GetAccountInfoApi>,
    seeds: { readonly organizer: Address; readonly raffleId: number | bigint },
    config: FetchFromSeedsConfig = {},
): Promise<Account<Raffle>> {
    const [program, options] = split(config);
    const [address] = await findRafflePda({ organizer: seeds.organizer, raffleId: seeds.raffleId }, program);
    return await fetchRaffle(rpc, address, options);
}

/**
 * Fetches a raffle from its seeds, or reports that it does not exist (e.g. the permit's
 * raffle id is still unused).
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param seeds - organizer and raffle id
 * @param config - program address and fetch options
 * @returns the raffle account, with `exists: false` when absent
 * @example
 * ```ts
 * const raffle = await fetchMaybeRaffleFromSeeds(rpc, { organizer, raffleId: 7n });
 * if (raffle.exists) console.log('already created');
 * ```
 */
export async function fetchMaybeRaffleFromSeeds(
    rpc: Rpc<GetAccountInfoApi>,
    seeds: { readonly organizer: Address; readonly raffleId: number | bigint },
    config: FetchFromSeedsConfig = {},
): Promise<MaybeAccount<Raffle>> {
    const [program, options] = split(config);
    const [address] = await findRafflePda({ organizer: seeds.organizer, raffleId: seeds.raffleId }, program);
    return await fetchMaybeRaffle(rpc, address, options);
}

/**
 * Fetches one entry of a raffle from its seeds `["entry", raffle, index u32 LE]`.
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param seeds - raffle and entry index
 * @param config - program address and fetch options
 * @returns the decoded entry account
 * @throws kit's `SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND` when it does not exist
 * @example
 * ```ts
 * const first = await fetchEntryFromSeeds(rpc, { raffle, index: 0 });
 * ```
 */
export async function fetchEntryFromSeeds(
    rpc: Rpc<GetAccountInfoApi>,
    seeds: { readonly raffle: Address; readonly index: number },
    config: FetchFromSeedsConfig = {},
): Promise<Account<Entry>> {
    const [program, options] = split(config);
    const [address] = await findEntryPda({ raffle: seeds.raffle, index: seeds.index }, program);
    return await fetchEntry(rpc, address, options);
}

/**
 * Fetches one entry of a raffle from its seeds, or reports that it does not exist.
 *
 * @param rpc - any RPC with `getAccountInfo`
 * @param seeds - raffle and entry index
 * @param config - program address and fetch options
 * @returns the entry account, with `exists: false` when absent
 * @example
 * ```ts
 * const next = await fetchMaybeEntryFromSeeds(rpc, { raffle, index: raffleAccount.data.entriesCount });
 * ```
 */
export async function fetchMaybeEntryFromSeeds(
    rpc: Rpc<GetAccountInfoApi>,
    seeds: { readonly raffle: Address; readonly index: number },
    config: FetchFromSeedsConfig = {},
): Promise<MaybeAccount<Entry>> {
    const [program, options] = split(config);
    const [address] = await findEntryPda({ raffle: seeds.raffle, index: seeds.index }, program);
    return await fetchMaybeEntry(rpc, address, options);
}
