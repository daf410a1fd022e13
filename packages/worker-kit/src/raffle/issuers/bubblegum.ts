/**
 * The Bubblegum MRFT issuer: one compressed NFT per refunded ticket slot, minted with
 * mpl-bubblegum's `mintToCollectionV1` into a V1 Merkle tree and a verified Token Metadata
 * collection. Instructions are built with Metaplex's own umi builders (no layout written here)
 * and converted to kit instructions, signers embedded. No HTTP: the umi context only derives
 * PDAs; reads go through the kit RPC.
 *
 * @packageDocumentation
 */
import {
    BubblegumEventType,
    findLeafAssetIdPda,
    findTreeConfigPda,
    getBubblegumEventTypeSerializer,
    getLeafSchemaSerializer,
    getMintToCollectionV1InstructionDataSerializer,
    getTreeConfigAccountDataSerializer,
    MPL_BUBBLEGUM_PROGRAM_ID,
    mintToCollectionV1,
    Version,
} from '@metaplex-foundation/mpl-bubblegum';
import { type Context, createNoopSigner, publicKey } from '@metaplex-foundation/umi';
import {
    type Address,
    address,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    getBase58Encoder,
    getBase64Encoder,
    type GetAccountInfoApi,
    type GetSignaturesForAddressApi,
    type GetTransactionApi,
    getTransactionMessageSize,
    getTransactionMessageSizeLimit,
    type Instruction,
    isAddress,
    isTransactionSigner,
    pipe,
    type Rpc,
    setTransactionMessageFeePayerSigner,
    type Signature,
    type TransactionSigner,
} from '@solana/kit';

import { eventUndecodable, transactionUnavailable, workerConfigInvalid } from '../../core/errors';
import {
    assertValidMrftCreators,
    createBubblegumUmiContext,
    createMrftMetadataUri,
    getMrftMetadataArgs,
    type MrftCreator,
    umiInstructionToKit,
} from './bubblegum-metadata';
import { findMemoIssuances, getMrftMemoInstruction } from './memo';
import type { MrftIssuer, RefundTicketClaim, TicketSlotRange } from './types';

/**
 * The Bubblegum program.
 *
 * @example
 * ```ts
 * ix.programAddress === BUBBLEGUM_PROGRAM_ADDRESS;
 * ```
 */
export const BUBBLEGUM_PROGRAM_ADDRESS: Address = /* @__PURE__ */ address(MPL_BUBBLEGUM_PROGRAM_ID);

/**
 * The SPL Noop program, the log wrapper of V1 trees (what mpl-bubblegum resolves as `splNoop`):
 * Bubblegum logs each minted leaf (its `LeafSchema` event) through it.
 *
 * @example
 * ```ts
 * const isLeafEvent = keys[inner.programIdIndex] === SPL_NOOP_PROGRAM_ADDRESS;
 * ```
 */
export const SPL_NOOP_PROGRAM_ADDRESS: Address = /* @__PURE__ */ address('noopb9bkMVfRPU8AsbpTUg8AQkHtKwMYZiFUjNRtMmV');

/**
 * Default {@link BubblegumIssuerOptions.slotsPerTransaction} when the tree delegate is also the
 * collection authority: with the default URI template, two mints and the memo fit in 1232 bytes
 * even with long values (measured in `bubblegum-issuer.test.ts`); three do not. A separate
 * collection authority adds a signature and a key (96 bytes): the default is then 1.
 *
 * @example
 * ```ts
 * createBubblegumIssuer({ ...options, slotsPerTransaction: DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION });
 * ```
 */
export const DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION = 2;

/**
 * Options of {@link createBubblegumIssuer}.
 *
 * @example
 * ```ts
 * const options: BubblegumIssuerOptions = { rpc, merkleTree, collectionMint, treeDelegate, metadataBaseUri: 'https://mrft.example.com' };
 * ```
 */
