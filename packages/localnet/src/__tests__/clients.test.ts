/**
 * Validation with clients we did not write: unmodified @solana/kit, @solana/web3.js 1.x and
 * Anchor's Program, against the cluster over real HTTP and websockets.
 */
import { AnchorProvider, type Idl, Program } from '@coral-xyz/anchor';
import { getUpdateConfigInstruction } from '@raffle/client';
import { rwaRaffleIdl } from '@raffle/program';
import { waitFor } from '@raffle/test-support';
import {
    type Address,
    appendTransactionMessageInstructions,
    assertIsTransactionWithBlockhashLifetime,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    getSignatureFromTransaction,
    pipe,
    sendAndConfirmTransactionFactory,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
    type Signature,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { Connection, Keypair, PublicKey, SystemProgram, Transaction, VersionedTransaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Localnet, startLocalnet } from '../index';

let net: Localnet;

beforeAll(async () => {
    net = await startLocalnet({ rpcPort: 0, slotIntervalMs: 20, confirmationLag: 1, finalizationLag: 4, fixtures: { wallets: 3, prizeNfts: 1 } });
});
afterAll(async () => {
    await net?.stop();
});

describe('@solana/kit', () => {
    it('sendAndConfirm at confirmed and finalized, with logsNotifications and signatureNotifications', async () => {
        const rpc = createSolanaRpc(net.rpcUrl);
        const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
        const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
        const payer = net.fixtures!.wallets[0]!.keypair.signer;
        const destination = (await Keypair.generate()).publicKey.toBase58() as Address;
        const abort = new AbortController();
        try {
            const logs = await rpcSubscriptions.logsNotifications({ mentions: [destination] }, { commitment: 'confirmed' }).subscribe({ abortSignal: abort.signal });
            const seen: string[] = [];
            void (async () => {
                for await (const n of logs) seen.push(n.value.signature);
            })().catch(() => {});
            const { value: latestBlockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
            const message = pipe(
                createTransactionMessage({ version: 0 }),
                (m) => setTransactionMessageFeePayerSigner(payer, m),
                (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
                (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: payer, destination, amount: 1_000_000_000n })], m),
            );
            const signed = await signTransactionMessageWithSigners(message);
            const signature = getSignatureFromTransaction(signed);
            assertIsTransactionWithBlockhashLifetime(signed);
            // Iterated from the moment it exists: kit's iterables drop notifications that arrive
            // before iteration starts (on a busy machine finality comes before the next line).
            const final = await rpcSubscriptions.signatureNotifications(signature as Signature, { commitment: 'finalized' }).subscribe({ abortSignal: abort.signal });
            const firstFinal = (async () => {
                for await (const n of final) return n;
                return undefined;
            })();
            await sendAndConfirm(signed, { commitment: 'confirmed' });
            expect((await rpc.getBalance(destination, { commitment: 'confirmed' }).send()).value).toBe(1_000_000_000n);
            await waitFor('the logs notification', () => (seen.includes(signature) ? true : undefined), { timeoutMs: 5_000 });
            const first = await firstFinal;
            expect(first?.value.err).toBeNull();
            const tx = await rpc.getTransaction(signature as Signature, { maxSupportedTransactionVersion: 0, encoding: 'json' }).send();
            expect(tx?.meta?.fee).toBe(5000n);
            expect(tx?.version).toBe(0);

            // Finalized confirmation through sendAndConfirm (finality lags by 5 blocks).
            const { value: bh2 } = await rpc.getLatestBlockhash().send();
            const second = await signTransactionMessageWithSigners(
                pipe(
                    createTransactionMessage({ version: 0 }),
                    (m) => setTransactionMessageFeePayerSigner(payer, m),
                    (m) => setTransactionMessageLifetimeUsingBlockhash(bh2, m),
                    (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: payer, destination, amount: 1n })], m),
                ),
            );
            assertIsTransactionWithBlockhashLifetime(second);
            await sendAndConfirm(second, { commitment: 'finalized' });
            const statuses = await rpc.getSignatureStatuses([getSignatureFromTransaction(second)]).send();
            expect(statuses.value[0]?.confirmationStatus).toBe('finalized');
        } finally {
            abort.abort();
        }
    });

    it('surfaces preflight failures as kit SolanaErrors with the transaction error as cause', async () => {
        const rpc = createSolanaRpc(net.rpcUrl);
        const payer = net.fixtures!.wallets[1]!.keypair.signer;
        const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
        const signed = await signTransactionMessageWithSigners(
            pipe(
                createTransactionMessage({ version: 0 }),
                (m) => setTransactionMessageFeePayerSigner(payer, m),
                (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
                (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: payer, destination: payer.address, amount: 10n ** 18n })], m),
            ),
        );
        const { getBase64EncodedWireTransaction, isSolanaError, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE } = await import('@solana/kit');
        const error = await rpc
            .sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64' })
            .send()
            .catch((e: unknown) => e);
        expect(isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)).toBe(true);
        expect((error as Error & { cause?: { context?: { __code?: number } } }).cause).toBeDefined();
    });
});

