/**
 * The Bubblegum MRFT issuer, checked at the instruction level against Metaplex's own code: no
 * Bubblegum program binary exists on this machine (only the npm registry and Debian apt are
 * reachable), so nothing here runs on chain. Every byte our issuer emits is decoded with
 * mpl-bubblegum's serializers and compared with what mpl-bubblegum's own `mintToCollectionV1`
 * builder produces for the same inputs; PDAs are cross-checked with kit's
 * `getProgramDerivedAddress`; the RPC is a tiny in-test stub for the same reason.
 */
import {
    BubblegumEventType,
    DecompressibleState,
    getBubblegumEventTypeSerializer,
    getLeafSchemaSerializer,
    getMintToCollectionV1InstructionDataSerializer,
    getTreeConfigAccountDataSerializer,
    getVersionSerializer,
    mintToCollectionV1,
    TokenProgramVersion,
    TokenStandard,
    Version,
} from '@metaplex-foundation/mpl-bubblegum';
import { createBaseUmi, createNoopSigner as createUmiNoopSigner, none, publicKey, some, type Umi } from '@metaplex-foundation/umi';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT, RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE, RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE } from '@raffle/errors';
import {
    AccountRole,
    type Address,
    address,
    appendTransactionMessageInstructions,
    type Blockhash,
    compileTransactionMessage,
    createNoopSigner,
    createTransactionMessage,
    getAddressDecoder,
    getAddressEncoder,
    getBase58Decoder,
    getBase64Decoder,
    getProgramDerivedAddress,
    getTransactionMessageSize,
    getU32Encoder,
    getU64Encoder,
    type Instruction,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    type TransactionSigner,
} from '@solana/kit';
import { describe, expect, it } from 'vitest';

import {
    createMrftMetadataUri,
    findProgramDerivedAddressSync,
    MRFT_NAME,
    MRFT_SYMBOL,
    mrftMetadataJson,
    umiInstructionToKit,
} from '../issuers/bubblegum-metadata';
import {
    BUBBLEGUM_PROGRAM_ADDRESS,
    type BubblegumIssuerOptions,
    createBubblegumIssuer,
    DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION,
    SPL_NOOP_PROGRAM_ADDRESS,
} from '../issuers/bubblegum';
import { getMrftMemoInstruction, MEMO_PROGRAM_ADDRESS } from '../issuers/memo';
import type { RefundTicketClaim } from '../issuers/types';

const TOKEN_METADATA = address('metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s');
const COMPRESSION = address('cmtDvXumGCrqC1Age74AVPhSRVXJMd8PJS91L8KbNCK');
const addr = (n: number): Address => getAddressDecoder().decode(new Uint8Array(32).fill(n));
const enc = getAddressEncoder();

const merkleTree = addr(1);
const collectionMint = addr(2);
const treeDelegate = createNoopSigner(addr(3));
const payer = createNoopSigner(addr(4));
const buyer = addr(5);
const baseUri = 'https://mrft.moga.example.com';

const claim: RefundTicketClaim = {
    programAddress: addr(6),
    raffle: addr(7),
    raffleId: 7n,
    entry: addr(8),
    entryIndex: 3,
    buyer,
    tickets: 3,
    firstTicket: 10,
    ticketPrice: 5_000_000n,
    paymentMint: addr(9),
    raffleCreatedAt: 1_700_000_000n,
    refundDate: 1_700_086_400n,
};

type RpcStub = BubblegumIssuerOptions['rpc'];
const unusedRpc = {
    getAccountInfo: () => ({ send: async () => ({ context: { slot: 1n }, value: null }) }),
    getSignaturesForAddress: () => ({ send: async () => [] }),
    getTransaction: () => ({ send: async () => null }),
} as unknown as RpcStub;

function issuer(overrides: Partial<BubblegumIssuerOptions> = {}) {
    return createBubblegumIssuer({ rpc: unusedRpc, merkleTree, collectionMint, treeDelegate, metadataBaseUri: baseUri, ...overrides });
}

/** A umi built from umi core (no network), PDAs derived by our sync implementation (cross-checked with kit below). */
function metaplexUmi(): Umi {
    return createBaseUmi().use({
        install(umi) {
            umi.eddsa = { ...umi.eddsa, findPda: findProgramDerivedAddressSync };
            umi.programs = { ...umi.programs, getPublicKey: (_name, fallback) => publicKey(fallback!) };
        },
    });
}

async function pda(program: Address, seeds: (string | Uint8Array)[]): Promise<Address> {
    return (await getProgramDerivedAddress({ programAddress: program, seeds: seeds.map(s => (typeof s === 'string' ? s : Uint8Array.from(s))) }))[0];
}