export interface BubblegumIssuerOptions {
    /** Reads the tree config (capacity) and the issuance history. */
    readonly rpc: Rpc<GetAccountInfoApi & GetSignaturesForAddressApi & GetTransactionApi>;
    /** The V1 Merkle tree the tickets are minted into (created with Bubblegum's `createTree`). */
    readonly merkleTree: Address;
    /** The Token Metadata collection NFT every ticket belongs to (verified at mint). */
    readonly collectionMint: Address;
    /** The collection's metadata account; Token Metadata's PDA of `collectionMint` when omitted. */
    readonly collectionMetadata?: Address;
    /** The collection's master edition; Token Metadata's PDA of `collectionMint` when omitted. */
    readonly collectionEdition?: Address;
    /** The collection authority record when `collectionAuthority` is a delegate; none (the Bubblegum program) when omitted. */
    readonly collectionAuthorityRecord?: Address;
    /** The tree creator or delegate: signs every mint (the issuer's `authority`). */
    readonly treeDelegate: TransactionSigner;
    /** The collection's update authority (or its delegate); `treeDelegate` when omitted. */
    readonly collectionAuthority?: TransactionSigner;
    /**
     * The URI of ticket slot `slot` (at most 200 bytes). It must serve the JSON of
     * `mrftMetadataJson(claim, slot)`: the attributes live there, not on chain.
     */
    readonly metadataUri?: (claim: RefundTicketClaim, slot: number) => string;
    /** Base of the default URI template (`createMrftMetadataUri`); required unless `metadataUri` is given. */
    readonly metadataBaseUri?: string;
    /** Creators of every ticket (Metaplex rules); none when omitted: the verified collection is the provenance and no royalties are paid. */
    readonly creators?: readonly MrftCreator[];
    /**
     * Ticket slots per transaction: {@link DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION} when omitted, or 1
     * with a separate `collectionAuthority`. `buildIssue` refuses a transaction over 1232 bytes.
     */
    readonly slotsPerTransaction?: number;
    /** A DAS RPC URL (`HELIUS_DAS_RPC`): only used by `describeIssued` when the RPC returns no inner instructions. Never required. */
    readonly dasRpcUrl?: string;
    /** The `fetch` used for DAS (tests); the global one when omitted. */
    readonly fetch?: typeof globalThis.fetch;
}

/**
 * Creates the Bubblegum MRFT issuer. `buildIssue` emits one `mintToCollectionV1` per ticket
 * slot (leaf owner and delegate: the buyer) and the issuance memo; `checkCapacity` reads the
 * tree config; `findIssued` proves issuances from the buyer's history (memo + tree delegate's
 * signature); `describeIssued` returns the asset ids from the mint transaction's leaf events.
 *
 * @param options - RPC, tree, collection, signers, metadata URI
 * @returns the issuer (`name: 'bubblegum'`, `authority: treeDelegate.address`)
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming the first invalid option
 * @example
 * ```ts
 * const issuer = createBubblegumIssuer({ rpc, merkleTree, collectionMint, treeDelegate, metadataBaseUri: 'https://mrft.example.com' });
 * await issuer.checkCapacity?.(claim.tickets);
 * const { instructions } = await issuer.buildIssue(claim, { from: 0, to: 2 }, { payer });
 * ```
 */
