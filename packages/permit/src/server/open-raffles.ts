/**
 * Counting an organizer's open raffles on-chain, for the `maxOpenRaffles` tier limit.
 *
 * `@raffle/permit` sits below `@raffle/client` and cannot use its generated codecs, so the few
 * `Raffle` account offsets needed here are written out; a test checks them against the
 * client's codec generated from the IDL.
 *
 * @packageDocumentation
 */
import { type Address, type GetProgramAccountsApi, type Rpc, createSolanaRpc, getBase58Decoder } from '@solana/kit';

/** `sha256("account:Raffle")[..8]`. */
const RAFFLE_DISCRIMINATOR = /* @__PURE__ */ new Uint8Array([143, 133, 63, 173, 138, 10, 142, 200]);
/**
 * Size of a `Raffle` account.
 *
 * @example
 * ```ts
 * const filter = { memcmp: { offset: BigInt(RAFFLE_ACCOUNT_SIZE), bytes, encoding: 'base58' } };
 * ```
 */
export const RAFFLE_ACCOUNT_SIZE = 260;
/**
 * Offset of `organizer` (after the discriminator).
 *
 * @example
 * ```ts
 * const filter = { memcmp: { offset: BigInt(RAFFLE_ORGANIZER_OFFSET), bytes, encoding: 'base58' } };
 * ```
 */
export const RAFFLE_ORGANIZER_OFFSET = 8;
/**
 * Offset of `status` (`RaffleStatus`, u8; `Open` = 0).
 *
 * @example
 * ```ts
 * const filter = { memcmp: { offset: BigInt(RAFFLE_STATUS_OFFSET), bytes, encoding: 'base58' } };
 * ```
 */
export const RAFFLE_STATUS_OFFSET = 170;

/**
 * Options of {@link createOpenRaffleCounter}.
 *
 * @example
 * ```ts
 * const options: OpenRaffleCounterOptions = { rpc: process.env.SOLANA_RPC_URL!, programId };
 * ```
 */
export interface OpenRaffleCounterOptions {
    /** A kit RPC client with `getProgramAccounts`, or an RPC URL. */
    readonly rpc: Rpc<GetProgramAccountsApi> | string;
    /** The rwa_raffle program. */
    readonly programId: Address;
    /** Default `confirmed`. */
    readonly commitment?: 'processed' | 'confirmed' | 'finalized';
}

/**
 * Creates the `openRaffles` counter of the permit issuer: how many of an organizer's raffles
 * are in status `Open`, read with one `getProgramAccounts` (filters: account size,
 * discriminator, organizer, status; no data returned). With it, the tier's `maxOpenRaffles`
 * is enforced.
 *
 * `getProgramAccounts` is expensive on public RPC nodes: use a node that indexes program
 * accounts, or your own indexer, for busy servers.
 *
 * @param options - RPC and program
 * @returns `(organizer) => Promise<number>`
 * @example
 * ```ts
 * const handler = createPermitHandler({
 *     ...options,
 *     openRaffles: createOpenRaffleCounter({ rpc: process.env.SOLANA_RPC_URL!, programId }),
 * });
 * ```
 */
export function createOpenRaffleCounter(options: OpenRaffleCounterOptions): (organizer: Address) => Promise<number> {
    const rpc: Rpc<GetProgramAccountsApi> = typeof options.rpc === 'string' ? createSolanaRpc(options.rpc) : options.rpc;
    const base58 = getBase58Decoder();
    const discriminator = base58.decode(RAFFLE_DISCRIMINATOR);
    const open = base58.decode(new Uint8Array([0]));
    return async organizer => {
        const accounts = await rpc
            .getProgramAccounts(options.programId, {
                commitment: options.commitment ?? 'confirmed',
                encoding: 'base64',
                dataSlice: { offset: 0, length: 0 },
                filters: [
                    { dataSize: BigInt(RAFFLE_ACCOUNT_SIZE) },
                    { memcmp: { offset: 0n, bytes: discriminator as never, encoding: 'base58' } },
                    { memcmp: { offset: BigInt(RAFFLE_ORGANIZER_OFFSET), bytes: organizer as never, encoding: 'base58' } },
                    { memcmp: { offset: BigInt(RAFFLE_STATUS_OFFSET), bytes: open as never, encoding: 'base58' } },
                ],
            })
            .send();
        return accounts.length;
    };
}