function expectInvalid(run: () => unknown, name: string): void {
    try {
        run();
    } catch (e) {
        expect(isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
        expect((e as { context: { name: string } }).context.name).toBe(name);
        return;
    }
    throw new Error(`expected an invalid-argument error naming ${name}`);
}

async function expectInvalidAsync(run: () => Promise<unknown>, name: string): Promise<void> {
    const e = await run().then(
        () => null,
        (error: unknown) => error,
    );
    expect(isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT)).toBe(true);
    expect((e as { context: { name: string } }).context.name).toBe(name);
}

function transactionSize(instructions: readonly Instruction[], feePayer: TransactionSigner): number {
    return getTransactionMessageSize(
        pipe(
            createTransactionMessage({ version: 0 }),
            m => setTransactionMessageFeePayerSigner(feePayer, m),
            m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: addr(99) as unknown as Blockhash, lastValidBlockHeight: 0n }, m),
            m => appendTransactionMessageInstructions(instructions, m),
        ),
    );
}

const roleOf = (isSigner: boolean, isWritable: boolean) =>
    isSigner ? (isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER) : isWritable ? AccountRole.WRITABLE : AccountRole.READONLY;

describe('PDAs (our synchronous derivation = kit getProgramDerivedAddress, seeds as in mpl-bubblegum / Token Metadata)', () => {
    it('tree config, collection metadata, master edition and leaf asset id', async () => {
        const cases: [Address, (string | Uint8Array)[]][] = [
            [BUBBLEGUM_PROGRAM_ADDRESS, [enc.encode(merkleTree) as Uint8Array]],
            [TOKEN_METADATA, ['metadata', enc.encode(TOKEN_METADATA) as Uint8Array, enc.encode(collectionMint) as Uint8Array]],
            [TOKEN_METADATA, ['metadata', enc.encode(TOKEN_METADATA) as Uint8Array, enc.encode(collectionMint) as Uint8Array, 'edition']],
            [BUBBLEGUM_PROGRAM_ADDRESS, ['asset', enc.encode(merkleTree) as Uint8Array, getU64Encoder().encode(42n) as Uint8Array]],
        ];
        for (const [program, seeds] of cases) {
            const bytes = seeds.map(s => (typeof s === 'string' ? new TextEncoder().encode(s) : s));
            expect(address(findProgramDerivedAddressSync(publicKey(program), bytes)[0])).toBe(await pda(program, seeds));
        }
        expectInvalid(() => findProgramDerivedAddressSync(publicKey(merkleTree), [new Uint8Array(33)]), 'seeds');
    });
});

describe('umiInstructionToKit', () => {
    it('keeps program, order, roles and data, and embeds the kit signer of each signer account', () => {
        const other = createNoopSigner(addr(11));
        const kit = umiInstructionToKit(
            {
                programId: publicKey(addr(10)),
                keys: [
                    { pubkey: publicKey(payer.address), isSigner: true, isWritable: true },
                    { pubkey: publicKey(other.address), isSigner: true, isWritable: false },
                    { pubkey: publicKey(addr(12)), isSigner: false, isWritable: true },
                    { pubkey: publicKey(addr(13)), isSigner: false, isWritable: false },
                ],
                data: Uint8Array.of(1, 2, 3),
            },
            [payer, other],
        );
        expect(kit).toEqual({
            programAddress: addr(10),
            accounts: [
                { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer },
                { address: other.address, role: AccountRole.READONLY_SIGNER, signer: other },
                { address: addr(12), role: AccountRole.WRITABLE },
                { address: addr(13), role: AccountRole.READONLY },
            ],
            data: Uint8Array.of(1, 2, 3),
        });
        expect((kit.accounts![0] as unknown as { signer: unknown }).signer).toBe(payer);
    });

    it('refuses a signer account it has no kit signer for', () => {
        const ix = { programId: publicKey(addr(10)), keys: [{ pubkey: publicKey(addr(11)), isSigner: true, isWritable: false }], data: new Uint8Array() };
        expectInvalid(() => umiInstructionToKit(ix, [payer]), 'signers');
    });
});