export function createBubblegumIssuer(options: BubblegumIssuerOptions): MrftIssuer {
    if (options === null || typeof options !== 'object') throw workerConfigInvalid('options', 'expected an object');
    const { rpc } = options;
    if (rpc === null || typeof rpc !== 'object' || (['getAccountInfo', 'getSignaturesForAddress', 'getTransaction'] as const).some(m => typeof rpc[m] !== 'function')) {
        throw workerConfigInvalid('rpc', 'expected a kit Rpc with getAccountInfo, getSignaturesForAddress and getTransaction');
    }
    const merkleTree = requireAddress('merkleTree', options.merkleTree);
    const collectionMint = requireAddress('collectionMint', options.collectionMint);
    const collectionMetadata = optionalAddress('collectionMetadata', options.collectionMetadata);
    const collectionEdition = optionalAddress('collectionEdition', options.collectionEdition);
    const collectionAuthorityRecord = optionalAddress('collectionAuthorityRecord', options.collectionAuthorityRecord);
    const treeDelegate = requireSigner('treeDelegate', options.treeDelegate);
    const collectionAuthority = options.collectionAuthority === undefined ? treeDelegate : requireSigner('collectionAuthority', options.collectionAuthority);
    if (options.metadataUri !== undefined && options.metadataBaseUri !== undefined) throw workerConfigInvalid('metadataUri', 'give metadataUri or metadataBaseUri, not both');
    if (options.metadataUri !== undefined && typeof options.metadataUri !== 'function') throw workerConfigInvalid('metadataUri', 'expected a function (claim, slot) => string');
    if (options.metadataUri === undefined && options.metadataBaseUri === undefined) throw workerConfigInvalid('metadataBaseUri', 'required unless metadataUri is given');
    const metadataUri = options.metadataUri ?? createMrftMetadataUri(options.metadataBaseUri!);
    const creators = assertValidMrftCreators(options.creators ?? [], treeDelegate.address);
    const slotsPerTransaction = options.slotsPerTransaction ?? (collectionAuthority.address === treeDelegate.address ? DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION : 1);
    if (!Number.isSafeInteger(slotsPerTransaction) || slotsPerTransaction < 1 || slotsPerTransaction > 16) {
        throw workerConfigInvalid('slotsPerTransaction', 'expected an integer from 1 to 16 (and what fits in a transaction)');
    }
    const dasRpcUrl = options.dasRpcUrl === undefined ? undefined : requireHttpUrl('dasRpcUrl', options.dasRpcUrl);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') throw workerConfigInvalid('fetch', 'expected a function');
    const fetchFn = options.fetch ?? globalThis.fetch;

    const umi = createBubblegumUmiContext();
    const treeConfig = address(findTreeConfigPda(umi, { merkleTree: publicKey(merkleTree) })[0]);
    const optional = (key: string, value: Address | undefined) => (value === undefined ? {} : { [key]: publicKey(value) });

    // DAS (searchAssets by owner, collection and json URI): only when the RPC kept no inner instructions.
    async function describeFromDas(claim: RefundTicketClaim, range: TicketSlotRange, signature: string, url: string) {
        const assetIds: string[] = [];
        for (let slot = range.from; slot < range.to; slot++) {
            const params = { ownerAddress: claim.buyer, grouping: ['collection', collectionMint], jsonUri: metadataUri(claim, slot), page: 1, limit: 10 };
            const request = { jsonrpc: '2.0', id: `mrft-${slot}`, method: 'searchAssets', params };
            type Found = { result?: { items?: { id?: unknown; compression?: { tree?: unknown } }[] } } | null;
            const body = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal: AbortSignal.timeout(15_000) })
                .then(async response => (response.ok ? ((await response.json()) as Found) : null))
                .catch(() => null); // the URL may hold an API key: the error is not repeated
            const ids = (body?.result?.items ?? []).filter(a => a?.compression?.tree === merkleTree && typeof a.id === 'string').map(a => a.id as string);
            if (ids.length !== 1) throw transactionUnavailable(signature, `no leaf events in the transaction and DAS lists ${ids.length} assets for slot ${slot}`);
            assetIds.push(ids[0]!);
        }
        return { assetIds, source: 'das' };
    }

    return {
        name: 'bubblegum',
        slotsPerTransaction,
        authority: treeDelegate.address,

        async historyAddress(claim) {
            return claim.buyer;
        },

        async checkCapacity(slots) {
            if (!Number.isSafeInteger(slots) || slots < 0) throw workerConfigInvalid('slots', 'expected a non-negative integer');
            const { value } = await rpc.getAccountInfo(treeConfig, { encoding: 'base64', commitment: 'confirmed' }).send();
            if (!value || value.owner !== BUBBLEGUM_PROGRAM_ADDRESS) {
                throw workerConfigInvalid('merkleTree', `no Bubblegum tree config at ${treeConfig}: create the tree ${merkleTree} with Bubblegum's createTree first`);
            }
            const [config] = attempt(() => getTreeConfigAccountDataSerializer().deserialize(getBase64Encoder().encode(value.data[0]) as Uint8Array)) ?? [];
            if (!config) throw workerConfigInvalid('merkleTree', `the tree config ${treeConfig} does not decode as a Bubblegum TreeConfig`);
            if (config.version !== Version.V1) throw workerConfigInvalid('merkleTree', `${merkleTree} is a V2 tree; mintToCollectionV1 needs a V1 tree`);
            const delegate = treeDelegate.address as string;
            if (!config.isPublic && delegate !== config.treeCreator && delegate !== config.treeDelegate) {
                throw workerConfigInvalid('treeDelegate', `${delegate} is neither the creator nor the delegate of tree ${merkleTree}`);
            }
            const remaining = config.totalMintCapacity > config.numMinted ? config.totalMintCapacity - config.numMinted : 0n;
            const state = `${config.numMinted} of ${config.totalMintCapacity} leaves minted, ${slots} more needed`;
            if (BigInt(slots) > remaining) throw workerConfigInvalid('merkleTree', `tree ${merkleTree} is full for this issuance: ${state}; create a new tree and configure it`);
        },

        async buildIssue(claim, range, { payer }) {
            requireSigner('payer', payer);
            const buyer = requireAddress('claim.buyer', claim.buyer);
            assertRange(claim, range, slotsPerTransaction);
            // Later entries win: when the payer is also the tree delegate, kit must see one signer object.
            const signers = [collectionAuthority, treeDelegate, payer];
            const instructions: Instruction[] = [];
            const uris: string[] = [];
            for (let slot = range.from; slot < range.to; slot++) {
                const uri = metadataUri(claim, slot);
                const metadata = getMrftMetadataArgs({ uri, collectionMint, creators });
                uris.push(uri);
                const built = mintToCollectionV1(umi, {
                    treeConfig: publicKey(treeConfig),
                    leafOwner: publicKey(buyer),
                    leafDelegate: publicKey(buyer),
                    merkleTree: publicKey(merkleTree),
                    payer: createNoopSigner(publicKey(payer.address)),
                    treeCreatorOrDelegate: createNoopSigner(publicKey(treeDelegate.address)),
                    collectionAuthority: createNoopSigner(publicKey(collectionAuthority.address)),
                    collectionMint: publicKey(collectionMint),
                    ...optional('collectionAuthorityRecordPda', collectionAuthorityRecord),
                    ...optional('collectionMetadata', collectionMetadata),
                    ...optional('collectionEdition', collectionEdition),
                    metadata,
                });
                for (const ix of built.getInstructions()) instructions.push(umiInstructionToKit(ix, signers));
            }
            instructions.push(getMrftMemoInstruction(claim, range));
            // What the automations send: a v0 message, fee payer `payer`, these instructions.
            const message = pipe(createTransactionMessage({ version: 0 }), m => setTransactionMessageFeePayerSigner(payer, m), m => appendTransactionMessageInstructions(instructions, m));
            const [size, limit] = [getTransactionMessageSize(message), getTransactionMessageSizeLimit(message)];
            if (size > limit) throw workerConfigInvalid('slotsPerTransaction', `${range.to - range.from} slots take ${size} bytes, over the ${limit}-byte limit: lower it or shorten the URIs`);
            return { instructions, details: { issuer: 'bubblegum', merkleTree, collectionMint, leafOwner: buyer, uris } };
        },

        findIssued(claim, findOptions) {
            return findMemoIssuances({
                rpc,
                historyAddress: claim.buyer,
                claim,
                trustedSigner: treeDelegate.address,
                ...(findOptions?.signal ? { signal: findOptions.signal } : {}),
            });
        },

        async describeIssued(claim, range, signature) {
            if (typeof signature !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{64,88}$/.test(signature)) throw workerConfigInvalid('signature', 'expected a base58 transaction signature');
            assertRange(claim, range, slotsPerTransaction);
            const tx = await rpc.getTransaction(signature as Signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
            if (!tx || !tx.meta) throw transactionUnavailable(signature, 'the RPC does not have the transaction');
            if (tx.meta.err !== null) throw transactionUnavailable(signature, 'the transaction failed on chain');
            const expected = range.to - range.from;
            if (!tx.meta.innerInstructions && dasRpcUrl !== undefined) return describeFromDas(claim, range, signature, dasRpcUrl);
            const assetIds = parseMintedAssetIds(tx, merkleTree, claim.buyer, umi);
            if (assetIds.length !== expected) throw eventUndecodable(signature, `found ${assetIds.length} Bubblegum leaf events for ${claim.buyer} in tree ${merkleTree}, expected ${expected}`);
            return { assetIds };
        },
    };
}

