/**
 * Everything the pages read from and send to the chain, on @raffle/client and kit: the RPC
 * clients, the sender, the reads a raffle UI needs, and live updates from account subscriptions.
 */
import {
    decodeEntry,
    decodeRaffle,
    ENTRY_BUYER_OFFSET,
    ENTRY_DISCRIMINATOR,
    type Entry,
    fetchConfigFromSeeds,
    fetchRaffleView,
    findAssociatedTokenAddress,
    getEntrySize,
    getRaffleSize,
    getRaffleView,
    RAFFLE_DISCRIMINATOR,
    type RaffleView,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    sendAndConfirmRaffleTransactionFactory,
    type SendAndConfirmRaffleTransactionFunction,
    SYSVAR_CLOCK_ADDRESS,
} from '@raffle/client';
import {
    type Account,
    type Address,
    address,
    type Base58EncodedBytes,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    fetchEncodedAccount,
    getBase58Decoder,
    getI64Decoder,
    getU64Decoder,
    parseBase64RpcAccount,
    type Rpc,
    type RpcSubscriptions,
    type SolanaRpcApi,
    type SolanaRpcSubscriptionsApi,
} from '@solana/kit';

import type { AppConfig } from './config';

const TOKEN_PROGRAM = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const PROGRAM = RWA_RAFFLE_PROGRAM_ADDRESS;

export interface Chain {
    readonly rpc: Rpc<SolanaRpcApi>;
    readonly rpcSubscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
    readonly sendAndConfirm: SendAndConfirmRaffleTransactionFunction;
    readonly config: AppConfig;
}

export function createChain(config: AppConfig): Chain {
    const rpc = createSolanaRpc(config.rpcUrl) as Rpc<SolanaRpcApi>;
    const rpcSubscriptions = createSolanaRpcSubscriptions(config.wsUrl);
    return { rpc, rpcSubscriptions, sendAndConfirm: sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions }), config };
}

const base58 = (bytes: ArrayLike<number>) => getBase58Decoder().decode(Uint8Array.from(bytes)) as Base58EncodedBytes;
const RAFFLE_FILTERS = [{ dataSize: BigInt(getRaffleSize()) }, { memcmp: { offset: 0n, bytes: base58(RAFFLE_DISCRIMINATOR), encoding: 'base58' as const } }];
const entryFilters = (buyer: Address) => [
    { dataSize: BigInt(getEntrySize()) },
    { memcmp: { offset: 0n, bytes: base58(ENTRY_DISCRIMINATOR), encoding: 'base58' as const } },
    { memcmp: { offset: ENTRY_BUYER_OFFSET, bytes: buyer as string as Base58EncodedBytes, encoding: 'base58' as const } },
];

/** The cluster's clock (the program judges deadlines by it, not by this computer's clock). */
export async function fetchClock(chain: Chain): Promise<{ slot: bigint; unixTimestamp: bigint }> {
    const clock = await fetchEncodedAccount(chain.rpc, SYSVAR_CLOCK_ADDRESS, { commitment: 'confirmed' });
    if (!clock.exists) throw new Error('the cluster has no Clock sysvar');
    // Clock sysvar layout: slot u64 at 0, ..., unix_timestamp i64 at 32.
    return { slot: getU64Decoder().decode(clock.data, 0), unixTimestamp: getI64Decoder().decode(clock.data, 32) };
}

/** Every raffle of the program (optionally one organizer's), as views judged by the cluster's clock, newest first. */
export async function listRaffles(chain: Chain, organizer?: Address): Promise<RaffleView[]> {
    const filters = organizer ? [...RAFFLE_FILTERS, { memcmp: { offset: 8n, bytes: organizer as string as Base58EncodedBytes, encoding: 'base58' as const } }] : RAFFLE_FILTERS;
    const [accounts, clock] = await Promise.all([chain.rpc.getProgramAccounts(PROGRAM, { encoding: 'base64', commitment: 'confirmed', filters }).send(), fetchClock(chain)]);
    return accounts
        .map(({ pubkey, account }) => getRaffleView(decodeRaffle(parseBase64RpcAccount(pubkey, account)), { clock }))
        .sort((a, b) => Number(b.raffle.createdAt - a.raffle.createdAt));
}

