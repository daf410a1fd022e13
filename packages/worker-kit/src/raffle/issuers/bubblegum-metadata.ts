/**
 * What one MOGA Raffle Refund Ticket (MRFT) says about itself: the on-chain metadata that the
 * Bubblegum issuer mints into the tree, and the off-chain JSON at its `uri`, which carries the
 * attributes the product requires (`raffle_id`, `usdc_value`, `original_slot`, `refund_date`).
 * Pure functions: a metadata server can import {@link mrftMetadataJson} and serve exactly what
 * the issuer's URIs name. Also the umi glue that turns this metadata into kit instructions
 * through mpl-bubblegum's own builder: a minimal umi context and the instruction conversion.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

import { type MetadataArgsArgs, TokenProgramVersion, TokenStandard } from '@metaplex-foundation/mpl-bubblegum';
import {
    type Context,
    createNullEddsa,
    createNullProgramRepository,
    createNullSigner,
    type Instruction as UmiInstruction,
    none,
    type Pda,
    publicKey,
    type PublicKey,
    some,
} from '@metaplex-foundation/umi';
import {
    AccountRole,
    type Address,
    address,
    getAddressDecoder,
    getAddressEncoder,
    type Instruction,
    isAddress,
    isOffCurveAddress,
    type TransactionSigner,
} from '@solana/kit';

import { workerConfigInvalid } from '../../core/errors';
import type { RefundTicketClaim } from './types';

/**
 * The on-chain name of every MRFT (at most 32 bytes, Token Metadata's limit).
 *
 * @example
 * ```ts
 * asset.content.metadata.name === MRFT_NAME;
 * ```
 */
export const MRFT_NAME = 'MOGA Raffle Refund Ticket';

/**
 * The on-chain symbol of every MRFT (at most 10 bytes).
 *
 * @example
 * ```ts
 * asset.content.metadata.symbol === MRFT_SYMBOL; // 'MRFT'
 * ```
 */
export const MRFT_SYMBOL = 'MRFT';

/**
 * Token Metadata's (and so Bubblegum's) limit on a URI, in bytes.
 *
 * @example
 * ```ts
 * if (new TextEncoder().encode(uri).length > MRFT_MAX_URI_BYTES) throw new Error('uri too long');
 * ```
 */
export const MRFT_MAX_URI_BYTES = 200;

/**
 * One attribute of the off-chain JSON, in the Metaplex JSON standard's shape.
 *
 * @example
 * ```ts
 * const a: MrftAttribute = { trait_type: 'original_slot', value: 12 };
 * ```
 */
export interface MrftAttribute {
    /** The attribute's name. */
    readonly trait_type: 'raffle_id' | 'usdc_value' | 'original_slot' | 'refund_date';
    /** Its value (bigints as decimal strings). */
    readonly value: string | number;
}

/**
 * The off-chain JSON of one MRFT (Metaplex JSON standard), served at the asset's `uri`.
 *
 * @example
 * ```ts
 * const json: MrftMetadataJson = mrftMetadataJson(claim, 0);
 * ```
 */
export interface MrftMetadataJson {
    /** {@link MRFT_NAME}. */
    readonly name: string;
    /** {@link MRFT_SYMBOL}. */
    readonly symbol: string;
    /** What the ticket is, for wallets. */
    readonly description: string;
    /** `raffle_id`, `usdc_value`, `original_slot`, `refund_date`, in this order. */
    readonly attributes: readonly MrftAttribute[];
}

/**
 * A creator written into every MRFT's metadata (Metaplex rules: at most 5, distinct, shares
 * summing to 100; `verified` only for a key that signs the mint, i.e. the tree delegate).
 *
 * @example
 * ```ts
 * const creators: MrftCreator[] = [{ address: treeDelegate.address, verified: true, share: 100 }];
 * ```
 */
export interface MrftCreator {
    /** The creator's address. */
    readonly address: Address;
    /** Whether the creator signs the mint (only the tree delegate can). */
    readonly verified: boolean;
    /** Share of royalties in percent (royalties are 0 for MRFTs; shares must still sum to 100). */
    readonly share: number;
}