/**
 * The part of a `getTransaction` response (json encoding) that {@link parseMintedAssetIds} reads;
 * kit's response type fits it. Everything else is ignored.
 *
 * @example
 * ```ts
 * const tx: MintTransactionJson | null = await rpc.getTransaction(signature, { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
 * ```
 */
export interface MintTransactionJson {
    readonly meta: {
        readonly innerInstructions?: readonly { readonly index: number; readonly instructions: readonly { readonly programIdIndex: number; readonly data: string }[] }[] | null;
        readonly loadedAddresses?: { readonly writable: readonly string[]; readonly readonly: readonly string[] } | null;
    } | null;
    readonly transaction: {
        readonly message: {
            readonly accountKeys: readonly string[];
            readonly instructions: readonly { readonly programIdIndex: number; readonly accounts: readonly number[]; readonly data: string }[];
        };
    };
}

/**
 * The asset ids a confirmed mint transaction created in `merkleTree` for `owner`: for each
 * top-level Bubblegum instruction on that tree, the `LeafSchema` events it logged through the
 * Noop program (`AccountCompressionEvent::ApplicationData(V1 { data })`, `data` =
 * `BubblegumEventType::LeafSchemaEvent ‖ Version ‖ LeafSchema ‖ leaf hash`), decoded with
 * mpl-bubblegum's serializers; each id is checked against `findLeafAssetIdPda(tree, nonce)`.
 *
 * @param tx - a `getTransaction` response (json encoding)
 * @param merkleTree - the tree
 * @param owner - the expected leaf owner
 * @param umi - a context that derives PDAs ({@link createBubblegumUmiContext})
 * @returns the asset ids, in instruction order
 * @example
 * ```ts
 * const ids = parseMintedAssetIds(tx, merkleTree, claim.buyer, createBubblegumUmiContext());
 * ```
 */