/** Checks each of our mint instructions (slot 0, 1, 2…) against mpl-bubblegum's serializer and builder. */
async function expectMetaplexMints(mints: readonly Instruction[], collectionAuthority: TransactionSigner): Promise<void> {
    const serializer = getMintToCollectionV1InstructionDataSerializer();
    const umi = metaplexUmi();
    for (const [slot, ix] of mints.entries()) {
        expect(ix.programAddress).toBe(BUBBLEGUM_PROGRAM_ADDRESS);

        // The data, decoded with Metaplex's serializer, is the MRFT metadata; re-encoding gives the same bytes.
        const [decoded, read] = serializer.deserialize(ix.data as Uint8Array);
        expect(read).toBe(ix.data!.length);
        expect(decoded.metadata).toEqual({
            name: 'MOGA Raffle Refund Ticket',
            symbol: 'MRFT',
            uri: `${baseUri}/7/3/${slot}.json?raffle_id=7&usdc_value=5000000&original_slot=${10 + slot}&refund_date=2023-11-15T22:13:20Z`,
            sellerFeeBasisPoints: 0,
            primarySaleHappened: false,
            isMutable: false,
            editionNonce: none(),
            tokenStandard: some(TokenStandard.NonFungible),
            collection: some({ key: publicKey(collectionMint), verified: false }),
            uses: none(),
            tokenProgramVersion: TokenProgramVersion.Original,
            creators: [],
        });
        expect(serializer.serialize(decoded)).toEqual(ix.data);

        // Metaplex's own builder for the same inputs (PDAs and program accounts left to its defaults).
        const [reference] = mintToCollectionV1(umi, {
            leafOwner: publicKey(buyer),
            merkleTree: publicKey(merkleTree),
            payer: createUmiNoopSigner(publicKey(payer.address)),
            treeCreatorOrDelegate: createUmiNoopSigner(publicKey(treeDelegate.address)),
            collectionAuthority: createUmiNoopSigner(publicKey(collectionAuthority.address)),
            collectionMint: publicKey(collectionMint),
            metadata: { ...decoded.metadata },
        }).getInstructions();
        expect(ix.programAddress).toBe(reference!.programId);
        expect(ix.data).toEqual(reference!.data);
        expect(ix.accounts!.map(a => ({ address: a.address, role: a.role }))).toEqual(
            reference!.keys.map(k => ({ address: k.pubkey, role: roleOf(k.isSigner, k.isWritable) })),
        );

        // Account by account: leaf owner and delegate are the buyer, signers are our kit signers.
        const accounts = ix.accounts!;
        const signerOf = (i: number) => (accounts[i] as unknown as { signer?: unknown }).signer;
        expect(accounts[0]!.address).toBe(await pda(BUBBLEGUM_PROGRAM_ADDRESS, [enc.encode(merkleTree) as Uint8Array]));
        expect([accounts[1]!.address, accounts[2]!.address, accounts[3]!.address]).toEqual([buyer, buyer, merkleTree]);
        expect([signerOf(4), signerOf(5), signerOf(6)]).toEqual([payer, treeDelegate, collectionAuthority]);
        expect(signerOf(4)).toBe(payer);
        expect(signerOf(5)).toBe(treeDelegate);
        expect(signerOf(6)).toBe(collectionAuthority);
        expect(accounts[7]!.address).toBe(BUBBLEGUM_PROGRAM_ADDRESS); // no collection authority record
        expect(accounts[12]!.address).toBe(SPL_NOOP_PROGRAM_ADDRESS);
        expect(accounts[13]!.address).toBe(COMPRESSION);
        expect(accounts.filter(a => 'signer' in a)).toHaveLength(3);
    }
}

