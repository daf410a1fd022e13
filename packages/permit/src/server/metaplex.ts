/**
 * The prize collection check: a prize mint must belong to a verified Metaplex collection that
 * the organizer is allowed to use. Reads the mint's Token Metadata account
 * (`["metadata", program, mint]`) and decodes just the fields needed.
 *
 * @packageDocumentation
 */
import {
    type Address,
    type GetAccountInfoApi,
    type Rpc,
    createSolanaRpc,
    fetchEncodedAccount,
    getAddressDecoder,
    getAddressEncoder,
    getProgramDerivedAddress,
} from '@solana/kit';

/**
 * The Metaplex Token Metadata program.
 *
 * @example
 * ```ts
 * account.programAddress === TOKEN_METADATA_PROGRAM_ADDRESS;
 * ```
 */
export const TOKEN_METADATA_PROGRAM_ADDRESS = 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s' as Address<'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s'>;

/** `Key::MetadataV1` of Token Metadata. */
const METADATA_V1 = 4;

/**
 * Derives a mint's metadata account address.
 *
 * @param mint - the mint
 * @returns the PDA `["metadata", TOKEN_METADATA_PROGRAM_ADDRESS, mint]`
 * @example
 * ```ts
 * const metadata = await getMetadataAddress(prizeMint);
 * ```
 */
export async function getMetadataAddress(mint: Address): Promise<Address> {
    const encoder = getAddressEncoder();
    const [pda] = await getProgramDerivedAddress({
        programAddress: TOKEN_METADATA_PROGRAM_ADDRESS,
        seeds: ['metadata', encoder.encode(TOKEN_METADATA_PROGRAM_ADDRESS), encoder.encode(mint)],
    });
    return pda;
}

/**
 * The fields of a Token Metadata account the collection check uses.
 *
 * @example
 * ```ts
 * const decoded: MetadataCollectionInfo | undefined = decodeMetadataCollection(account.data);
 * ```
 */
export interface MetadataCollectionInfo {
    /** The update authority. */
    readonly updateAuthority: Address;
    /** The mint the metadata describes. */
    readonly mint: Address;
    /** The collection field, `null` when absent (including accounts too old to have one). */
    readonly collection: { readonly verified: boolean; readonly key: Address } | null;
}

/**
 * Decodes the key, mint, update authority and collection of a Token Metadata `MetadataV1`
 * account (Borsh): `key u8, update_authority, mint, name, symbol, uri (u32-prefixed strings),
 * seller_fee_basis_points u16, creators Option<Vec<Creator>>, primary_sale_happened bool,
 * is_mutable bool, edition_nonce Option<u8>, token_standard Option<u8>,
 * collection Option<{ verified bool, key }>`. Every read is bounds-checked.
 *
 * @param data - the account data
 * @returns the fields, or `undefined` when the data is not a well-formed `MetadataV1` account
 * @example
 * ```ts
 * const info = decodeMetadataCollection(account.data);
 * if (info?.collection?.verified) console.log(info.collection.key);
 * ```
 */
export function decodeMetadataCollection(data: Uint8Array): MetadataCollectionInfo | undefined {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const decoder = getAddressDecoder();
    let at = 0;
    const need = (n: number): boolean => at + n <= data.length;
    const u8 = (): number | undefined => (need(1) ? data[at++] : undefined);
    const key = (): Address | undefined => {
        if (!need(32)) return undefined;
        const a = decoder.decode(data.subarray(at, at + 32));
        at += 32;
        return a;
    };
    const skipString = (): boolean => {
        if (!need(4)) return false;
        const length = view.getUint32(at, true);
        at += 4;
        if (!need(length)) return false;
        at += length;
        return true;
    };
    /** Reads an Option tag: true (Some), false (None), undefined (malformed). */
    const option = (): boolean | undefined => {
        const tag = u8();
        return tag === 0 ? false : tag === 1 ? true : undefined;
    };
    const bool = (): boolean | undefined => {
        const b = u8();
        return b === 0 ? false : b === 1 ? true : undefined;
    };

    if (u8() !== METADATA_V1) return undefined;
    const updateAuthority = key();
    const mint = key();
    if (updateAuthority === undefined || mint === undefined) return undefined;
    if (!skipString() || !skipString() || !skipString()) return undefined;
    if (!need(2)) return undefined;
    at += 2; // seller_fee_basis_points
    const creators = option();
    if (creators === undefined) return undefined;
    if (creators) {
        if (!need(4)) return undefined;
        const count = view.getUint32(at, true);
        at += 4;
        if (count > 5 || !need(count * 34)) return undefined;
        at += count * 34;
    }
    if (bool() === undefined || bool() === undefined) return undefined; // primary_sale_happened, is_mutable
    // Accounts written before a field existed end early: the rest is then absent.
    const tail = (): MetadataCollectionInfo => ({ updateAuthority, mint, collection: null });
    if (at === data.length) return tail();
    const editionNonce = option();
    if (editionNonce === undefined) return undefined;
    if (editionNonce && u8() === undefined) return undefined;
    if (at === data.length) return tail();
    const tokenStandard = option();
    if (tokenStandard === undefined) return undefined;
    if (tokenStandard && u8() === undefined) return undefined;
    if (at === data.length) return tail();
    const hasCollection = option();
    if (hasCollection === undefined) return undefined;
    if (!hasCollection) return tail();
    const verified = bool();
    const collectionKey = key();
    if (verified === undefined || collectionKey === undefined) return undefined;
    return { updateAuthority, mint, collection: { verified, key: collectionKey } };
}

