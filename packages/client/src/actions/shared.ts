/**
 * What every transaction builder shares: the message type it returns, the compute budget
 * options, and how it resolves a raffle or the config given either an address or an
 * already-fetched account.
 *
 * @packageDocumentation
 */
import {
    type Account,
    type Address,
    type Commitment,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    fetchEncodedAccount,
    type GetAccountInfoApi,
    type Instruction,
    type ReadonlyUint8Array,
    type Rpc,
    setTransactionMessageComputeUnitLimit,
    setTransactionMessageComputeUnitPrice,
    type TransactionMessage,
} from '@solana/kit';

import { accountNotFound, inputInvalid } from '../errors/client-errors';
import {
    CONFIG_DISCRIMINATOR,
    type Config,
    decodeConfig,
    decodeRaffle,
    getConfigSize,
    getRaffleSize,
    RAFFLE_DISCRIMINATOR,
    type Raffle,
} from '../generated/accounts';
import { RaffleStatus } from '../generated/types';
import { findConfigPda } from '../generated/pdas';
import { RWA_RAFFLE_PROGRAM_ADDRESS } from '../generated/programs';
import type { RaffleProgramConfig } from '../pdas';
import { assertAddress, assertComputeBudget, assertObject, toBigIntInRange, U64_MAX } from '../internal/validate';

/**
 * What every builder returns: a version-0 transaction message holding the instructions,
 * without fee payer and lifetime. Set both (or hand it to
 * `sendAndConfirmRaffleTransactionFactory`, which sets the lifetime) and sign it.
 *
 * @example
 * ```ts
 * const message: RaffleTransactionMessage = await joinWithTokenTx({ rpc, buyer, raffle, ticketCount: 2 });
 * const signed = await signTransactionMessageWithSigners(
 *     pipe(
 *         message,
 *         m => setTransactionMessageFeePayerSigner(buyer, m),
 *         m => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
 *     ),
 * );
 * ```
 */
export type RaffleTransactionMessage = TransactionMessage & { readonly version: 0 };

/**
 * Options every builder accepts: the program deployment and the compute budget.
 *
 * @example
 * ```ts
 * const options: RaffleTransactionConfig = { computeUnitLimit: 120_000, computeUnitPrice: 5_000n };
 * ```
 */
export interface RaffleTransactionConfig extends RaffleProgramConfig {
    /** Compute unit limit of the transaction (1 to 1,400,000); the runtime default when omitted. */
    readonly computeUnitLimit?: number;
    /** Priority fee in micro-lamports per compute unit; none when omitted. */
    readonly computeUnitPrice?: bigint | number;
    /** Commitment of the accounts the builder fetches itself; default `confirmed` (fresh state to build on). */
    readonly commitment?: Commitment;
}

/**
 * The RPC methods the builders use to fetch the accounts they are not given.
 *
 * @example
 * ```ts
 * const rpc: RaffleReadRpc = createSolanaRpc('http://127.0.0.1:8899');
 * ```
 */
export type RaffleReadRpc = Rpc<GetAccountInfoApi>;

/**
 * A raffle as builders accept it: its address (then the builder fetches it and needs `rpc`)
 * or the account you already fetched with `fetchRaffle`.
 *
 * @example
 * ```ts
 * const byAddress: RaffleInput = raffleAddress;
 * const prefetched: RaffleInput = await fetchRaffle(rpc, raffleAddress);
 * ```
 */
export type RaffleInput = Address | Account<Raffle>;

/**
 * The config as builders accept it: omitted (then the builder fetches it from its PDA and
 * needs `rpc`) or the account you already fetched.
 *
 * @example
 * ```ts
 * const config: ConfigInput = await fetchConfigFromSeeds(rpc);
 * ```
 */
export type ConfigInput = Account<Config>;

/** @internal The resolved program address. */
export function programOf(config: RaffleProgramConfig): Address {
    if (config.programAddress !== undefined) assertAddress('programAddress', config.programAddress);
    return config.programAddress ?? RWA_RAFFLE_PROGRAM_ADDRESS;
}

/**
 * @internal Builds the message: compute budget instructions first (they may go anywhere,
 * but the Ed25519 instruction must stay immediately before `initialize_raffle_with_permit`),
 * then `instructions`.
 */