describe('buildIssue', () => {
    const expectedUri = (slot: number) =>
        `${baseUri}/7/3/${slot}.json?raffle_id=7&usdc_value=5000000&original_slot=${10 + slot}&refund_date=2023-11-15T22:13:20Z`;

    it('emits one mintToCollectionV1 per slot, byte for byte what mpl-bubblegum builds, then the memo', async () => {
        const separate = createNoopSigner(addr(14));
        for (const collectionAuthority of [treeDelegate, separate]) {
            const mrft = issuer(collectionAuthority === separate ? { collectionAuthority } : {});
            expect(mrft.slotsPerTransaction).toBe(collectionAuthority === separate ? 1 : 2);
            // The claim's 3 slots in the chunks the automations send ([0,2) [2,3), or one per transaction).
            const mints: Instruction[] = [];
            for (let from = 0; from < claim.tickets; from += mrft.slotsPerTransaction) {
                const range = { from, to: Math.min(from + mrft.slotsPerTransaction, claim.tickets) };
                const built = await mrft.buildIssue(claim, range, { payer });
                expect(built.instructions).toHaveLength(range.to - range.from + 1);
                expect(built.instructions.at(-1)).toEqual(getMrftMemoInstruction(claim, range));
                expect(built.details).toMatchObject({ merkleTree, collectionMint, leafOwner: buyer, uris: [0, 1, 2].slice(range.from, range.to).map(expectedUri) });
                mints.push(...built.instructions.slice(0, -1));
            }
            expect(mints).toHaveLength(3);
            await expectMetaplexMints(mints, collectionAuthority);
        }
    });

    it('uses the given collection accounts, creators and URI function', async () => {
        const creators = [{ address: treeDelegate.address, verified: true, share: 100 }];
        const built = await issuer({
            metadataBaseUri: undefined,
            metadataUri: (c, slot) => `https://x.example/${c.entryIndex}-${slot}`,
            collectionMetadata: addr(20),
            collectionEdition: addr(21),
            collectionAuthorityRecord: addr(22),
            creators,
        }).buildIssue(claim, { from: 1, to: 2 }, { payer: treeDelegate });
        const ix = built.instructions[0]!;
        const [decoded] = getMintToCollectionV1InstructionDataSerializer().deserialize(ix.data as Uint8Array);
        expect(decoded.metadata.uri).toBe('https://x.example/3-1');
        expect(decoded.metadata.creators).toEqual([{ address: publicKey(treeDelegate.address), verified: true, share: 100 }]);
        expect([ix.accounts![7]!.address, ix.accounts![9]!.address, ix.accounts![10]!.address]).toEqual([addr(22), addr(20), addr(21)]);
        // The payer is also the tree delegate and collection authority: one signer object for kit.
        expect(ix.accounts!.filter(a => 'signer' in a).every(a => (a as { signer: unknown }).signer === treeDelegate)).toBe(true);
    });

    it('fits the default slots per transaction in 1232 bytes with long real-world values; one more slot does not', async () => {
        const long: RefundTicketClaim = { ...claim, raffleId: 1_000_000_000n, entryIndex: 99_999, tickets: 100, firstTicket: 999_990, ticketPrice: 1_000_000_000_000n };
        const sizes: Record<string, number> = {};
        for (const [label, collectionAuthority, slots] of [
            ['tree delegate = collection authority', treeDelegate, DEFAULT_BUBBLEGUM_SLOTS_PER_TRANSACTION],
            ['separate collection authority', createNoopSigner(addr(14)), 1],
        ] as const) {
            expect(issuer({ collectionAuthority }).slotsPerTransaction).toBe(slots);
            // Measured past the issuer's own size guard (slotsPerTransaction 16 only to let it build; the guard refuses > 1232).
            const wide = issuer({ slotsPerTransaction: 16, collectionAuthority });
            const size = async (c: RefundTicketClaim, to: number) =>
                transactionSize((await wide.buildIssue(c, { from: 0, to }, { payer })).instructions, payer);
            sizes[`${label}, ${slots} slot(s), long values`] = await size(long, slots);
            sizes[`${label}, ${slots} slot(s), typical values`] = await size(claim, slots);
            expect(await size(long, slots)).toBeLessThanOrEqual(1232);
            await expectInvalidAsync(() => size(long, slots + 1), 'slotsPerTransaction');
        }
        console.info('MRFT issuance transaction sizes (v0 message, fee payer + mints + memo, bytes):', sizes);
    });

    it('rejects bad ranges, payers and URIs with typed errors', async () => {
        const it2 = issuer();
        await expectInvalidAsync(() => it2.buildIssue(claim, { from: 0, to: 3 }, { payer }), 'range'); // more than slotsPerTransaction
        await expectInvalidAsync(() => it2.buildIssue(claim, { from: 2, to: 2 }, { payer }), 'range');
        await expectInvalidAsync(() => it2.buildIssue(claim, { from: 2, to: 4 }, { payer }), 'range');
        await expectInvalidAsync(() => it2.buildIssue(claim, { from: -1, to: 1 }, { payer }), 'range');
        await expectInvalidAsync(() => it2.buildIssue(claim, { from: 0, to: 1 }, { payer: { address: 'nope' } as never }), 'payer');
        await expectInvalidAsync(() => it2.buildIssue({ ...claim, buyer: 'nope' as Address }, { from: 0, to: 1 }, { payer }), 'claim.buyer');
        const longUri = issuer({ metadataBaseUri: undefined, metadataUri: () => `https://x.example/${'a'.repeat(200)}` });
        await expectInvalidAsync(() => longUri.buildIssue(claim, { from: 0, to: 1 }, { payer }), 'metadataUri');
        const notString = issuer({ metadataBaseUri: undefined, metadataUri: () => 42 as unknown as string });
        await expectInvalidAsync(() => notString.buildIssue(claim, { from: 0, to: 1 }, { payer }), 'metadataUri');
        // Valid 200-byte URIs, but two of them do not fit in one transaction: refused before sending.
        const maxUri = issuer({ metadataBaseUri: undefined, metadataUri: () => `https://x.example/${'a'.repeat(182)}` });
        await expect(maxUri.buildIssue(claim, { from: 0, to: 1 }, { payer })).resolves.toBeDefined();
        await expectInvalidAsync(() => maxUri.buildIssue(claim, { from: 0, to: 2 }, { payer }), 'slotsPerTransaction');
    });
});