export function parseMintedAssetIds(tx: MintTransactionJson, merkleTree: Address, owner: Address, umi: Pick<Context, 'eddsa' | 'programs'>): string[] {
    const { message } = tx.transaction;
    const loaded = tx.meta?.loadedAddresses;
    const keys = [...message.accountKeys, ...(loaded?.writable ?? []), ...(loaded?.readonly ?? [])];
    const base58 = getBase58Encoder();
    const assetIds: string[] = [];
    message.instructions.forEach((ix, index) => {
        // mintToCollectionV1's account 3 is the tree: other trees' mints in the same transaction are not ours.
        if (keys[ix.programIdIndex] !== BUBBLEGUM_PROGRAM_ADDRESS || keys[ix.accounts[3] ?? -1] !== merkleTree || !isMintToCollectionV1(ix.data)) return;
        const inner = tx.meta?.innerInstructions?.find(group => group.index === index)?.instructions ?? [];
        for (const cpi of inner) {
            if (keys[cpi.programIdIndex] !== SPL_NOOP_PROGRAM_ADDRESS || typeof cpi.data !== 'string' || cpi.data.length > 2_000) continue;
            const data = base58.encode(cpi.data) as Uint8Array;
            // [1] ApplicationData, [0] V1, u32 length, then the Bubblegum event (skipped when it does not decode).
            if (data.length < 8 || data[0] !== 1 || data[1] !== 0) continue;
            if (attempt(() => getBubblegumEventTypeSerializer().deserialize(data, 6)[0]) !== BubblegumEventType.LeafSchemaEvent) continue;
            const leaf = attempt(() => getLeafSchemaSerializer().deserialize(data, 8)[0]);
            if (!leaf) continue;
            const [assetId] = findLeafAssetIdPda(umi, { merkleTree: publicKey(merkleTree), leafIndex: leaf.nonce });
            if (String(leaf.owner) === owner && leaf.id === assetId) assetIds.push(assetId);
        }
    });
    return assetIds;
}

/** Whether base58 instruction data is mpl-bubblegum's `mintToCollectionV1` (its discriminator, which the serializer writes). */
function isMintToCollectionV1(data: string): boolean {
    if (typeof data !== 'string' || data.length > 2_000) return false;
    const serializer = getMintToCollectionV1InstructionDataSerializer();
    const bytes = attempt(() => getBase58Encoder().encode(data) as Uint8Array);
    const decoded = bytes && attempt(() => serializer.deserialize(bytes)[0]);
    return !!decoded && serializer.serialize(decoded).subarray(0, 8).every((b, i) => b === bytes[i]);
}

/** `run()`, or undefined when it throws (hostile bytes). */
function attempt<T>(run: () => T): T | undefined {
    try {
        return run();
    } catch {
        return undefined;
    }
}

function assertRange(claim: RefundTicketClaim, range: TicketSlotRange, max: number): void {
    const { from, to } = range ?? {};
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from >= to || to > claim.tickets || to - from > max) {
        throw workerConfigInvalid('range', `expected 0 <= from < to <= ${claim.tickets} and at most ${max} slots, got [${from}, ${to})`);
    }
}

function requireAddress(name: string, value: unknown): Address {
    if (typeof value !== 'string' || !isAddress(value)) throw workerConfigInvalid(name, 'expected a base58 address');
    return value;
}

function optionalAddress(name: string, value: unknown): Address | undefined {
    return value === undefined ? undefined : requireAddress(name, value);
}

function requireSigner(name: string, value: unknown): TransactionSigner {
    const { address: key } = (value ?? {}) as { address?: unknown };
    if (typeof value !== 'object' || typeof key !== 'string' || !isAddress(key) || !isTransactionSigner(value as TransactionSigner)) throw workerConfigInvalid(name, 'expected a kit TransactionSigner');
    return value as TransactionSigner;
}

function requireHttpUrl(name: string, value: unknown): string {
    try {
        if (typeof value === 'string' && value.length <= 2_000 && ['https:', 'http:'].includes(new URL(value).protocol)) return value;
    } catch {
        // fall through
    }
    throw workerConfigInvalid(name, 'expected an http(s) URL');
}
