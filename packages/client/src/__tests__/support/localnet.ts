/**
 * The local cluster of a test file: `@raffle/localnet` (the raffle fixtures served over real
 * JSON-RPC and PubSub on 127.0.0.1), started once before the file's tests and stopped after
 * them, with the client's own sender and a few out-of-band helpers (fund a wallet, write a token
 * account, mint a prize NFT, warp the clock). `reset()` puts the cluster back to how it started,
 * so a test that needs a fresh chain does not need a new cluster. Used by the client's and the
 * permit server's end-to-end tests.
 */
import { type Localnet, type RaffleFixtures, startLocalnet } from '@raffle/localnet';
import { createNobleSigner, type PermitSigner } from '@raffle/permit';
import {
    type Address,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    generateKeyPairSigner,
    type KeyPairSigner,
    lamports,
    type Rpc,
    type RpcSubscriptions,
    type Signature,
    type SolanaRpcApi,
    type SolanaRpcSubscriptionsApi,
} from '@solana/kit';
import { AccountState, getMintDecoder, getMintEncoder, getTokenDecoder, getTokenEncoder, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { afterAll, beforeAll } from 'vitest';

import {
    initializeConfigTx,
    parseRaffleEventsFromTransaction,
    type RwaRaffleEvent,
    sendAndConfirmRaffleTransactionFactory,
    type SendAndConfirmRaffleTransactionFunction,
} from '../../index';

const LAMPORTS_PER_SOL = 1_000_000_000n;
const TOKEN_ACCOUNT_SIZE = 165n;
const MINT_SIZE = 82;

/** A transaction as the cluster recorded it. */
export interface RecordedTransaction {
    readonly logs: readonly string[];
    readonly computeUnits: bigint;
    readonly events: RwaRaffleEvent[];
}

/** The running cluster of a test file (see {@link useRaffleCluster}). */
export interface RaffleCluster {
    readonly net: Localnet;
    readonly fixtures: RaffleFixtures;
    readonly rpc: Rpc<SolanaRpcApi>;
    readonly rpcSubscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
    /** The client's sender (`sendAndConfirmRaffleTransactionFactory`) on this cluster. */
    readonly sendAndConfirm: SendAndConfirmRaffleTransactionFunction;
    /** The fixture permit key, trusted by the config. */
    readonly permitSigner: PermitSigner;
    /** Back to the state the cluster started with: the config initialized, or not yet. */
    reset(options?: { initializeConfig?: boolean }): void;
    /** A fresh wallet holding `sol` SOL. */
    wallet(sol?: bigint): Promise<KeyPairSigner>;
    /** A token account of `mint` for `owner` holding `amount` (at `at`, or a fresh address); the supply grows by `amount`. */
    tokenAccount(owner: Address, mint: Address, amount?: bigint, at?: Address): Promise<Address>;
    /** The amount a token account holds. */
    balance(tokenAccount: Address): Promise<bigint>;
    /** A new prize NFT of the fixture collection, in `owner`'s associated token account; returns its mint. */
    prizeNft(owner: Address): Promise<Address>;
    /** The clock sysvar's unix timestamp. */
    now(): bigint;
    /** Moves the clock to `unixTimestamp`. */
    warpClock(unixTimestamp: bigint): void;
    /** The next reveal of the draw hash chain, consumed (restarts at the first one on `reset`). */
    nextReveal(): Uint8Array;
    /** Logs, compute units and raffle events of a confirmed transaction. */
    transaction(signature: Signature): Promise<RecordedTransaction>;
}

/**
 * Starts a cluster for the test file (in `beforeAll`) and stops it after the file (`afterAll`).
 *
 * @returns the cluster; use it inside tests and hooks only
 */
export function useRaffleCluster(): RaffleCluster {
    let net: Localnet | undefined;
    let rpc: Rpc<SolanaRpcApi>;
    let rpcSubscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;
    let sendAndConfirm: SendAndConfirmRaffleTransactionFunction;
    let permitSigner: PermitSigner;
    const snapshots = { uninitialized: '', initialized: '' };
    let revealsUsed = 0;

    beforeAll(async () => {
        // Confirmed and finalized as soon as processed, slots only per transaction: fast and deterministic.
        net = await startLocalnet({
            rpcPort: 0,
            wsPort: 0,
            slotIntervalMs: null,
            confirmationLag: 0,
            finalizationLag: 0,
            fixtures: { seed: 'client-tests', wallets: 0, prizeNfts: 0, hashChainLength: 64, initializeConfig: false },
            onError: () => undefined,
        });
        const f = net.fixtures!;
        rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
        rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl) as RpcSubscriptions<SolanaRpcSubscriptionsApi>;
        sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
        permitSigner = createNobleSigner(f.permitSigner.secretKey.subarray(0, 32));
        snapshots.uninitialized = net.control.snapshot().id;
        // The config as the fixtures would write it, through the client's own builder.
        const init = await initializeConfigTx({
            admin: f.admin.signer,
            permitSigners: [f.permitSigner.address],
            drawAuthority: f.drawAuthority.address,
            drawCommitment: f.drawHashChain.commitment,
            treasury: f.treasury.address,
            feeBps: f.feeBps,
            settleAuthority: f.settleAuthority.address,
            mrftMint: f.mints.MRFT.address,
        });
        await sendAndConfirm(init, { feePayer: f.admin.signer });
        snapshots.initialized = net.control.snapshot().id;
    });
    afterAll(async () => {
        await net?.stop();
    });

    const running = (): Localnet => {
        if (!net) throw new Error('the cluster starts in beforeAll');
        return net;
    };

    async function readAccount(address: Address): Promise<{ data: Uint8Array; lamports: bigint; owner: Address } | null> {
        const { value } = await rpc.getAccountInfo(address, { commitment: 'processed', encoding: 'base64' }).send();
        return value ? { data: new Uint8Array(Buffer.from(value.data[0], 'base64')), lamports: value.lamports, owner: value.owner } : null;
    }

    return {
        get net() {
            return running();
        },
        get fixtures() {
            return running().fixtures!;
        },
        get rpc() {
            running();
            return rpc;
        },
        get rpcSubscriptions() {
            running();
            return rpcSubscriptions;
        },
        get sendAndConfirm() {
            running();
            return sendAndConfirm;
        },
        get permitSigner() {
            running();
            return permitSigner;
        },
        reset(options = {}) {
            running().control.restore(options.initializeConfig === false ? snapshots.uninitialized : snapshots.initialized);
            revealsUsed = 0;
        },
        async wallet(sol = 10n) {
            const signer = await generateKeyPairSigner();
            running().control.airdrop(signer.address, sol * LAMPORTS_PER_SOL);
            return signer;
        },
        async tokenAccount(owner, mint, amount = 0n, at) {
            const { control } = running();
            const address = at ?? (await generateKeyPairSigner()).address;
            const data = new Uint8Array(
                getTokenEncoder().encode({ mint, owner, amount, delegate: null, state: AccountState.Initialized, isNative: null, delegatedAmount: 0n, closeAuthority: null }),
            );
            const rent = await rpc.getMinimumBalanceForRentExemption(TOKEN_ACCOUNT_SIZE).send();
            control.setAccount({ address, data, executable: false, lamports: rent, programAddress: TOKEN_PROGRAM_ADDRESS, space: TOKEN_ACCOUNT_SIZE });
            const mintAccount = await readAccount(mint);
            if (amount > 0n && mintAccount?.owner === TOKEN_PROGRAM_ADDRESS && mintAccount.data.length === MINT_SIZE) {
                const state = getMintDecoder().decode(mintAccount.data);
                control.setAccount({
                    address: mint,
                    data: new Uint8Array(getMintEncoder().encode({ ...state, supply: state.supply + amount })),
                    executable: false,
                    lamports: lamports(mintAccount.lamports),
                    programAddress: TOKEN_PROGRAM_ADDRESS,
                    space: BigInt(MINT_SIZE),
                });
            }
            return address;
        },
        async balance(tokenAccount) {
            const account = await readAccount(tokenAccount);
            if (!account) throw new Error(`no account ${tokenAccount}`);
            return getTokenDecoder().decode(account.data).amount;
        },
        async prizeNft(owner) {
            const { prizeNfts } = await running().control.loadFixtures({ prizeNfts: 1, owner });
            return prizeNfts[0]!.mint;
        },
        now() {
            return running().control.status().unixTimestamp;
        },
        warpClock(unixTimestamp) {
            running().control.warpClock(unixTimestamp);
        },
        nextReveal() {
            const reveal = running().fixtures!.drawHashChain.reveals[revealsUsed++];
            if (!reveal) throw new Error('the draw hash chain is used up');
            return reveal;
        },
        async transaction(signature) {
            const tx = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
            if (!tx?.meta) throw new Error(`no confirmed transaction ${signature}`);
            return { logs: tx.meta.logMessages ?? [], computeUnits: tx.meta.computeUnitsConsumed ?? 0n, events: parseRaffleEventsFromTransaction(tx) };
        },
    };
}