describe('metadata JSON and URI', () => {
    it('mrftMetadataJson carries the product attributes; the default URI repeats them as query parameters', () => {
        expect(mrftMetadataJson(claim, 2)).toEqual({
            name: MRFT_NAME,
            symbol: MRFT_SYMBOL,
            description: expect.stringContaining('#12'),
            attributes: [
                { trait_type: 'raffle_id', value: '7' },
                { trait_type: 'usdc_value', value: '5000000' },
                { trait_type: 'original_slot', value: 12 },
                { trait_type: 'refund_date', value: '2023-11-15T22:13:20Z' },
            ],
        });
        const uri = new URL(createMrftMetadataUri(`${baseUri}/`)(claim, 2));
        expect(uri.pathname).toBe(`/${claim.raffleId}/3/2.json`);
        expect(Object.fromEntries(uri.searchParams)).toEqual(
            Object.fromEntries(mrftMetadataJson(claim, 2).attributes.map(a => [a.trait_type, String(a.value)])),
        );
    });
});

describe('options', () => {
    it('rejects hostile or invalid options with a typed error naming the option', () => {
        expectInvalid(() => createBubblegumIssuer(null as never), 'options');
        expectInvalid(() => issuer({ rpc: {} as RpcStub }), 'rpc');
        expectInvalid(() => issuer({ rpc: { getAccountInfo: 1 } as unknown as RpcStub }), 'rpc');
        expectInvalid(() => issuer({ merkleTree: 'not-an-address' as Address }), 'merkleTree');
        expectInvalid(() => issuer({ collectionMint: 42 as unknown as Address }), 'collectionMint');
        expectInvalid(() => issuer({ collectionMetadata: '' as Address }), 'collectionMetadata');
        expectInvalid(() => issuer({ collectionEdition: 'x'.repeat(44) as Address }), 'collectionEdition');
        expectInvalid(() => issuer({ collectionAuthorityRecord: '0OIl' as Address }), 'collectionAuthorityRecord');
        expectInvalid(() => issuer({ treeDelegate: { address: addr(3) } as TransactionSigner }), 'treeDelegate');
        expectInvalid(() => issuer({ treeDelegate: undefined as never }), 'treeDelegate');
        expectInvalid(() => issuer({ collectionAuthority: {} as TransactionSigner }), 'collectionAuthority');
        expectInvalid(() => issuer({ metadataUri: 'https://x' as never }), 'metadataUri');
        expectInvalid(() => issuer({ metadataUri: () => 'https://x' }), 'metadataUri'); // with metadataBaseUri too
        expectInvalid(() => issuer({ metadataBaseUri: undefined }), 'metadataBaseUri');
        for (const bad of ['ftp://x.example', 'https://x.example/?q=1', 'https://u:p@x.example', 'https://x.example/#f', 'not a url', `https://x.example/${'a'.repeat(80)}`]) {
            expectInvalid(() => issuer({ metadataBaseUri: bad }), 'metadataBaseUri');
        }
        for (const bad of [0, -1, 1.5, Number.NaN, 17, '2' as unknown as number]) expectInvalid(() => issuer({ slotsPerTransaction: bad }), 'slotsPerTransaction');
        expectInvalid(() => issuer({ dasRpcUrl: 'javascript:alert(1)' }), 'dasRpcUrl');
        expectInvalid(() => issuer({ fetch: 'fetch' as never }), 'fetch');
        const creator = (n: number, share: number, verified = false) => ({ address: addr(n), share, verified });
        for (const bad of [
            [creator(30, 50)], // shares sum to 50
            [creator(30, 50), creator(30, 50)], // duplicate
            [creator(30, 100, true)], // verified but not the tree delegate
            [1, 2, 3, 4, 5, 6].map(n => creator(30 + n, n === 1 ? 95 : 1)), // more than 5
            [{ address: 'nope', share: 100, verified: false }],
            'all' as never,
        ]) {
            expectInvalid(() => issuer({ creators: bad as never }), 'creators');
        }
    });

    it('is the bubblegum issuer, with the tree delegate as authority and the buyer as history address', async () => {
        const it2 = issuer();
        expect(it2.name).toBe('bubblegum');
        expect(it2.authority).toBe(treeDelegate.address);
        expect(await it2.historyAddress(claim)).toBe(buyer);
    });
});