/** One raffle with its winner (for Completed raffles). */
export function fetchRaffle(chain: Chain, raffle: Address): Promise<RaffleView> {
    return fetchRaffleView(chain.rpc, raffle);
}

/** A buyer's entries in every raffle. */
export async function listEntries(chain: Chain, buyer: Address): Promise<Account<Entry>[]> {
    const accounts = await chain.rpc.getProgramAccounts(PROGRAM, { encoding: 'base64', commitment: 'confirmed', filters: entryFilters(buyer) }).send();
    return accounts.map(({ pubkey, account }) => decodeEntry(parseBase64RpcAccount(pubkey, account))).sort((a, b) => a.data.index - b.data.index);
}

/** The refund ticket (MRFT voucher) mint, from the program's config. */
export async function fetchVoucherMint(chain: Chain): Promise<Address> {
    return (await fetchConfigFromSeeds(chain.rpc, { commitment: 'confirmed' })).data.mrftMint;
}

/** A wallet's balance of a mint in its associated token account (0 when it has none). */
export async function tokenBalance(chain: Chain, owner: Address, mint: Address): Promise<bigint> {
    const account = await fetchEncodedAccount(chain.rpc, await findAssociatedTokenAddress({ owner, mint }), { commitment: 'confirmed' });
    return account.exists ? getU64Decoder().decode(account.data, 64) : 0n; // SPL token account: amount at offset 64
}

const decimalsCache = new Map<Address, Promise<number>>();
/** A mint's decimals (cached). */
export function mintDecimals(chain: Chain, mint: Address): Promise<number> {
    if (!decimalsCache.has(mint)) {
        const decimals = chain.rpc.getTokenSupply(mint, { commitment: 'confirmed' }).send().then(r => r.value.decimals);
        decimals.catch(() => decimalsCache.delete(mint));
        decimalsCache.set(mint, decimals);
    }
    return decimalsCache.get(mint)!;
}

/** The NFTs a wallet holds (token accounts with exactly one token of a 0-decimal mint). */
export async function listNfts(chain: Chain, owner: Address): Promise<Address[]> {
    const { value } = await chain.rpc.getTokenAccountsByOwner(owner, { programId: TOKEN_PROGRAM }, { encoding: 'jsonParsed', commitment: 'confirmed' }).send();
    return value
        .map(({ account }) => account.data.parsed.info)
        .filter(info => info.tokenAmount.decimals === 0 && info.tokenAmount.amount === '1')
        .map(info => info.mint);
}

/** What to watch: one account, the program's raffles, or a buyer's entries. */
export type Watched = { account: Address } | { raffles: true } | { entriesOf: Address };

/**
 * Calls `onChange` whenever a watched account changes (websocket subscriptions at `confirmed`),
 * until `signal` aborts. A dropped subscription is reported and opened again after a pause.
 */
export function watch(chain: Chain, watched: readonly Watched[], onChange: () => void, onError: (e: unknown) => void, signal: AbortSignal): void {
    for (const w of watched) {
        void (async () => {
            for (let attempt = 0; attempt < 1_000 && !signal.aborted; attempt++) {
                try {
                    const subscription =
                        'account' in w
                            ? chain.rpcSubscriptions.accountNotifications(w.account, { commitment: 'confirmed', encoding: 'base64' })
                            : chain.rpcSubscriptions.programNotifications(PROGRAM, {
                                  commitment: 'confirmed',
                                  encoding: 'base64',
                                  filters: 'raffles' in w ? RAFFLE_FILTERS : entryFilters(w.entriesOf),
                              });
                    for await (const _ of await subscription.subscribe({ abortSignal: signal })) onChange();
                } catch (e) {
                    if (signal.aborted) return;
                    onError(e);
                }
                await new Promise(resolve => setTimeout(resolve, 2_000));
            }
        })();
    }
}
