/**
 * Address derivation beyond the generated `find*Pda` helpers: every address of a raffle at
 * once, the program's ProgramData account, and associated token accounts.
 *
 * @packageDocumentation
 */
import { findAssociatedTokenPda, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { type Address, address, getAddressEncoder, getProgramDerivedAddress, type ProgramDerivedAddress } from '@solana/kit';

import { findConfigPda, findEntryPda, findPaymentVaultPda, findPrizeVaultPda, findRafflePda } from './generated/pdas';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from './generated/programs';

/**
 * The all-zero address (`11111111111111111111111111111111`, the System Program's id). In the
 * config it means "unset": an unset permit signer accepts nothing, an unset
 * `settleAuthority` disables `settle_draw`, an unset `mrftMint` disables `join_with_ticket`.
 *
 * @example
 * ```ts
 * const vouchersEnabled = config.data.mrftMint !== RAFFLE_UNSET_ADDRESS;
 * ```
 */
export const RAFFLE_UNSET_ADDRESS = /* @__PURE__ */ address('11111111111111111111111111111111');

/**
 * The BPF upgradeable loader, owner of the program's ProgramData account.
 *
 * @example
 * ```ts
 * const [programData] = await getProgramDerivedAddress({
 *     programAddress: BPF_LOADER_UPGRADEABLE_ADDRESS,
 *     seeds: [getAddressEncoder().encode(RWA_RAFFLE_PROGRAM_ADDRESS)],
 * });
 * ```
 */
export const BPF_LOADER_UPGRADEABLE_ADDRESS = /* @__PURE__ */ address('BPFLoaderUpgradeab1e11111111111111111111111');

/**
 * Options of the derivation helpers: which deployment of the program.
 *
 * @example
 * ```ts
 * const config: RaffleProgramConfig = { programAddress: address('MyDevnetRaff1e1111111111111111111111111111') };
 * ```
 */
export interface RaffleProgramConfig {
    /** The program id; default {@link RWA_RAFFLE_PROGRAM_ADDRESS}. */
    readonly programAddress?: Address;
}

/**
 * Derives the program's ProgramData account under the upgradeable loader, which
 * `initialize_config` reads to check the upgrade authority.
 *
 * @param config - `programAddress` of the deployment
 * @returns the ProgramData PDA and its bump
 * @example
 * ```ts
 * const [programData] = await findProgramDataPda();
 * ```
 */
export async function findProgramDataPda(config: RaffleProgramConfig = {}): Promise<ProgramDerivedAddress> {
    return await getProgramDerivedAddress({
        programAddress: BPF_LOADER_UPGRADEABLE_ADDRESS,
        seeds: [getAddressEncoder().encode(config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS)],
    });
}

/**
 * Every account address of one raffle.
 *
 * @example
 * ```ts
 * const { raffle, prizeVault, paymentVault }: RaffleAddresses = await findRaffleAddresses({ organizer, raffleId: 7n });
 * ```
 */
export interface RaffleAddresses {
    /** The program's Config PDA. */
    readonly config: Address;
    /** The raffle PDA `["raffle", organizer, raffle_id u64 LE]`. */
    readonly raffle: Address;
    /** The prize vault PDA `["prize_vault", raffle]`. */
    readonly prizeVault: Address;
    /** The payment vault PDA `["payment_vault", raffle]`. */
    readonly paymentVault: Address;
}

/**
 * Derives the raffle, its two vaults and the config from the raffle's seeds.
 *
 * @param seeds - the organizer and the organizer-scoped raffle id
 * @param config - `programAddress` of the deployment
 * @returns the addresses
 * @example
 * ```ts
 * const { raffle } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 7n });
 * const account = await fetchRaffle(rpc, raffle);
 * ```
 */
export async function findRaffleAddresses(
    seeds: { readonly organizer: Address; readonly raffleId: number | bigint },
    config: RaffleProgramConfig = {},
): Promise<RaffleAddresses> {
    const programAddress = config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
    const [[configPda], [raffle]] = await Promise.all([
        findConfigPda({ programAddress }),
        findRafflePda({ organizer: seeds.organizer, raffleId: seeds.raffleId }, { programAddress }),
    ]);
    const [[prizeVault], [paymentVault]] = await Promise.all([
        findPrizeVaultPda({ raffle }, { programAddress }),
        findPaymentVaultPda({ raffle }, { programAddress }),
    ]);
    return { config: configPda, raffle, prizeVault, paymentVault };
}

/**
 * Derives the entry addresses of a raffle for a range of indexes.
 *
 * @param raffle - the raffle address
 * @param indexes - entry indexes (`0 .. raffle.entriesCount - 1`)
 * @param config - `programAddress` of the deployment
 * @returns the entry addresses, in the order of `indexes`
 * @example
 * ```ts
 * const addresses = await findEntryAddresses(raffle, [0, 1, 2]);
 * ```
 */
export async function findEntryAddresses(raffle: Address, indexes: readonly number[], config: RaffleProgramConfig = {}): Promise<Address[]> {
    const programAddress = config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
    const pdas = await Promise.all(indexes.map(index => findEntryPda({ raffle, index }, { programAddress })));
    return pdas.map(([entry]) => entry);
}

/**
 * Derives the associated token account of `owner` for `mint` under SPL Token (classic), the
 * token program the raffle program uses.
 *
 * @param seeds - the wallet and the mint
 * @returns the associated token account address
 * @example
 * ```ts
 * const buyerPaymentAccount = await findAssociatedTokenAddress({ owner: buyer.address, mint: raffle.data.paymentMint });
 * ```
 */
export async function findAssociatedTokenAddress(seeds: { readonly owner: Address; readonly mint: Address }): Promise<Address> {
    const [ata] = await findAssociatedTokenPda({ owner: seeds.owner, mint: seeds.mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    return ata;
}
