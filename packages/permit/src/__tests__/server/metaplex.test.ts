/**
 * The Token Metadata collection decoder, checked against data written by Metaplex's own
 * serializer (`@metaplex-foundation/mpl-token-metadata`, a dependency of @raffle/localnet),
 * and the resolver over an account reader backed by the localnet's fixtures (`createRaffleSvm`).
 */
import { randomBytes } from 'node:crypto';

import { createRaffleSvm } from '@raffle/localnet';
import { type Address, lamports } from '@solana/kit';
import { beforeAll, describe, expect, it } from 'vitest';

// Metaplex's serializer, resolved from @raffle/localnet's dependencies.
import { TokenStandard, getMetadataAccountDataSerializer } from '../../../../localnet/node_modules/@metaplex-foundation/mpl-token-metadata';
import { PublicKey } from '../../../../localnet/node_modules/@solana/web3.js';
import {
    TOKEN_METADATA_PROGRAM_ADDRESS,
    createPrizeCollectionResolver,
    decodeMetadataCollection,
    getMetadataAddress,
} from '../../server/metaplex';
import { randomAddress } from './support/fixtures';

type Args = Parameters<ReturnType<typeof getMetadataAccountDataSerializer>['serialize']>[0];
const pk = (a: Address) => a as unknown as Args['mint'];

function metadata(overrides: Omit<Partial<Args>, 'mint'> & { mint: Address }): Uint8Array {
    return getMetadataAccountDataSerializer().serialize({
        updateAuthority: pk(randomAddress()),
        name: 'Rolex Daytona #12',
        symbol: 'RWA',
        uri: 'https://example.com/rwa/12.json',
        sellerFeeBasisPoints: 500,
        creators: [
            { address: pk(randomAddress()), verified: true, share: 60 },
            { address: pk(randomAddress()), verified: false, share: 40 },
        ],
        primarySaleHappened: false,
        isMutable: true,
        editionNonce: 254,
        tokenStandard: TokenStandard.NonFungible,
        collection: null,
        uses: null,
        collectionDetails: null,
        programmableConfig: null,
        ...overrides,
        mint: pk(overrides.mint),
    });
}

describe('decodeMetadataCollection', () => {
    it('reads the verified collection written by mpl-token-metadata', () => {
        const mint = randomAddress();
        const collection = randomAddress();
        const authority = randomAddress();
        const data = metadata({ mint, updateAuthority: pk(authority), collection: { verified: true, key: pk(collection) } });
        expect(decodeMetadataCollection(data)).toEqual({ updateAuthority: authority, mint, collection: { verified: true, key: collection } });
    });

    it('reads unverified and absent collections, with and without optional fields', () => {
        const mint = randomAddress();
        const collection = randomAddress();
        for (const base of [
            {},
            { creators: null, editionNonce: null, tokenStandard: null },
            { tokenStandard: TokenStandard.ProgrammableNonFungible, uses: { useMethod: 0, remaining: 3n, total: 5n } },
            { name: 'x'.repeat(32), symbol: 's'.repeat(10), uri: 'u'.repeat(200) },
        ] as Omit<Partial<Args>, 'mint'>[]) {
            expect(decodeMetadataCollection(metadata({ ...base, mint, collection: { verified: false, key: pk(collection) } }))?.collection).toEqual({
                verified: false,
                key: collection,
            });
            expect(decodeMetadataCollection(metadata({ ...base, mint }))?.collection).toBeNull();
        }
    });

    it('reads on-chain accounts: zero padding after the fields', () => {
        const mint = randomAddress();
        const collection = randomAddress();
        const serialized = metadata({ mint, collection: { verified: true, key: pk(collection) } });
        const account = new Uint8Array(679); // MAX_METADATA_LEN
        account.set(serialized);
        expect(decodeMetadataCollection(account)?.collection).toEqual({ verified: true, key: collection });
    });

    it('treats accounts that end before the collection field as having none', () => {
        const mint = randomAddress();
        const full = metadata({ mint, editionNonce: null, tokenStandard: null });
        // Cut after is_mutable: the two Option tags + collection tag are the last bytes here.
        const cut = full.subarray(0, full.length - 3 - 3); // editionNonce, tokenStandard, collection, uses, details, config tags
        expect(decodeMetadataCollection(cut)).toEqual({ updateAuthority: expect.any(String), mint, collection: null });
    });

    it('rejects malformed data without throwing', () => {
        const mint = randomAddress();
        const good = metadata({ mint, collection: { verified: true, key: pk(randomAddress()) } });
        expect(decodeMetadataCollection(new Uint8Array(0))).toBeUndefined();
        const wrongKey = good.slice();
        wrongKey[0] = 6; // MasterEditionV2
        expect(decodeMetadataCollection(wrongKey)).toBeUndefined();
        for (let length = 1; length < 70; length++) expect(decodeMetadataCollection(good.subarray(0, length))).toBeUndefined();
        const hugeName = good.slice();
        new DataView(hugeName.buffer).setUint32(65, 0xffff_fff0, true);
        expect(decodeMetadataCollection(hugeName)).toBeUndefined();
        for (let i = 0; i < 2000; i++) {
            const noise = randomBytes(1 + (i % 700));
            expect(() => decodeMetadataCollection(noise)).not.toThrow();
        }
    });
});

