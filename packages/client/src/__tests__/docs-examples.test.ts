/**
 * docs/client.md's samples: each region of docs-examples*.ts appears verbatim in the guide,
 * and the frontend flow runs end to end against the committed program on `@raffle/localnet`
 * (the guide's own `createRaffleApp` over real JSON-RPC and PubSub, a real HTTP permit backend
 * on 127.0.0.1).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createMemoryPermitStore, createNodeRequestListener, createPermitHandler, type PermitServerStore } from '@raffle/permit/server';
import { type Address, type KeyPairSigner, type Signature } from '@solana/kit';
import { Keypair, type VersionedTransaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
    createPermitApiClient,
    drawCallbackTx,
    fetchConfigFromSeeds,
    fetchRaffle,
    findAssociatedTokenAddress,
    requestDrawTx,
    RWA_RAFFLE_PROGRAM_ADDRESS,
    walletFromMessageSigner,
} from '../index';
import { buyTickets, claimIfWinner, createRaffle, createRaffleApp, type RaffleApp, requestPermit, ticketsBought } from './docs-examples';
import { joinWithWalletAdapter } from './docs-examples-compat';
import { useRaffleCluster } from './support/localnet';

const DAY = 86_400n;

const here = new URL('.', import.meta.url).pathname;
const guide = readFileSync(new URL('../../../../docs/client.md', import.meta.url), 'utf8');

function regions(file: string): Map<string, string> {
    const text = readFileSync(`${here}${file}`, 'utf8');
    const out = new Map<string, string>();
    for (const match of text.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion \1/g)) out.set(match[1]!, match[2]!.trimEnd());
    return out;
}

describe('docs/client.md', () => {
    it('shows every sample region verbatim', () => {
        const all = [...regions('docs-examples.ts'), ...regions('docs-examples-compat.ts')];
        expect(all.map(([name]) => name)).toEqual(['imports', 'client', 'permit', 'create', 'join', 'events', 'claim', 'wallet-adapter']);
        for (const [name, code] of all) expect(guide, `region ${name}`).toContain(code);
    });

    it('createRaffleApp builds clients without touching the network', () => {
        const app = createRaffleApp('http://127.0.0.1:1', 'ws://127.0.0.1:1');
        expect(typeof app.sendAndConfirm).toBe('function');
    });
});

describe('the frontend flow of docs/client.md, executed', () => {
    const cluster = useRaffleCluster();
    let app: RaffleApp;
    let server: Server;
    let backendUrl: string;
    let permitStore: PermitServerStore;

    beforeAll(async () => {
        app = createRaffleApp(cluster.net.rpcUrl, cluster.net.wsUrl);
        // The permit server of docs/permit-server.md, with the fixture permit key, on the cluster's clock and config.
        permitStore = createMemoryPermitStore();
        await permitStore.ready();
        const handler = createPermitHandler({
            store: permitStore,
            signers: [cluster.permitSigner],
            programId: RWA_RAFFLE_PROGRAM_ADDRESS,
            config: cluster.fixtures.configAddress,
            domain: 'permits.test',
            policy: { requirePrizeCollection: false },
            now: () => Number(cluster.now()) * 1000,
        });
        server = createServer(createNodeRequestListener(handler));
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
        await new Promise(resolve => server.close(resolve));
    });

    const paymentMint = (): Address => cluster.fixtures.mints.USDC.address;

    async function buyer(): Promise<KeyPairSigner> {
        const signer = await cluster.wallet();
        await cluster.tokenAccount(signer.address, paymentMint(), 100_000_000n, await findAssociatedTokenAddress({ owner: signer.address, mint: paymentMint() }));
        return signer;
    }

    /** An organizer known to the permit server, holding a new prize NFT, and the raffle input for it. */
    async function organizerWithPrize(maxTickets: number) {
        const organizer = await cluster.wallet();
        const prizeMint = await cluster.prizeNft(organizer.address);
        await permitStore.createOrganizer({ address: organizer.address, enterpriseId: '00'.repeat(16), tier: 'pro' }, Number(cluster.now()) * 1000);
        const raffleInput = { prizeMint, prizeAmount: 1n, paymentMint: paymentMint(), ticketPrice: 1_000_000n, maxTickets, deadline: cluster.now() + DAY, refundMode: 'tokens' } as const;
        return { organizer, raffleInput };
    }

    it('permit, create, join, events, draw, claim', async () => {
        const { organizer, raffleInput } = await organizerWithPrize(3);
        const permits = createPermitApiClient({ baseUrl: backendUrl });
        const permit = await requestPermit(permits, walletFromMessageSigner(organizer), raffleInput, '1');
        expect(await requestPermit(permits, walletFromMessageSigner(organizer), raffleInput, '1')).toEqual(permit); // replayed
        await expect(requestPermit(permits, walletFromMessageSigner(organizer), { ...raffleInput, maxTickets: 200_000 }, '2')).rejects.toThrow(/at most 100000 tickets/);
        const remembered: Signature[] = [];
        const raffle = await createRaffle(app, organizer, permit, signature => remembered.push(signature));
        expect(remembered).toHaveLength(1);
        expect((await fetchRaffle(app.rpc, raffle)).data.maxTickets).toBe(3);

        const alice = await buyer();
        const bob = await buyer();
        const first = await buyTickets(app, alice, raffle, 2);
        expect(await ticketsBought(app, first as Signature)).toEqual([{ entryIndex: 0, firstTicket: 0, ticketCount: 2 }]);
        expect(await buyTickets(app, bob, raffle, 2)).toBe('sold out');
        await buyTickets(app, bob, raffle, 1);
        await expect(buyTickets(app, bob, raffle, 1)).rejects.toThrow(/Drawing/);

        // The draw authority's part (the worker's, in production).
        const drawAuthority = cluster.fixtures.drawAuthority.signer;
        await app.sendAndConfirm(await requestDrawTx({ requester: alice, raffle: await fetchRaffle(app.rpc, raffle) }), { feePayer: alice });
        const config = await fetchConfigFromSeeds(app.rpc);
        await app.sendAndConfirm(await drawCallbackTx({ drawAuthority, raffle, reveal: cluster.nextReveal(), config }), { feePayer: drawAuthority });
        const claims = [await claimIfWinner(app, alice, raffle), await claimIfWinner(app, bob, raffle)];
        expect(claims.filter(c => c !== undefined)).toHaveLength(1);
        expect(await claimIfWinner(app, alice, raffle)).toBeUndefined(); // already claimed
    });

    it('joins through a web3.js wallet adapter', async () => {
        const { organizer, raffleInput } = await organizerWithPrize(5);
        const permit = await requestPermit(createPermitApiClient({ baseUrl: backendUrl }), walletFromMessageSigner(organizer), raffleInput, '3');
        const raffle = await createRaffle(app, organizer, permit, () => undefined);
        const keypair = Keypair.generate();
        const owner = keypair.publicKey.toBase58() as Address;
        cluster.net.control.airdrop(owner, 1_000_000_000n);
        await cluster.tokenAccount(owner, paymentMint(), 10_000_000n, await findAssociatedTokenAddress({ owner, mint: paymentMint() }));
        const wallet = {
            publicKey: keypair.publicKey,
            async signTransaction<T extends VersionedTransaction>(transaction: T): Promise<T> {
                transaction.sign([keypair]);
                return transaction;
            },
        };
        const signature = await joinWithWalletAdapter(app.rpc, wallet, raffle, 2);
        expect(await ticketsBought(app, signature)).toEqual([{ entryIndex: 0, firstTicket: 0, ticketCount: 2 }]);
    });
});