/**
 * The attributes of ticket slot `slot` of `claim`: `raffle_id` (the raffle's id, decimal
 * string), `usdc_value` (`claim.ticketPrice` in base units of the payment mint, decimal string;
 * USDC has 6 decimals), `original_slot` (the ticket number `claim.firstTicket + slot`) and
 * `refund_date` (`claim.refundDate` as ISO 8601 UTC, seconds precision).
 *
 * @param claim - the refunded entry
 * @param slot - the ticket slot, `0 <= slot < claim.tickets`
 * @returns the four attributes
 * @example
 * ```ts
 * mrftAttributes(claim, 2); // [{ trait_type: 'raffle_id', value: '7' }, …, { trait_type: 'original_slot', value: 12 }, …]
 * ```
 */
export function mrftAttributes(claim: Pick<RefundTicketClaim, 'raffleId' | 'ticketPrice' | 'firstTicket' | 'refundDate'>, slot: number): MrftAttribute[] {
    const date = new Date(Number(claim.refundDate) * 1000);
    return [
        { trait_type: 'raffle_id', value: claim.raffleId.toString() },
        { trait_type: 'usdc_value', value: claim.ticketPrice.toString() },
        { trait_type: 'original_slot', value: claim.firstTicket + slot },
        { trait_type: 'refund_date', value: Number.isNaN(date.getTime()) ? claim.refundDate.toString() : date.toISOString().replace('.000Z', 'Z') },
    ];
}

/**
 * The off-chain JSON of ticket slot `slot` of `claim`: what a metadata server serves at the
 * URI the issuer mints (see {@link createMrftMetadataUri}). Pure.
 *
 * @param claim - the refunded entry
 * @param slot - the ticket slot
 * @returns name, symbol, description and attributes
 * @example
 * ```ts
 * app.get('/:raffle/:entry/:slot.json', async (req, res) => res.json(mrftMetadataJson(await loadClaim(req), Number(req.params.slot))));
 * ```
 */
export function mrftMetadataJson(claim: Pick<RefundTicketClaim, 'raffleId' | 'ticketPrice' | 'firstTicket' | 'refundDate'>, slot: number): MrftMetadataJson {
    return {
        name: MRFT_NAME,
        symbol: MRFT_SYMBOL,
        description: `Refund for ticket #${claim.firstTicket + slot} of MOGA raffle ${claim.raffleId}: join a later raffle with it instead of paying.`,
        attributes: mrftAttributes(claim, slot),
    };
}

/**
 * The default URI template: `${baseUri}/${raffleId}/${entryIndex}/${slot}.json`, with the
 * attributes repeated as query parameters (`?raffle_id=…&usdc_value=…&original_slot=…&refund_date=…`)
 * so that a metadata server (or an indexer) can answer from the URI alone. The JSON itself
 * ({@link mrftMetadataJson}) is the authority; the URI must stay within {@link MRFT_MAX_URI_BYTES}.
 * The raffle's id (its PDA seed, unique per program) names it rather than its 44-character
 * address: every URI byte is paid once per minted ticket in the transaction size.
 *
 * @param baseUri - `https://host/path` without a trailing slash, query or fragment
 * @returns the `metadataUri` function of the Bubblegum issuer
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`metadataBaseUri`) when `baseUri` is not such a URL
 * @example
 * ```ts
 * const uri = createMrftMetadataUri('https://mrft.example.com')(claim, 0);
 * // 'https://mrft.example.com/7/3/0.json?raffle_id=7&usdc_value=5000000&original_slot=10&refund_date=2023-11-15T22:13:20Z'
 * ```
 */
export function createMrftMetadataUri(baseUri: string): (claim: RefundTicketClaim, slot: number) => string {
    const base = parseBaseUri(baseUri);
    return (claim, slot) => {
        const query = mrftAttributes(claim, slot)
            .map(a => `${a.trait_type}=${encodeURIComponent(String(a.value)).replaceAll('%3A', ':')}`)
            .join('&');
        return `${base}/${claim.raffleId}/${claim.entryIndex}/${slot}.json?${query}`;
    };
}

