/**
 * sendAndConfirmRaffleTransactionFactory and the reads against a real JSON-RPC + PubSub
 * server: `@raffle/localnet` on 127.0.0.1 with free ports (its raffle fixtures: program,
 * config, permit key, organizer with prize NFTs, funded buyer wallets).
 */
import { createNobleSigner, issuePermit } from '@raffle/permit';
import { type Localnet, startLocalnet } from '@raffle/localnet';
import { waitFor } from '@raffle/test-support';
import { getTransferSolInstruction } from '@solana-program/system';
import {
    airdropFactory,
    appendTransactionMessageInstruction,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    generateKeyPairSigner,
    lamports,
    type Rpc,
    type RpcSubscriptions,
    type Signature,
    type SolanaRpcApi,
    type SolanaRpcSubscriptionsApi,
} from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
    cancelRaffleTx,
    claimPrizeTx,
    claimProceedsTx,
    createRaffleWithPermitTx,
    drawCallbackTx,
    fetchConfigFromSeeds,
    fetchEntries,
    fetchRaffle,
    fetchRaffleView,
    findRaffleAddresses,
    isRaffleProgramError,
    joinWithTokenTx,
    parseRaffleEventsFromTransaction,
    RaffleStatus,
    requestDrawTx,
    RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH,
    type RwaRaffleEvent,
    sendAndConfirmRaffleTransactionFactory,
} from '../../index';
import { testAddress } from '../../__tests__/support/fixtures';

describe('sendAndConfirmRaffleTransactionFactory on @raffle/localnet (real JSON-RPC and PubSub)', () => {
    let net: Localnet;
    let sendAndConfirm: ReturnType<typeof sendAndConfirmRaffleTransactionFactory>;
    let rpc: Rpc<SolanaRpcApi>;
    let rpcSubscriptions: RpcSubscriptions<SolanaRpcSubscriptionsApi>;

    beforeAll(async () => {
        net = await startLocalnet({ host: '127.0.0.1', rpcPort: 0, wsPort: 0, slotIntervalMs: 50, onError: () => {} });
        rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
        rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl) as RpcSubscriptions<SolanaRpcSubscriptionsApi>;
        sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
    });
    afterAll(async () => {
        await net?.stop();
    });

    async function eventsOf(signature: Signature): Promise<RwaRaffleEvent[]> {
        const tx = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
        return parseRaffleEventsFromTransaction(tx);
    }

    it('confirms a landed transaction at the chosen commitment', async () => {
        const payer = await generateKeyPairSigner();
        await airdropFactory({ rpc, rpcSubscriptions })({ recipientAddress: payer.address, lamports: lamports(1_000_000_000n), commitment: 'confirmed' });
        const recipient = testAddress(3);
        // The sender is generic over messages: a SOL transfer lands without any raffle.
        const message = appendTransactionMessageInstruction(
            getTransferSolInstruction({ source: payer, destination: recipient, amount: lamports(5_000_000n) }),
            createTransactionMessage({ version: 0 }),
        );
        const signed: Signature[] = [];
        const { signature, attempts } = await sendAndConfirm(message, { feePayer: payer, commitment: 'confirmed', onSigned: info => void signed.push(info.signature) });
        expect([attempts, signed]).toEqual([1, [signature]]);
        const { value } = await rpc.getSignatureStatuses([signature]).send();
        expect(value[0]?.confirmationStatus).toMatch(/confirmed|finalized/);
        expect((await rpc.getBalance(recipient, { commitment: 'confirmed' }).send()).value).toBe(5_000_000n);
    });

    it('maps a program error from preflight, after reporting the signature', async () => {
        const payer = await generateKeyPairSigner();
        await airdropFactory({ rpc, rpcSubscriptions })({ recipientAddress: payer.address, lamports: lamports(1_000_000_000n), commitment: 'confirmed' });
        const signed: Signature[] = [];
        const error = await sendAndConfirm(await cancelRaffleTx({ authority: payer, raffle: testAddress(1) }), {
            feePayer: payer,
            onSigned: ({ signature }) => void signed.push(signature),
        }).catch((e: unknown) => e);
        expect(signed).toHaveLength(1);
        expect(isRaffleProgramError(error)).toBe(true);
    });

    it('runs a raffle end to end over RPC: permit, create, race-safe joins, draw, claims', async () => {
        const f = net.fixtures!;
        const permitKey = createNobleSigner(f.permitSigner.secretKey);
        const organizer = f.organizer.keypair.signer;
        const prize = f.prizeNfts[0]!;
        const permit = await issuePermit(
            {
                programId: f.programAddress,
                config: f.configAddress,
                organizer: organizer.address,
                raffleId: 42n,
                tier: 1,
                enterpriseId: new Uint8Array(16).fill(1),
                prizeMint: prize.mint,
                prizeAmount: 1n,
                paymentMint: f.mints.MOGA.address,
                ticketPrice: 1_000_000n,
                maxTickets: 3,
                deadline: BigInt(Math.floor(Date.now() / 1000) + 86_400),
                refundMode: 'tokens',
            },
            { signer: permitKey },
        );
        const created = await sendAndConfirm(await createRaffleWithPermitTx({ organizer, permit, computeUnitPrice: 1_000n }), { feePayer: organizer });
        expect((await eventsOf(created.signature)).map(e => e.name)).toEqual(['RaffleCreated']);
        const { raffle } = await findRaffleAddresses({ organizer: organizer.address, raffleId: 42n });

        const [alice, bob] = [f.wallets[0]!.keypair.signer, f.wallets[1]!.keypair.signer];
        // Alice's message is built, then Bob takes entry index 0: sent as is, it fails with EntryIndexMismatch...
        const stale = await joinWithTokenTx({ rpc, buyer: alice, raffle, ticketCount: 1 });
        await sendAndConfirm(() => joinWithTokenTx({ rpc, buyer: bob, raffle, ticketCount: 1 }), { feePayer: bob });
        const error = await sendAndConfirm(stale, { feePayer: alice }).catch((e: unknown) => e);
        expect(isRaffleProgramError(error, RWA_RAFFLE_ERROR__ENTRY_INDEX_MISMATCH)).toBe(true);
        // ...and given as a builder function, the sender rebuilds it from fresh state.
        let builds = 0;
        const joined = await sendAndConfirm(async () => (builds++ === 0 ? stale : await joinWithTokenTx({ rpc, buyer: alice, raffle, ticketCount: 2 })), {
            feePayer: alice,
        });
        expect(joined.attempts).toBe(2);
        expect((await eventsOf(joined.signature))[0]).toMatchObject({ name: 'TicketsPurchased', data: { entryIndex: 1, ticketCount: 2 } });

        expect((await fetchEntries(rpc, raffle, { commitment: 'confirmed' })).map(e => e.data.buyer)).toEqual([bob.address, alice.address]);
        expect(await fetchRaffleView(rpc, raffle, { commitment: 'confirmed' })).toMatchObject({ isSoldOut: true, canRequestDraw: true });

        await sendAndConfirm(await requestDrawTx({ requester: bob, raffle }), { feePayer: bob });
        const config = await fetchConfigFromSeeds(rpc, { commitment: 'confirmed' });
        const drawAuthority = f.drawAuthority.signer;
        await sendAndConfirm(await drawCallbackTx({ drawAuthority, raffle, reveal: f.drawHashChain.reveals[0]!, config }), { feePayer: drawAuthority });
        const view = await fetchRaffleView(rpc, raffle, { commitment: 'confirmed' });
        expect(view.raffle.status).toBe(RaffleStatus.Completed);
        expect([alice.address, bob.address]).toContain(view.winner?.buyer);

        const claim = await sendAndConfirm(await claimPrizeTx({ rpc, cranker: bob, raffle }), { feePayer: bob });
        expect((await eventsOf(claim.signature))[0]).toMatchObject({ name: 'PrizeClaimed', data: { recipient: view.winner?.buyer, toWinner: true } });
        const proceeds = await sendAndConfirm(await claimProceedsTx({ rpc, cranker: organizer, raffle }), { feePayer: organizer });
        expect((await eventsOf(proceeds.signature))[0]).toMatchObject({ name: 'ProceedsClaimed', data: { organizerAmount: 2_925_000n, treasuryAmount: 75_000n } });
        expect((await fetchRaffle(rpc, raffle, { commitment: 'confirmed' })).data).toMatchObject({ prizeClaimed: true, proceedsClaimed: true });
    });
});