describe('checkCapacity', () => {
    // A tiny in-test getAccountInfo stub is acceptable here ONLY because no Bubblegum program exists on this machine:
    // the tree config it serves is serialized with Metaplex's own getTreeConfigAccountDataSerializer().
    function rpcServing(config: Partial<Parameters<ReturnType<typeof getTreeConfigAccountDataSerializer>['serialize']>[0]> | null, owner = BUBBLEGUM_PROGRAM_ADDRESS) {
        const asked: string[] = [];
        const rpc = {
            ...unusedRpc,
            getAccountInfo: (account: string, opts: { encoding: string }) => {
                asked.push(account);
                expect(opts.encoding).toBe('base64');
                const data = config
                    ? getTreeConfigAccountDataSerializer().serialize({
                          treeCreator: publicKey(treeDelegate.address),
                          treeDelegate: publicKey(addr(40)),
                          totalMintCapacity: 16,
                          numMinted: 14,
                          isPublic: false,
                          isDecompressible: DecompressibleState.Disabled,
                          version: Version.V1,
                          ...config,
                      })
                    : null;
                const value = data ? { data: [getBase64Decoder().decode(data), 'base64'], owner, executable: false, lamports: 1n, space: BigInt(data.length), rentEpoch: 0n } : null;
                return { send: async () => ({ context: { slot: 1n }, value }) };
            },
        } as unknown as RpcStub;
        return { rpc, asked };
    }

    it('passes while the tree has room, and reads the tree config PDA', async () => {
        const { rpc, asked } = rpcServing({});
        await expect(issuer({ rpc }).checkCapacity!(2)).resolves.toBeUndefined();
        expect(asked).toEqual([await pda(BUBBLEGUM_PROGRAM_ADDRESS, [enc.encode(merkleTree) as Uint8Array])]);
        // Allowed as the tree's delegate too, and on a public tree.
        await expect(issuer({ rpc: rpcServing({ treeCreator: publicKey(addr(41)), treeDelegate: publicKey(treeDelegate.address) }).rpc }).checkCapacity!(1)).resolves.toBeUndefined();
        await expect(issuer({ rpc: rpcServing({ treeCreator: publicKey(addr(41)), isPublic: true }).rpc }).checkCapacity!(1)).resolves.toBeUndefined();
    });

    it('throws a clear typed error when the tree is full, missing, not Bubblegum, V2 or not ours', async () => {
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({}).rpc }).checkCapacity!(3), 'merkleTree');
        await expect(issuer({ rpc: rpcServing({}).rpc }).checkCapacity!(3)).rejects.toThrow(/14 of 16 leaves minted, 3 more needed/);
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({ numMinted: 20 }).rpc }).checkCapacity!(1), 'merkleTree');
        await expectInvalidAsync(() => issuer({ rpc: rpcServing(null).rpc }).checkCapacity!(1), 'merkleTree');
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({}, addr(50)).rpc }).checkCapacity!(1), 'merkleTree');
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({ version: Version.V2 }).rpc }).checkCapacity!(1), 'merkleTree');
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({ treeCreator: publicKey(addr(41)) }).rpc }).checkCapacity!(1), 'treeDelegate');
        await expectInvalidAsync(() => issuer({ rpc: rpcServing({}).rpc }).checkCapacity!(-1), 'slots');
    });
});