function parseBaseUri(baseUri: unknown): string {
    if (typeof baseUri !== 'string' || baseUri.length === 0 || baseUri.length > 80) {
        throw workerConfigInvalid('metadataBaseUri', 'expected an http(s) URL of at most 80 characters');
    }
    let url: URL;
    try {
        url = new URL(baseUri);
    } catch {
        throw workerConfigInvalid('metadataBaseUri', 'not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw workerConfigInvalid('metadataBaseUri', 'expected an https: (or http:) URL');
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || baseUri.includes('?') || baseUri.includes('#')) {
        throw workerConfigInvalid('metadataBaseUri', 'must not carry credentials, a query or a fragment');
    }
    return baseUri.replace(/\/+$/, '');
}

/**
 * Checks creators against Metaplex's rules (Bubblegum's `assert_metadata_is_mpl_compatible`
 * and its signer check): at most 5, distinct addresses, shares summing to 100 unless empty, and
 * `verified` only for `treeDelegate` (the only key of the issuer that signs every mint).
 *
 * @param creators - the creators to check (hostile input)
 * @param treeDelegate - the tree delegate's address
 * @returns the creators, copied
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`creators`) naming the broken rule
 * @example
 * ```ts
 * assertValidMrftCreators([{ address: treeDelegate.address, verified: true, share: 100 }], treeDelegate.address);
 * ```
 */
export function assertValidMrftCreators(creators: unknown, treeDelegate: Address): MrftCreator[] {
    if (!Array.isArray(creators) || creators.length > 5) throw workerConfigInvalid('creators', 'expected an array of at most 5 creators');
    const out: MrftCreator[] = [];
    let total = 0;
    for (const c of creators as unknown[]) {
        const { address, verified, share } = (c ?? {}) as { address?: unknown; verified?: unknown; share?: unknown };
        if (typeof address !== 'string' || !isAddress(address)) throw workerConfigInvalid('creators', 'a creator address is not a valid address');
        if (typeof verified !== 'boolean') throw workerConfigInvalid('creators', 'a creator has no boolean `verified`');
        if (typeof share !== 'number' || !Number.isInteger(share) || share < 0 || share > 100) throw workerConfigInvalid('creators', 'a share is not an integer percentage');
        if (out.some(o => o.address === address)) throw workerConfigInvalid('creators', `duplicate creator ${address}`);
        if (verified && address !== treeDelegate) throw workerConfigInvalid('creators', `creator ${address} cannot be verified: only the tree delegate signs the mint`);
        total += share;
        out.push({ address, verified, share });
    }
    if (out.length > 0 && total !== 100) throw workerConfigInvalid('creators', `shares sum to ${total}, Metaplex requires 100`);
    return out;
}

/**
 * The Bubblegum `MetadataArgs` of one MRFT: {@link MRFT_NAME}, {@link MRFT_SYMBOL}, `uri`, no
 * royalties (`sellerFeeBasisPoints` 0), immutable, primary sale not happened, `NonFungible`,
 * `Original` token program, collection `{ key: collectionMint, verified: false }`
 * (`mintToCollectionV1` verifies it on chain) and `creators`.
 *
 * @param input - uri, collection mint, creators
 * @returns the metadata, for `mintToCollectionV1`
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`metadataUri`) when the URI is empty or longer than {@link MRFT_MAX_URI_BYTES} bytes
 * @example
 * ```ts
 * const metadata = getMrftMetadataArgs({ uri, collectionMint, creators: [] });
 * ```
 */
export function getMrftMetadataArgs(input: { readonly uri: string; readonly collectionMint: Address; readonly creators: readonly MrftCreator[] }): MetadataArgsArgs {
    const { uri } = input;
    if (typeof uri !== 'string' || uri.length === 0) throw workerConfigInvalid('metadataUri', 'returned an empty or non-string URI');
    const bytes = new TextEncoder().encode(uri).length;
    if (bytes > MRFT_MAX_URI_BYTES) throw workerConfigInvalid('metadataUri', `returned a URI of ${bytes} bytes; Bubblegum allows ${MRFT_MAX_URI_BYTES}`);
    return {
        name: MRFT_NAME,
        symbol: MRFT_SYMBOL,
        uri,
        sellerFeeBasisPoints: 0,
        primarySaleHappened: false,
        isMutable: false,
        editionNonce: none(),
        tokenStandard: some(TokenStandard.NonFungible),
        collection: some({ key: publicKey(input.collectionMint), verified: false }),
        uses: none(),
        tokenProgramVersion: TokenProgramVersion.Original,
        creators: input.creators.map(c => ({ address: publicKey(c.address), verified: c.verified, share: c.share })),
    };
}

/**
 * Derives a program-derived address synchronously (umi's `EddsaInterface.findPda` contract):
 * SHA-256 of `seeds ‖ bump ‖ programId ‖ "ProgramDerivedAddress"`, highest bump off the curve.
 *
 * @param programId - the program
 * @param seeds - at most 16 seeds of at most 32 bytes
 * @returns the address and its bump
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`seeds`) when the seeds are too many or too long, or no bump works
 * @example
 * ```ts
 * const [treeConfig] = findProgramDerivedAddressSync(publicKey(BUBBLEGUM_PROGRAM_ADDRESS), [getAddressEncoder().encode(tree) as Uint8Array]);
 * ```
 */
export function findProgramDerivedAddressSync(programId: PublicKey, seeds: readonly Uint8Array[]): Pda {
    if (seeds.length > 16 || seeds.some(s => s.length > 32)) throw workerConfigInvalid('seeds', 'at most 16 seeds of at most 32 bytes');
    const program = getAddressEncoder().encode(address(programId));
    for (let bump = 255; bump >= 0; bump--) {
        const hash = createHash('sha256');
        for (const seed of seeds) hash.update(seed);
        hash.update(Uint8Array.of(bump)).update(program as Uint8Array).update('ProgramDerivedAddress');
        const candidate = getAddressDecoder().decode(hash.digest());
        if (isOffCurveAddress(candidate)) return [publicKey(candidate), bump] as unknown as Pda;
    }
    throw workerConfigInvalid('seeds', 'no bump gives an address off the curve');
}

/**
 * The smallest umi context mpl-bubblegum's builders need, without HTTP: PDAs derived
 * synchronously, programs resolved to their well-known addresses, and null identity/payer
 * (every signer is passed explicitly; anything else throws).
 *
 * @returns a context for `mintToCollectionV1`, `findTreeConfigPda`, `findLeafAssetIdPda`
 * @example
 * ```ts
 * const [treeConfig] = findTreeConfigPda(createBubblegumUmiContext(), { merkleTree: publicKey(tree) });
 * ```
 */
export function createBubblegumUmiContext(): Pick<Context, 'eddsa' | 'programs' | 'identity' | 'payer'> {
    return {
        eddsa: { ...createNullEddsa(), findPda: findProgramDerivedAddressSync },
        programs: {
            ...createNullProgramRepository(),
            getPublicKey(identifier, fallback) {
                if (fallback === undefined) throw workerConfigInvalid('programs', `no address known for program ${String(identifier)}`);
                return publicKey(fallback);
            },
        },
        identity: createNullSigner(),
        payer: createNullSigner(),
    };
}

/**
 * Converts a umi instruction into a kit `Instruction`: same program, accounts in the same
 * order with their roles, and each account umi marks as a signer carrying the kit
 * `TransactionSigner` of that address (so kit signs with it).
 *
 * @param instruction - a umi instruction (e.g. from `mintToCollectionV1(…).getInstructions()`)
 * @param signers - the kit signers for the instruction's signer accounts (for a repeated address, the last one wins)
 * @returns the kit instruction
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` (`signers`) when a signer account has no kit signer
 * @example
 * ```ts
 * const ix = umiInstructionToKit(mintToCollectionV1(umi, input).getInstructions()[0]!, [payer, treeDelegate]);
 * ```
 */
export function umiInstructionToKit(instruction: UmiInstruction, signers: readonly TransactionSigner[]): Instruction {
    const byAddress = new Map<string, TransactionSigner>(signers.map(s => [s.address, s]));
    const accounts = instruction.keys.map(key => {
        const account = address(key.pubkey);
        if (!key.isSigner) return { address: account, role: key.isWritable ? AccountRole.WRITABLE : AccountRole.READONLY };
        const signer = byAddress.get(account);
        if (!signer) throw workerConfigInvalid('signers', `the instruction needs ${account} to sign and no signer was given for it`);
        return { address: account, role: key.isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER, signer };
    });
    return { programAddress: address(instruction.programId), accounts, data: Uint8Array.from(instruction.data) };
}
