/**
 * The world every harness starts from, built once per test run and kept in the run's cache:
 * `createRaffleSvm` (from `@raffle/localnet`) with rwa_raffle deployed under the upgradeable
 * loader (a real ProgramData account whose upgrade authority is the fixture admin), the fixture
 * keys, USDC and MRFT mints, the draw hash chain, plus a fungible prize mint; the config is not
 * initialized. Test files and workers load it (`cachedForRun`) instead of building it.
 */
import { cachedForRun } from '@raffle/test-support';
import { type Address, type KeyPairSigner, createKeyPairSignerFromPrivateKeyBytes } from '@solana/kit';

import { writeMint } from './accounts';
import { FEE_BPS, FIXTURE_SEED, HASH_CHAIN_LENGTH, START_SLOT, START_TIME } from './constants';

/** The world every harness starts from: the localnet's fixtures, config not initialized yet. */
export interface World {
    readonly svmBytes: Uint8Array;
    readonly admin: KeyPairSigner;
    readonly permitSeed: Uint8Array;
    readonly drawAuthority: KeyPairSigner;
    readonly settleAuthority: KeyPairSigner;
    readonly treasury: KeyPairSigner;
    readonly mintAuthority: KeyPairSigner;
    readonly prizeMint: Address;
    readonly paymentMint: Address;
    readonly mrftMint: Address;
    readonly config: Address;
    readonly programData: Address;
    /** The draw hash chain as [seed, H(seed), ..., commitment]: `reveals[i]` of the fixtures is `chain[length - 1 - i]`. */
    readonly hashChain: Uint8Array[];
}

/** What the world file keeps besides the SVM: the fixtures in `fixturesToJson`'s format, and the prize mint. */
interface WorldJson {
    readonly prizeMint: Address;
    readonly fixtures: {
        readonly [key in 'admin' | 'permitSigner' | 'drawAuthority' | 'settleAuthority' | 'treasury' | 'mintAuthority']: { readonly secretKey: number[] };
    } & {
        readonly mints: Readonly<Record<'USDC' | 'MRFT', { readonly address: Address }>>;
        readonly configAddress: Address;
        readonly programDataAddress: Address;
        readonly drawHashChain: { readonly commitment: string; readonly reveals: readonly string[] };
    };
}

let fileWorld: Promise<World> | undefined;

/**
 * Loads the run's world once per test file (module state lives as long as the file), building it
 * first when the run has none yet.
 *
 * @returns The world: the SVM's bytes (load them with `LiteSVM.fromBytes`) and the fixtures.
 */
export function loadWorld(): Promise<World> {
    fileWorld ??= (async () => {
        const bytes = await cachedForRun(`${FIXTURE_SEED}-world.bin`, buildWorld);
        const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
        const json = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength))) as WorldJson;
        const f = json.fixtures;
        const signer = (key: { secretKey: number[] }) => createKeyPairSignerFromPrivateKeyBytes(Uint8Array.from(key.secretKey.slice(0, 32)));
        const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
        const [admin, drawAuthority, settleAuthority, treasury, mintAuthority] = await Promise.all(
            [f.admin, f.drawAuthority, f.settleAuthority, f.treasury, f.mintAuthority].map(signer),
        );
        return {
            svmBytes: bytes.subarray(4 + jsonLength),
            admin: admin!,
            permitSeed: Uint8Array.from(f.permitSigner.secretKey.slice(0, 32)),
            drawAuthority: drawAuthority!,
            settleAuthority: settleAuthority!,
            treasury: treasury!,
            mintAuthority: mintAuthority!,
            prizeMint: json.prizeMint,
            paymentMint: f.mints.USDC.address,
            mrftMint: f.mints.MRFT.address,
            config: f.configAddress,
            programData: f.programDataAddress,
            hashChain: [...[...f.drawHashChain.reveals].reverse().map(hex), hex(f.drawHashChain.commitment)],
        };
    })();
    return fileWorld;
}

/**
 * Builds the world with the localnet's fixtures (only when the run has none yet: the import is heavy).
 * The file is a little-endian u32 JSON length, the JSON ({@link WorldJson}), then the SVM's bytes.
 */
async function buildWorld(): Promise<Uint8Array> {
    const { createRaffleSvm, deriveFixtureKeypair, fixturesToJson } = await import('@raffle/localnet');
    const { svm, fixtures } = await createRaffleSvm({
        seed: FIXTURE_SEED,
        wallets: 0,
        prizeNfts: 0,
        hashChainLength: HASH_CHAIN_LENGTH,
        feeBps: FEE_BPS,
        startSlot: START_SLOT,
        unixTimestamp: START_TIME,
        initializeConfig: false,
    });
    // A fungible prize mint (decimals 0), so raffles can put up more than one unit.
    const prizeMint = (await deriveFixtureKeypair(FIXTURE_SEED, 'mint:PRIZE')).address;
    writeMint(svm, prizeMint, 0, fixtures.mintAuthority.address, 0n);
    const json = new TextEncoder().encode(JSON.stringify({ prizeMint, fixtures: fixturesToJson(fixtures) }));
    const svmBytes = svm.toBytes();
    const out = new Uint8Array(4 + json.length + svmBytes.length);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 4);
    out.set(svmBytes, 4 + json.length);
    return out;
}