/**
 * Reads an account: its owner program and data, or `null` when it does not exist. Inject one
 * backed by LiteSVM or recorded accounts in tests; {@link createRpcAccountReader} reads from
 * an RPC node.
 *
 * @example
 * ```ts
 * const reader: AccountReader = async address => {
 *     const account = svm.getAccount(address);
 *     return account.exists ? { owner: account.programAddress, data: account.data } : null;
 * };
 * ```
 */
export type AccountReader = (address: Address) => Promise<{ readonly owner: Address; readonly data: Uint8Array } | null>;

/**
 * An {@link AccountReader} over Solana JSON-RPC (`getAccountInfo`, base64): give it a kit RPC
 * client, or the URL of an RPC node.
 *
 * @param rpc - `createSolanaRpc(url)` (or anything with `getAccountInfo`), or an RPC URL
 * @param config - commitment, default `confirmed`
 * @returns the reader
 * @example
 * ```ts
 * const reader = createRpcAccountReader(process.env.SOLANA_RPC_URL!);
 * // or, sharing your client: createRpcAccountReader(createSolanaRpc(url))
 * ```
 */
export function createRpcAccountReader(
    rpc: Rpc<GetAccountInfoApi> | string,
    config: { commitment?: 'processed' | 'confirmed' | 'finalized' } = {},
): AccountReader {
    const client: Rpc<GetAccountInfoApi> = typeof rpc === 'string' ? createSolanaRpc(rpc) : rpc;
    return async address => {
        const account = await fetchEncodedAccount(client, address, { commitment: config.commitment ?? 'confirmed' });
        return account.exists ? { owner: account.programAddress, data: account.data as Uint8Array } : null;
    };
}

/**
 * What the chain says about a prize mint's collection.
 *
 * @example
 * ```ts
 * const found: PrizeCollection = await resolvePrizeCollection(prizeMint);
 * if (found.status === 'verified') console.log(found.collection);
 * ```
 */
export type PrizeCollection =
    | { readonly status: 'metadata-missing' }
    | { readonly status: 'no-collection' }
    | { readonly status: 'unverified'; readonly collection: Address }
    | { readonly status: 'verified'; readonly collection: Address };

/**
 * Looks up a prize mint's collection. Throws when the chain cannot be read (the handler
 * answers 503 `COLLECTION_CHECK_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * const resolve: PrizeCollectionResolver = createPrizeCollectionResolver({ reader });
 * ```
 */
export type PrizeCollectionResolver = (prizeMint: Address) => Promise<PrizeCollection>;

/**
 * Options of {@link createPrizeCollectionResolver}.
 *
 * @example
 * ```ts
 * const options: PrizeCollectionResolverOptions = { reader, cacheTtlMs: 30_000 };
 * ```
 */
export interface PrizeCollectionResolverOptions {
    /** Reads accounts; see {@link createRpcAccountReader}. */
    readonly reader: AccountReader;
    /**
     * How long an answer is reused, default 60 s; 0 disables the cache. A collection can be
     * unverified later, so keep it short.
     */
    readonly cacheTtlMs?: number;
    /** Most mints kept in the cache, default 10,000. */
    readonly cacheSize?: number;
    /** The clock, unix ms (tests). */
    readonly now?: () => number;
}

/**
 * Creates a {@link PrizeCollectionResolver}: derives the metadata PDA, reads it, checks its
 * owner is Token Metadata and its `mint` is the prize mint, and decodes the collection.
 * Answers are cached per process for `cacheTtlMs`; concurrent lookups of one mint share a read.
 *
 * @param options - the reader and cache settings
 * @returns the resolver
 * @example
 * ```ts
 * const resolve = createPrizeCollectionResolver({ reader: createRpcAccountReader(rpc) });
 * const found = await resolve(prizeMint); // { status: 'verified', collection }
 * ```
 */
export function createPrizeCollectionResolver(options: PrizeCollectionResolverOptions): PrizeCollectionResolver {
    const ttl = options.cacheTtlMs ?? 60_000;
    const size = options.cacheSize ?? 10_000;
    const now = options.now ?? Date.now;
    const cache = new Map<Address, { at: number; value: Promise<PrizeCollection> }>();

    const lookup = async (mint: Address): Promise<PrizeCollection> => {
        const account = await options.reader(await getMetadataAddress(mint));
        if (account === null || account.owner !== TOKEN_METADATA_PROGRAM_ADDRESS) return { status: 'metadata-missing' };
        const info = decodeMetadataCollection(account.data);
        if (info === undefined || info.mint !== mint) return { status: 'metadata-missing' };
        if (info.collection === null) return { status: 'no-collection' };
        return info.collection.verified
            ? { status: 'verified', collection: info.collection.key }
            : { status: 'unverified', collection: info.collection.key };
    };

    return mint => {
        if (ttl <= 0) return lookup(mint);
        const t = now();
        const hit = cache.get(mint);
        if (hit !== undefined && t - hit.at < ttl) return hit.value;
        const value = lookup(mint);
        cache.delete(mint);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(mint, { at: t, value });
        // A failed read is not cached.
        value.catch(() => {
            if (cache.get(mint)?.value === value) cache.delete(mint);
        });
        return value;
    };
}