describe('@solana/web3.js 1.x Connection', () => {
    it('sendTransaction, confirmTransaction, onLogs, getSignaturesForAddress, getTransaction, getProgramAccounts', async () => {
        const connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl, disableRetryOnRateLimit: true });
        const wallet = net.fixtures!.wallets[2]!;
        const payer = Keypair.fromSecretKey(wallet.keypair.secretKey);
        const destination = Keypair.generate().publicKey;
        const seen: { signature: string; err: unknown }[] = [];
        const subscriptionsBefore = net.control.status().subscriptions;
        const listener = connection.onLogs(destination, (logs) => seen.push({ signature: logs.signature, err: logs.err }), 'confirmed');
        try {
            // web3.js subscribes lazily: send only once the node has the subscription, as a real node would need too.
            await waitFor('the logs subscription to reach the node', () => (net.control.status().subscriptions > subscriptionsBefore ? true : undefined), { timeoutMs: 5_000 });
            const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: destination, lamports: 2_000_000_000 }));
            const signature = await connection.sendTransaction(tx, [payer]);
            const latest = await connection.getLatestBlockhash();
            const confirmation = await connection.confirmTransaction({ signature, ...latest }, 'confirmed');
            expect(confirmation.value.err).toBeNull();
            await waitFor('the logs notification', () => (seen.some((s) => s.signature === signature) ? true : undefined), { timeoutMs: 5_000 });
            expect(await connection.getBalance(destination)).toBe(2_000_000_000);
            const list = await connection.getSignaturesForAddress(destination);
            expect(list[0]?.signature).toBe(signature);
            const fetched = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
            expect(fetched?.meta?.fee).toBe(5000);
            expect(fetched?.transaction.message.staticAccountKeys.map((k) => k.toBase58())).toContain(destination.toBase58());
            const parsed = await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
            expect(parsed?.slot).toBe(fetched?.slot);
            const accounts = await connection.getProgramAccounts(new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'), {
                filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: payer.publicKey.toBase58() } }],
            });
            expect(accounts).toHaveLength(3);
            const parsedAccounts = await connection.getParsedTokenAccountsByOwner(payer.publicKey, { mint: new PublicKey(net.fixtures!.mints.MOGA.address) });
            expect(parsedAccounts.value[0]?.account.data.parsed.info.tokenAmount.decimals).toBe(6);

            // A versioned transaction and finalized confirmation.
            const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('finalized');
            const message = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight })
                .add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: destination, lamports: 1 }))
                .compileMessage();
            const vtx = new VersionedTransaction(message);
            vtx.sign([payer]);
            const vsig = await connection.sendTransaction(vtx);
            const final = await connection.confirmTransaction({ signature: vsig, blockhash, lastValidBlockHeight }, 'finalized');
            expect(final.value.err).toBeNull();
        } finally {
            await connection.removeOnLogsListener(listener);
        }
    });

    it('reports preflight failures as SendTransactionError with logs', async () => {
        const connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
        const payer = Keypair.fromSecretKey(net.fixtures!.wallets[1]!.keypair.secretKey);
        const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: 10 ** 18 }));
        const error = await connection.sendTransaction(tx, [payer]).catch((e: unknown) => e);
        expect(String((error as Error).message)).toMatch(/Simulation failed/);
        expect((error as { logs?: string[] }).logs?.length).toBeGreaterThan(0);
    });
});

describe("Anchor's Program", () => {
    it('fetches the config account and receives ConfigUpdated through addEventListener', async () => {
        const connection = new Connection(net.rpcUrl, { commitment: 'confirmed', wsEndpoint: net.wsUrl });
        const f = net.fixtures!;
        const admin = Keypair.fromSecretKey(f.admin.secretKey);
        const wallet = {
            publicKey: admin.publicKey,
            payer: admin,
            signTransaction: async <T extends Transaction | VersionedTransaction>(t: T) => t,
            signAllTransactions: async <T extends Transaction | VersionedTransaction>(t: T[]) => t,
        };
        const provider = new AnchorProvider(connection, wallet, { commitment: 'confirmed' });
        const program = new Program(rwaRaffleIdl as unknown as Idl, provider);
        const accountNamespace = program.account as unknown as Record<string, { fetch(a: PublicKey): Promise<Record<string, unknown>> }>;
        const config = await accountNamespace['config']!.fetch(new PublicKey(f.configAddress));
        expect((config['admin'] as PublicKey).toBase58()).toBe(f.admin.address);
        expect(config['feeBps']).toBe(250);

        const events: { name: string; feeBps: unknown; slot: number }[] = [];
        const subscriptionsBefore = net.control.status().subscriptions;
        const listener = program.addEventListener('configUpdated' as never, ((event: Record<string, unknown>, slot: number) => {
            events.push({ name: 'configUpdated', feeBps: event['feeBps'], slot });
        }) as never);
        try {
            // Anchor subscribes through web3.js, lazily: send only once the node has the subscription.
            await waitFor('the event listener subscription to reach the node', () => net.control.status().subscriptions > subscriptionsBefore, { timeoutMs: 5_000 });
            const rpc = createSolanaRpc(net.rpcUrl);
            const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl);
            const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
            const ix = getUpdateConfigInstruction(
                {
                    admin: f.admin.signer,
                    config: f.configAddress,
                    newAdmin: null,
                    permitSigners: null,
                    drawAuthority: null,
                    drawCommitment: null,
                    settleAuthority: null,
                    treasury: null,
                    feeBps: 300,
                    mrftMint: null,
                    paused: null,
                },
                { programAddress: f.programAddress },
            );
            const signed = await signTransactionMessageWithSigners(
                pipe(
                    createTransactionMessage({ version: 0 }),
                    (m) => setTransactionMessageFeePayerSigner(f.admin.signer, m),
                    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
                    (m) => appendTransactionMessageInstructions([ix], m),
                ),
            );
            assertIsTransactionWithBlockhashLifetime(signed);
            await sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions })(signed, { commitment: 'confirmed' });
            await waitFor('the ConfigUpdated event at the listener', () => (events.length > 0 ? true : undefined), { timeoutMs: 5_000 });
            expect(events[0]!.feeBps).toBe(300);
            const updated = await accountNamespace['config']!.fetch(new PublicKey(f.configAddress));
            expect(updated['feeBps']).toBe(300);
        } finally {
            await program.removeEventListener(listener);
        }
    });
});