describe('describeIssued and findIssued on a synthetic mint transaction', () => {
    const signature = getBase58Decoder().decode(new Uint8Array(64).fill(7));

    /** The Noop data Bubblegum logs for a leaf: AccountCompressionEvent::ApplicationData(V1 { LeafSchemaEvent }). */
    async function leafEventData(nonce: bigint, owner: Address = buyer, id?: Address): Promise<Uint8Array> {
        const assetId = id ?? (await pda(BUBBLEGUM_PROGRAM_ADDRESS, ['asset', enc.encode(merkleTree) as Uint8Array, getU64Encoder().encode(nonce) as Uint8Array]));
        const event = new Uint8Array([
            ...getBubblegumEventTypeSerializer().serialize(BubblegumEventType.LeafSchemaEvent),
            ...getVersionSerializer().serialize(Version.V1),
            ...getLeafSchemaSerializer().serialize({
                __kind: 'V1',
                id: publicKey(assetId),
                owner: publicKey(owner),
                delegate: publicKey(owner),
                nonce,
                dataHash: new Uint8Array(32).fill(1),
                creatorHash: new Uint8Array(32).fill(2),
            }),
            ...new Uint8Array(32).fill(3), // leaf hash
        ]);
        return new Uint8Array([1, 0, ...getU32Encoder().encode(event.length), ...event]);
    }

    /** The `getTransaction` (json) response of our own issuance, compiled by kit, with Bubblegum's CPIs as inner instructions. */
    async function mintTransaction(options: { readonly events?: (index: number) => Promise<Uint8Array>; readonly err?: unknown; readonly inner?: boolean } = {}) {
        const built = await issuer().buildIssue(claim, { from: 0, to: 2 }, { payer });
        const compiled = compileTransactionMessage(
            pipe(
                createTransactionMessage({ version: 0 }),
                m => setTransactionMessageFeePayerSigner(payer, m),
                m => setTransactionMessageLifetimeUsingBlockhash({ blockhash: addr(99) as unknown as Blockhash, lastValidBlockHeight: 0n }, m),
                m => appendTransactionMessageInstructions(built.instructions, m),
            ),
        );
        const accountKeys = [...compiled.staticAccounts, SPL_NOOP_PROGRAM_ADDRESS, COMPRESSION].filter((a, i, all) => all.indexOf(a) === i);
        const b58 = getBase58Decoder();
        const events = options.events ?? (async (index: number) => leafEventData(100n + BigInt(index)));
        const innerInstructions = [];
        for (const [index, ix] of compiled.instructions.entries()) {
            if (accountKeys[ix.programAddressIndex] !== BUBBLEGUM_PROGRAM_ADDRESS) continue;
            innerInstructions.push({
                index,
                instructions: [
                    { programIdIndex: accountKeys.indexOf(SPL_NOOP_PROGRAM_ADDRESS), accounts: [], data: b58.decode(await events(index)), stackHeight: 2 },
                    { programIdIndex: accountKeys.indexOf(COMPRESSION), accounts: [], data: b58.decode(Uint8Array.of(9, 9, 9)), stackHeight: 2 },
                    { programIdIndex: accountKeys.indexOf(SPL_NOOP_PROGRAM_ADDRESS), accounts: [], data: b58.decode(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8)), stackHeight: 3 },
                ],
            });
        }
        return {
            slot: 10n,
            blockTime: 1_700_086_500n,
            meta: { err: options.err ?? null, innerInstructions: options.inner === false ? null : innerInstructions, loadedAddresses: { writable: [], readonly: [] } },
            transaction: {
                signatures: [signature],
                message: {
                    accountKeys,
                    header: { numRequiredSignatures: compiled.header.numSignerAccounts, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 0 },
                    instructions: compiled.instructions.map(ix => ({
                        programIdIndex: ix.programAddressIndex,
                        accounts: ix.accountIndices ?? [],
                        data: b58.decode(ix.data ?? new Uint8Array()),
                    })),
                    recentBlockhash: addr(99),
                },
            },
        };
    }

    const rpcWith = (tx: unknown, history: unknown[] = []) =>
        ({
            ...unusedRpc,
            getTransaction: (_sig: string, opts: { encoding: string; maxSupportedTransactionVersion: number }) => {
                expect(opts).toMatchObject({ encoding: 'json', maxSupportedTransactionVersion: 0 });
                return { send: async () => tx };
            },
            getSignaturesForAddress: (account: string) => {
                expect(account).toBe(buyer);
                return { send: async () => history };
            },
        }) as unknown as RpcStub;

    it('returns the asset ids of the leaves the transaction logged (LeafSchema events -> findLeafAssetIdPda)', async () => {
        const expected = [
            await pda(BUBBLEGUM_PROGRAM_ADDRESS, ['asset', enc.encode(merkleTree) as Uint8Array, getU64Encoder().encode(100n) as Uint8Array]),
            await pda(BUBBLEGUM_PROGRAM_ADDRESS, ['asset', enc.encode(merkleTree) as Uint8Array, getU64Encoder().encode(101n) as Uint8Array]),
        ];
        const tx = await mintTransaction({ events: async index => leafEventData(100n + BigInt(index)) });
        expect(await issuer({ rpc: rpcWith(tx) }).describeIssued!(claim, { from: 0, to: 2 }, signature)).toEqual({ assetIds: expected });
    });

    it('refuses leaves of another owner, ids that are not the asset PDA, failed or missing transactions', async () => {
        const wrongOwner = await mintTransaction({ events: async () => leafEventData(100n, addr(60)) });
        const wrongId = await mintTransaction({ events: async () => leafEventData(100n, buyer, addr(61)) });
        for (const tx of [wrongOwner, wrongId]) {
            const e = await issuer({ rpc: rpcWith(tx) }).describeIssued!(claim, { from: 0, to: 2 }, signature).catch((error: unknown) => error);
            expect(isRaffleError(e, RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE)).toBe(true);
        }
        for (const tx of [null, await mintTransaction({ err: { InstructionError: [0, 'Custom'] } })]) {
            const e = await issuer({ rpc: rpcWith(tx) }).describeIssued!(claim, { from: 0, to: 2 }, signature).catch((error: unknown) => error);
            expect(isRaffleError(e, RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE)).toBe(true);
        }
        await expectInvalidAsync(() => issuer().describeIssued!(claim, { from: 0, to: 2 }, 'not a signature'), 'signature');
        await expectInvalidAsync(() => issuer().describeIssued!(claim, { from: 0, to: 9 }, signature), 'range');
        // Garbage after a valid-looking prefix is skipped, not thrown.
        const garbage = await mintTransaction({ events: async () => Uint8Array.of(1, 0, 5, 0, 0, 0, 1, 0, 7) });
        const e = await issuer({ rpc: rpcWith(garbage) }).describeIssued!(claim, { from: 0, to: 2 }, signature).catch((error: unknown) => error);
        expect(isRaffleError(e, RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE)).toBe(true);
    });

    it('falls back to DAS (searchAssets by owner, collection and json URI) only when the RPC has no inner instructions', async () => {
        const tx = await mintTransaction({ inner: false });
        const requests: { url: string; body: { method: string; params: Record<string, unknown> } }[] = [];
        const fetchStub = (async (url: string, init: { body: string }) => {
            const body = JSON.parse(init.body) as { method: string; params: { jsonUri: string } };
            requests.push({ url, body });
            const slot = body.params.jsonUri.includes('/3/0.json') ? 0 : 1;
            return new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { items: [{ id: addr(70 + slot), compression: { tree: merkleTree } }, { id: addr(80), compression: { tree: addr(81) } }] } }));
        }) as unknown as typeof fetch;
        const das = issuer({ rpc: rpcWith(tx), dasRpcUrl: 'https://das.example/?api-key=secret', fetch: fetchStub });
        expect(await das.describeIssued!(claim, { from: 0, to: 2 }, signature)).toEqual({ assetIds: [addr(70), addr(71)], source: 'das' });
        expect(requests.map(r => r.body.method)).toEqual(['searchAssets', 'searchAssets']);
        expect(requests[0]!.body.params).toMatchObject({ ownerAddress: buyer, grouping: ['collection', collectionMint] });
        // DAS down or unreachable: a typed error that does not repeat the URL (it may hold an API key).
        const down = issuer({ rpc: rpcWith(tx), dasRpcUrl: 'https://das.example/?api-key=secret', fetch: (async () => Promise.reject(new Error('ECONNREFUSED https://das.example/?api-key=secret'))) as typeof fetch });
        const failed = await down.describeIssued!(claim, { from: 0, to: 2 }, signature).catch((error: unknown) => error);
        expect(isRaffleError(failed, RAFFLE_ERROR__WORKER__TRANSACTION_UNAVAILABLE)).toBe(true);
        expect(String((failed as Error).message)).not.toContain('secret');
        // Without DAS the missing events are an error, not a guess.
        const e = await issuer({ rpc: rpcWith(tx) }).describeIssued!(claim, { from: 0, to: 2 }, signature).catch((error: unknown) => error);
        expect(isRaffleError(e, RAFFLE_ERROR__WORKER__EVENT_UNDECODABLE)).toBe(true);
    });

    it('findIssued proves the range from the buyer history: memo + tree delegate signature', async () => {
        const tx = await mintTransaction();
        const history = [{ signature, err: null, memo: `[40] mrft:v1:${claim.entry}:0-2`, blockTime: 1_700_086_500n, slot: 10n, confirmationStatus: 'confirmed' }];
        expect(await issuer({ rpc: rpcWith(tx, history) }).findIssued(claim)).toEqual([{ from: 0, to: 2 }]);
        // Signed by someone else: not believed.
        const otherDelegate = issuer({ rpc: rpcWith(tx, history), treeDelegate: createNoopSigner(addr(90)) });
        expect(await otherDelegate.findIssued(claim)).toEqual([]);
        expect(tx.transaction.message.accountKeys).toContain(MEMO_PROGRAM_ADDRESS);
    });
});