describe('re-signing after expiry on @raffle/localnet', () => {
    let net: Localnet;

    beforeAll(async () => {
        net = await startLocalnet({ host: '127.0.0.1', rpcPort: 0, wsPort: 0, slotIntervalMs: 20, confirmationLag: 5, blockhashValidity: 30, fixtures: false, onError: () => {} });
    });
    afterAll(async () => {
        await net?.stop();
    });

    it('signs a second version only once the first expired unlanded (a fork dropped it); the transfer happens once', async () => {
        const rpc = createSolanaRpc(net.rpcUrl) as Rpc<SolanaRpcApi>;
        const rpcSubscriptions = createSolanaRpcSubscriptions(net.wsUrl) as RpcSubscriptions<SolanaRpcSubscriptionsApi>;
        const sendAndConfirm = sendAndConfirmRaffleTransactionFactory({ rpc, rpcSubscriptions });
        const payer = await generateKeyPairSigner();
        await airdropFactory({ rpc, rpcSubscriptions })({ recipientAddress: payer.address, lamports: lamports(1_000_000_000n), commitment: 'confirmed' });
        const recipient = testAddress(44);
        const message = appendTransactionMessageInstruction(
            getTransferSolInstruction({ source: payer, destination: recipient, amount: lamports(7_000_000n) }),
            createTransactionMessage({ version: 0 }),
        );
        const trace: string[] = [];
        let watcher: Promise<void> | undefined;
        const result = await sendAndConfirm(message, {
            feePayer: payer,
            maxAttempts: 3,
            onSigned: ({ signature, attempt }) => {
                trace.push(`signed ${attempt}`);
                if (attempt !== 1) return;
                // As soon as the first version lands (processed), its fork is abandoned: it is gone for good.
                watcher = (async () => {
                    const landed = async () => (await rpc.getSignatureStatuses([signature]).send()).value[0];
                    await waitFor('the first version to land (processed)', landed, { timeoutMs: 20_000, intervalMs: 5 });
                    net.control.fork(signature, { replay: false });
                    trace.push('forked 1');
                })();
            },
        });
        await watcher;
        expect(trace).toEqual(['signed 1', 'forked 1', 'signed 2']);
        expect(result.attempts).toBe(2);
        const { value } = await rpc.getSignatureStatuses([result.signatures[0]!], { searchTransactionHistory: true }).send();
        expect(value[0]).toBeNull();
        expect((await rpc.getBalance(recipient, { commitment: 'confirmed' }).send()).value).toBe(7_000_000n);
    }, 30_000);
});