export function buildRaffleTransactionMessage(
    instructions: readonly Instruction[],
    config: RaffleTransactionConfig,
): RaffleTransactionMessage {
    assertComputeBudget(config);
    let message: RaffleTransactionMessage = createTransactionMessage({ version: 0 });
    if (config.computeUnitLimit !== undefined) message = setTransactionMessageComputeUnitLimit(config.computeUnitLimit, message);
    if (config.computeUnitPrice !== undefined) {
        message = setTransactionMessageComputeUnitPrice(toBigIntInRange('computeUnitPrice', config.computeUnitPrice, 0n, U64_MAX), message);
    }
    return appendTransactionMessageInstructions(instructions, message);
}

const RAFFLE_SIZE = /* @__PURE__ */ getRaffleSize();
const CONFIG_SIZE = /* @__PURE__ */ getConfigSize();

/** @internal Checks a prefetched account's shape. */
function assertAccountShape(name: string, value: unknown): void {
    assertObject(name, value);
    const account = value as { address?: unknown; data?: unknown };
    assertAddress(`${name}.address`, account.address);
    assertObject(`${name}.data`, account.data);
}

/**
 * @internal Resolves a {@link RaffleInput}: fetches it when given an address (checking that it
 * exists and belongs to the program).
 */
export async function resolveRaffle(
    rpc: RaffleReadRpc | undefined,
    raffle: RaffleInput,
    programAddress: Address,
    commitment: Commitment = 'confirmed',
): Promise<Account<Raffle>> {
    if (typeof raffle !== 'string') {
        assertAccountShape('raffle', raffle);
        const status = (raffle.data as Partial<Raffle>).status;
        if (typeof status !== 'number' || RaffleStatus[status] === undefined) {
            throw inputInvalid('raffle.data', 'is not a decoded Raffle account: fetch it with fetchRaffle');
        }
        return raffle;
    }
    assertAddress('raffle', raffle);
    if (rpc === undefined) throw inputInvalid('rpc', 'is required when `raffle` is an address (or pass the fetched raffle account)');
    const account = await fetchEncodedAccount(rpc, raffle, { commitment });
    if (!account.exists) throw accountNotFound('raffle', raffle);
    if (account.programAddress !== programAddress || account.data.length !== RAFFLE_SIZE || !hasDiscriminator(account.data, RAFFLE_DISCRIMINATOR)) {
        throw inputInvalid('raffle', `${raffle} is not a raffle of program ${programAddress}`);
    }
    return decodeRaffle(account);
}

/** @internal The raffle's address, without fetching. */
export function raffleAddressOf(raffle: RaffleInput): Address {
    if (typeof raffle === 'string') {
        assertAddress('raffle', raffle);
        return raffle;
    }
    assertAccountShape('raffle', raffle);
    return raffle.address;
}

/** @internal Resolves the config: the given account, or fetched from its PDA. */
export async function resolveConfig(
    rpc: RaffleReadRpc | undefined,
    config: ConfigInput | undefined,
    programAddress: Address,
    commitment: Commitment = 'confirmed',
): Promise<Account<Config>> {
    if (config !== undefined) {
        assertAccountShape('config', config);
        return config;
    }
    if (rpc === undefined) throw inputInvalid('rpc', 'is required to fetch the config (or pass the fetched config account as `config`)');
    const [address] = await findConfigPda({ programAddress });
    const account = await fetchEncodedAccount(rpc, address, { commitment });
    if (!account.exists) throw accountNotFound('config', address);
    if (account.programAddress !== programAddress || account.data.length !== CONFIG_SIZE || !hasDiscriminator(account.data, CONFIG_DISCRIMINATOR)) {
        throw inputInvalid('config', `${address} is not the config of program ${programAddress}`);
    }
    return decodeConfig(account);
}

/** @internal Whether `data` starts with `discriminator`. */
export function hasDiscriminator(data: ReadonlyUint8Array, discriminator: ReadonlyUint8Array): boolean {
    if (data.length < discriminator.length) return false;
    for (let i = 0; i < discriminator.length; i++) if (data[i] !== discriminator[i]) return false;
    return true;
}

/** @internal `Open`, `Completed`, ... */
export function statusName(status: RaffleStatus): string {
    return RaffleStatus[status] ?? `status ${String(status)}`;
}