describe('getMetadataAddress', () => {
    it('matches the PDA Metaplex documents (["metadata", program, mint])', async () => {
        const mint = randomAddress();
        const program = new PublicKey(TOKEN_METADATA_PROGRAM_ADDRESS);
        const [expected] = PublicKey.findProgramAddressSync([Buffer.from('metadata'), program.toBuffer(), new PublicKey(mint).toBuffer()], program);
        expect(await getMetadataAddress(mint)).toBe(expected.toBase58());
    });
});

describe('createPrizeCollectionResolver over the localnet fixtures', () => {
    let world: Awaited<ReturnType<typeof createRaffleSvm>>;
    beforeAll(async () => {
        world = await createRaffleSvm({ seed: 'permit-metaplex-tests', wallets: 0, prizeNfts: 2, programBytes: null });
    });
    const put = async (mint: Address, data: Uint8Array, owner: Address = TOKEN_METADATA_PROGRAM_ADDRESS): Promise<void> => {
        world.svm.setAccount({
            address: await getMetadataAddress(mint),
            data,
            executable: false,
            lamports: lamports(10_000_000n),
            programAddress: owner,
            space: BigInt(data.length),
        });
    };
    let reads = 0;
    const reader = async (address: Address) => {
        reads++;
        const account = world.svm.getAccount(address);
        return account.exists ? { owner: account.programAddress, data: account.data as Uint8Array } : null;
    };

    it('classifies prize mints', async () => {
        const resolve = createPrizeCollectionResolver({ reader, cacheTtlMs: 0 });
        const collection = randomAddress();
        const verified = randomAddress();
        await put(verified, metadata({ mint: verified, collection: { verified: true, key: pk(collection) } }));
        const unverified = randomAddress();
        await put(unverified, metadata({ mint: unverified, collection: { verified: false, key: pk(collection) } }));
        const none = randomAddress();
        await put(none, metadata({ mint: none }));
        const foreignOwner = randomAddress();
        await put(foreignOwner, metadata({ mint: foreignOwner, collection: { verified: true, key: pk(collection) } }), randomAddress());
        const otherMint = randomAddress();
        // Metadata whose mint field names another mint (a forged account cannot sit at this PDA,
        // but a buggy reader could return one).
        await put(otherMint, metadata({ mint: randomAddress(), collection: { verified: true, key: pk(collection) } }));

        expect(await resolve(verified)).toEqual({ status: 'verified', collection });
        expect(await resolve(unverified)).toEqual({ status: 'unverified', collection });
        expect(await resolve(none)).toEqual({ status: 'no-collection' });
        expect(await resolve(randomAddress())).toEqual({ status: 'metadata-missing' });
        expect(await resolve(foreignOwner)).toEqual({ status: 'metadata-missing' });
        expect(await resolve(otherMint)).toEqual({ status: 'metadata-missing' });
        // The fixture prize NFTs, whose metadata the localnet writes with Metaplex's serializer.
        const { prizeNfts, collection: fixtureCollection } = world.fixtures;
        for (const nft of prizeNfts) expect(await resolve(nft.mint)).toEqual({ status: 'verified', collection: fixtureCollection.mint });
        expect(await resolve(fixtureCollection.mint)).toEqual({ status: 'no-collection' });
    });

    it('caches answers for cacheTtlMs and never caches failures', async () => {
        let t = 0;
        const mint = randomAddress();
        await put(mint, metadata({ mint, collection: { verified: true, key: pk(randomAddress()) } }));
        const resolve = createPrizeCollectionResolver({ reader, cacheTtlMs: 1000, now: () => t });
        reads = 0;
        await Promise.all([resolve(mint), resolve(mint), resolve(mint)]);
        expect(reads).toBe(1);
        t = 999;
        await resolve(mint);
        expect(reads).toBe(1);
        t = 1000;
        await resolve(mint);
        expect(reads).toBe(2);

        let fail = true;
        const flaky = createPrizeCollectionResolver({
            reader: async address => {
                if (fail) throw new Error('503 from RPC');
                return reader(address);
            },
            now: () => t,
        });
        await expect(flaky(mint)).rejects.toThrow('503');
        fail = false;
        expect((await flaky(mint)).status).toBe('verified');
    });
});
